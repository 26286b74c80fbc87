package alternativeme

import (
	"math"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	cw "cryptoweekly"
)

const fngPath = "alternativeme-fng-MuLancer/fear_and_greed_index_2.csv"

func fngFS(body string) fstest.MapFS {
	return fstest.MapFS{fngPath: &fstest.MapFile{Data: []byte(body)}}
}

// fngObs returns the value for a day, and whether it exists.
func fngObs(b cw.Batch, day string) (float64, bool) {
	d, _ := cw.ParseDay(day)
	for _, o := range b.Observations {
		if o.Entity == EntityID && o.Metric == Metric && o.Day.Equal(d) {
			return o.Value, true
		}
	}
	return 0, false
}

func TestFearGreedGood(t *testing.T) {
	// Newest first, with the documented upstream gap 2024-10-26, and zone boundaries 25/26, 46/47,
	// 54/55, 75/76 as the real file labels them.
	body := "date,value,value_classification\n" +
		"2024-10-30T00:00:00Z,76,Extreme Greed\n" +
		"2024-10-29T00:00:00Z,75,Greed\n" +
		"2024-10-28T00:00:00Z,55,Greed\n" +
		"2024-10-27T00:00:00Z,54,Neutral\n" +
		"2024-10-25T00:00:00Z,47,Neutral\n" +
		"2024-10-24T00:00:00Z,46,Fear\n" +
		"2024-10-23T00:00:00Z,26,Fear\n" +
		"2024-10-22T00:00:00Z,25,Extreme Fear\n" +
		"2024-10-21T00:00:00Z,0,Extreme Fear\n" +
		"2024-10-20T00:00:00Z,100,Extreme Greed\n"
	bs, err := parseFearGreed(fngFS(body), "alternativeme-fng-MuLancer")
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 {
		t.Fatalf("got %d batches, want 1", len(bs))
	}
	b := bs[0]
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if b.Source.ID != "alternativeme-fng" || b.Source.Provider != "alternative.me" || b.Source.Location != fngPath {
		t.Errorf("provenance = %+v", b.Source)
	}
	if !b.Source.FetchedAt.Equal(time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)) || b.Source.Licence == "" || !strings.Contains(b.Source.Note, "08254900b801e9c05aba2701b268e4d7934df529") {
		t.Errorf("provenance = %+v", b.Source)
	}
	if len(b.Entities) != 1 || b.Entities[0].ID != "index:fear-greed" || b.Entities[0].Kind != cw.KindIndex || b.Entities[0].Name != "Crypto Fear & Greed Index (alternative.me)" {
		t.Errorf("entities = %+v", b.Entities)
	}
	if len(b.Observations) != 10 {
		t.Errorf("got %d observations, want 10", len(b.Observations))
	}
	for day, want := range map[string]float64{"2024-10-30": 76, "2024-10-22": 25, "2024-10-21": 0, "2024-10-20": 100} {
		if v, ok := fngObs(b, day); !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", day, v, ok, want)
		}
	}
	if _, ok := fngObs(b, "2024-10-26"); ok {
		t.Error("2024-10-26 must stay missing, not be filled")
	}
}

func TestFearGreedBad(t *testing.T) {
	const head = "date,value,value_classification\n"
	cases := []struct {
		name, body, want string
	}{
		{"malformed row", head + "2024-12-07T00:00:00Z,75,Greed\n2024-12-06T00:00:00Z,\"72,Greed\n", fngPath + ":3"},
		{"wrong field count", head + "2024-12-07T00:00:00Z,75,Greed\n2024-12-06T00:00:00Z,72\n", fngPath + ":3: 2 fields"},
		{"duplicate day", head + "2024-12-07T00:00:00Z,75,Greed\n2024-12-07T00:00:00Z,72,Greed\n", fngPath + ":3: duplicate day 2024-12-07"},
		{"gap", head + "2024-12-07T00:00:00Z,75,Greed\n2024-12-05T00:00:00Z,72,Greed\n", fngPath + ":2: gap: no row for 2024-12-06"},
		{"gap next to a known gap", head + "2024-10-27T00:00:00Z,50,Neutral\n2024-10-24T00:00:00Z,50,Neutral\n", "gap: no row for 2024-10-25"},
		{"NaN", head + "2024-12-07T00:00:00Z,NaN,Greed\n", fngPath + ":2: field value: not an integer"},
		{"negative", head + "2024-12-07T00:00:00Z,-1,Extreme Fear\n", fngPath + ":2: field value: value -1 outside 0..100"},
		{"over 100", head + "2024-12-07T00:00:00Z,101,Extreme Greed\n", fngPath + ":2: field value: value 101 outside 0..100"},
		{"zone disagrees", head + "2024-12-07T00:00:00Z,75,Greed\n2024-12-06T00:00:00Z,25,Fear\n", fngPath + ":3: field value_classification"},
		{"missing column", "date,value\n2024-12-07T00:00:00Z,75\n", fngPath + ":1: missing column \"value_classification\""},
		{"bad date", head + "2024-13-07T00:00:00Z,75,Greed\n", fngPath + ":2: field date"},
		{"not midnight", head + "2024-12-07T12:00:00Z,75,Greed\n", fngPath + ":2: field date: not a UTC midnight"},
		{"oldest first", head + "2024-12-06T00:00:00Z,72,Greed\n2024-12-07T00:00:00Z,75,Greed\n", fngPath + ":3: field date"},
		{"no rows", head, "no data rows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseFearGreed(fngFS(c.body), "alternativeme-fng-MuLancer")
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
	if _, err := parseFearGreed(fstest.MapFS{}, "alternativeme-fng-MuLancer"); err == nil || !strings.Contains(err.Error(), "fear_and_greed_index_2.csv") {
		t.Errorf("missing file: error %v should name the file", err)
	}
}

func TestFearGreedReal(t *testing.T) {
	root := "../../../shared/data/raw"
	if _, err := os.Stat(root + "/" + fngPath); err != nil {
		t.Skip("real data not present:", err)
	}
	bs, err := parseFearGreed(os.DirFS(root), "alternativeme-fng-MuLancer")
	if err != nil {
		t.Fatal(err)
	}
	b := bs[0]
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(b.Observations) != 2958 {
		t.Errorf("got %d days, want 2958 (SOURCES.md)", len(b.Observations))
	}
	for day, want := range map[string]float64{
		"2024-12-06": 72, "2024-12-07": 75, "2024-12-08": 79, "2024-12-11": 74, "2024-12-12": 83, "2024-12-13": 76, "2024-12-14": 83,
		"2018-02-01": 30, "2026-03-12": 18,
	} {
		v, ok := fngObs(b, day)
		if !ok || math.Abs(v-want) > 0 {
			t.Errorf("%s = %v (present %v), want %v", day, v, ok, want)
		}
	}
	for day := range fngKnownGaps {
		if _, ok := fngObs(b, day); ok {
			t.Errorf("%s is documented as missing upstream but has a value", day)
		}
	}
}
