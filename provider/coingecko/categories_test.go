package coingecko

import (
	"strings"
	"testing"
	"testing/fstest"

	cw "cryptoweekly"
	"cryptoweekly/internal/familytest"
)

func TestCategoriesBundled(t *testing.T) {
	raw := familytest.Raw(t)
	bs, err := familytest.Parse(t, raw, CategoriesDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || bs[0].Source.ID != SourceCategoryCaps || cw.DayString(bs[0].Source.FetchedAt) != "2025-10-31" {
		t.Fatalf("batches %+v", bs[0].Source)
	}
	mc, vol := string(cw.MetricMarketCap), string(cw.MetricVolume24h)
	l1 := CategoryEntity("Layer 1 (L1)")
	// CategoryPerformance__2025-07-22__7dbd85fc3d.csv:3 and __2025-10-03__4e843a68fa.csv:3, :19.
	familytest.Want(t, bs, l1, mc, "2025-07-22", 3232755145924.0, 0)
	familytest.Want(t, bs, l1, vol, "2025-07-22", 161911685870.0, 0)
	familytest.Want(t, bs, l1, mc, "2025-10-03", 3448313212213.0, 0)
	familytest.Want(t, bs, CategoryEntity("Meme"), mc, "2025-10-03", 82269853532.0, 0)
	// Stray blanks around names (line 228 "Liquid Staked APT\t", line 314 " DN-404") are not
	// part of the name.
	familytest.Want(t, bs, CategoryEntity("Liquid Staked APT"), mc, "2025-10-03", 179427663.0, 0)
	familytest.Want(t, bs, CategoryEntity("DN-404"), vol, "2025-10-03", 2959.0, 0)
	// "Ethereum Ecosystem,,," on 2025-10-31: listed without figures, so nothing, not a zero.
	if _, ok := familytest.Obs(t, bs, CategoryEntity("Ethereum Ecosystem"), mc, "2025-10-31"); ok {
		t.Error("an empty row became a value")
	}
	// Meme is in the ~620-category files only; the early files hold the top 10.
	if _, ok := familytest.Obs(t, bs, CategoryEntity("Meme"), mc, "2025-09-19"); ok {
		t.Error("Meme in a top-10 file")
	}
	for id, name := range CategoryNames {
		e, ok := familytest.Entity(bs, CategoryEntity(name))
		if !ok || e.Name != name || e.Attrs["coingecko_id"] != id {
			t.Errorf("%s (%s): entity %+v", id, name, e)
		}
	}
	for _, o := range bs[0].Observations {
		if o.Metric != cw.MetricMarketCap && o.Metric != cw.MetricVolume24h {
			t.Fatalf("stored %s", o.Metric)
		}
	}
}

// Real rows of CategoryPerformance__2025-10-03__4e843a68fa.csv.
const catHeader = "Category,Market Cap,24h Volume,24h % Change\n"
const catRows = "Smart Contract Platform,3541412531065.0,147346180898.0,2.3\nLayer 1 (L1),3448313212213.0,140374025878.0,2.29\nMeme,82269853532.0,8468144153.0,3.06\nEthereum Ecosystem,,,\n"

func catFS(name, body string) fstest.MapFS {
	return fstest.MapFS{CategoriesDir + "/" + name: {Data: []byte(body)}}
}

func TestCategoriesRejects(t *testing.T) {
	const file = "CategoryPerformance__2025-10-03__4e843a68fa.csv"
	if _, err := familytest.Parse(t, catFS(file, catHeader+catRows), CategoriesDir); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, file, body string
		want             []string
	}{
		{"bad number", file, catHeader + strings.Replace(catRows, "82269853532.0", "8.2e10x", 1), []string{file + ":4", "Market Cap", "8.2e10x"}},
		{"display number", file, catHeader + strings.Replace(catRows, "82269853532.0", `"$82,269,853,532"`, 1), []string{file + ":4", "Market Cap"}},
		{"negative volume", file, catHeader + strings.Replace(catRows, "8468144153.0", "-5", 1), []string{file + ":4", "24h Volume", "negative"}},
		{"change below -100%", file, catHeader + strings.Replace(catRows, ",3.06", ",-130", 1), []string{file + ":4", "24h % Change"}},
		{"half-empty row", file, catHeader + strings.Replace(catRows, "Meme,82269853532.0,8468144153.0,3.06", "Meme,82269853532.0,,", 1), []string{file + ":4", "2 of the three figures empty"}},
		{"duplicate row", file, catHeader + catRows + "Meme,82269853533.0,8468144153.0,3.06\n", []string{file + ":6", "listed twice (first at line 4)"}},
		{"duplicate after trimming", file, catHeader + catRows + " meme ,1.0,1.0,1\n", []string{file + ":6", "listed twice"}},
		{"unknown column", file, strings.Replace(catHeader, "Change\n", "Change,7d % Change\n", 1) + strings.ReplaceAll(catRows, "\n", ",1\n"), []string{file + ":1", "unknown column", "7d % Change"}},
		{"missing column", file, strings.Replace(catHeader, "24h Volume", "Volume", 1) + catRows, []string{file + ":1", "missing column", "24h Volume"}},
		{"hostile HTML name", file, catHeader + "<img src=x onerror=alert(1)>,1.0,1.0,1\n", []string{file + ":2", "Category", "markup"}},
		{"header only", file, catHeader, []string{file, "no data rows"}},
		{"file name without commit", "CategoryPerformance__2025-10-03.csv", catHeader + catRows, []string{"CategoryPerformance__2025-10-03.csv", "file name"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := familytest.Parse(t, catFS(c.file, c.body), CategoriesDir)
			familytest.Err(t, err, c.want...)
		})
	}
	// Two snapshots of one day.
	fsys := catFS(file, catHeader+catRows)
	fsys[CategoriesDir+"/CategoryPerformance__2025-10-03__0123456789.csv"] = &fstest.MapFile{Data: []byte(catHeader + catRows)}
	_, err := familytest.Parse(t, fsys, CategoriesDir)
	familytest.Err(t, err, "a second snapshot of 2025-10-03")
}
