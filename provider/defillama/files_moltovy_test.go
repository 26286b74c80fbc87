package defillama

import (
	"strings"
	"testing"
	"testing/fstest"

	"cryptoweekly/internal/familytest"
)

func TestMoltovyFamilies(t *testing.T) {
	raw := familytest.Raw(t)
	bs, err := familytest.Parse(t, raw, dlMolTVLDir)
	if err != nil {
		t.Fatal(err)
	}
	// DefiLlama's default total for the week ending 2024-12-13, as the export has it.
	familytest.Want(t, bs, EntityDefiTVL, "tvl", "2024-12-13", 120_000_000_000, 30_000_000_000)
	bs, err = familytest.Parse(t, raw, dlMolDexDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := familytest.Obs(t, bs, EntityDexTotal, "dex_volume", "2026-04-17"); ok {
		t.Error("the export day's partial row was kept")
	}
	if _, ok := familytest.Obs(t, bs, EntityDexTotal, "dex_volume", "2026-04-16"); !ok {
		t.Error("the last complete day is missing")
	}
}

func TestMoltovyBadInput(t *testing.T) {
	cases := []struct {
		name, dir, file, body, want string
	}{
		{"tvl gap", dlMolTVLDir, dlMolTVLFile, "date,TVL\n2024-12-01,1\n2024-12-03,2\n", "gap"},
		{"tvl negative", dlMolTVLDir, dlMolTVLFile, "date,TVL\n2024-12-01,-1\n", "negative"},
		{"tvl not a number", dlMolTVLDir, dlMolTVLFile, "date,TVL\n2024-12-01,1e3x\n", "TVL"},
		{"dex gap in 2024", dlMolDexDir, dlMolDexFile, "date,TVL,DEXs Volume,Perps Volume,Stablecoins Mcap\n2024-01-01,,1,,\n2024-01-03,,1,,\n2024-01-04,,1,,\n", "gap"},
		{"dex duplicate day", dlMolDexDir, dlMolDexFile, "date,TVL,DEXs Volume,Perps Volume,Stablecoins Mcap\n2024-01-01,,1,,\n2024-01-01,,2,,\n2024-01-02,,1,,\n", "duplicate"},
		{"dex missing column", dlMolDexDir, dlMolDexFile, "date,TVL,DEXs Volume\n2024-01-01,1,1\n", "Perps Volume"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{c.dir + "/" + c.file: {Data: []byte(c.body)}}
			_, err := familytest.Parse(t, fsys, c.dir)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.file) {
				t.Fatalf("err %v, want one naming %s and %q", err, c.file, c.want)
			}
		})
	}
}
