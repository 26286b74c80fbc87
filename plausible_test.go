package cryptoweekly

import (
	"math"
	"strings"
	"testing"
	"time"

	"cryptoweekly/internal/flexjson"
)

func TestPlausibleValues(t *testing.T) {
	bad := []struct {
		m Metric
		v float64
	}{
		{MetricMarketCap, 1.7e308}, // defect 1: broke the report ("$+InfT", NaN in JSON)
		{MetricCirculatingUSD, 1e300},
		{MetricPrice, 2e7},
		{MetricPrice, -1},
		{MetricValue, 101},
		{MetricTVL, math.Inf(1)},
		{MetricVolume24h, math.NaN()},
		{"rank", 1.5},
		{"no_such_metric", 1e300},
		{MetricETFFlow, 6.553e14}, // Farside's US$ millions stored as USD twice
		{MetricETFAUM, -1},
	}
	for _, c := range bad {
		if err := CheckValue(c.m, c.v); err == nil {
			t.Errorf("CheckValue(%s, %g) accepted", c.m, c.v)
		}
	}
	good := []struct {
		m Metric
		v float64
	}{{MetricMarketCap, 3.8e12}, {MetricPrice, 124720.09}, {MetricValue, 0}, {MetricValue, 100}, {MetricCirculatingSupply, 1.7e17}, {"pct_change_7d", 5110.6}, {"no_such_metric", -5},
		{MetricETFFlow, -1.1e9}, {MetricETFCumFlow, 5.7e10}}
	for _, c := range good {
		if err := CheckValue(c.m, c.v); err != nil {
			t.Errorf("CheckValue(%s, %g): %v", c.m, c.v, err)
		}
	}
}

func TestPlausibleDays(t *testing.T) {
	for _, d := range []time.Time{
		time.Unix(1e18/1000, 0).UTC(), // defect 3: "date": 1e18 read as a day in year −3586956 / far future
		time.Date(-3586956, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2009, 1, 2, 0, 0, 0, 0, time.UTC),
		Day(time.Now()).AddDate(0, 0, 2),
	} {
		if err := CheckDay(Day(d)); err == nil {
			t.Errorf("CheckDay(%v) accepted", d)
		}
	}
	for _, d := range []time.Time{FirstDay, Day(time.Now()), LastDay()} {
		if err := CheckDay(d); err != nil {
			t.Errorf("CheckDay(%v): %v", d, err)
		}
	}
}

func TestBatchValidateRejectsAndQuotes(t *testing.T) {
	day := time.Date(2024, 12, 13, 0, 0, 0, 0, time.UTC)
	huge := strings.Repeat("x", 200_000)
	cases := []struct {
		name string
		b    Batch
		want string
	}{
		{"1e300 market cap", Batch{Source: Provenance{ID: "s", Location: "dir/f.csv"}, Observations: []Observation{{Entity: "asset:x", Metric: MetricMarketCap, Day: day, Value: 1e300, Source: "s"}}}, "s (dir/f.csv): asset:x market_cap 2024-12-13: value 1e+300 is outside"},
		{"invalid UTF-8 chain", Batch{Source: Provenance{ID: "s"}, Entities: []Entity{{ID: "chain:optimi\xe9sm", Kind: KindChain}}}, "not valid UTF-8"},
		{"huge name", Batch{Source: Provenance{ID: "s"}, Entities: []Entity{{ID: "protocol:x", Kind: KindProtocol, Name: huge}}}, "200000 bytes, more than the 1024 allowed"},
		{"control character in an id", Batch{Source: Provenance{ID: "s"}, Entities: []Entity{{ID: "asset:a\x1fb", Kind: KindAsset}}}, "field id: control character U+001F at byte 7"},
		{"newline in an observed entity", Batch{Source: Provenance{ID: "s"}, Observations: []Observation{{Entity: "asset:x\n", Metric: MetricPrice, Day: day, Value: 1, Source: "s"}}}, "entity: control character U+000A"},
		{"day before bitcoin", Batch{Source: Provenance{ID: "s"}, Observations: []Observation{{Entity: "asset:x", Metric: MetricPrice, Day: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Value: 1, Source: "s"}}}, "outside 2009-01-03"},
	}
	for _, c := range cases {
		err := c.b.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
		if err != nil && len(err.Error()) > 400 {
			t.Errorf("%s: message of %d bytes quotes too much", c.name, len(err.Error()))
		}
	}
}

func TestQuoteCaps(t *testing.T) {
	q := Quote(strings.Repeat("é", 1000))
	if len(q) > MaxQuoteBytes+40 || !strings.Contains(q, "(2000 bytes)") {
		t.Errorf("Quote: %s", q)
	}
}

// The decoders' lenient time parser must not accept a day the store refuses, or a fuzzed payload
// decodes cleanly and then fails Validate.
func TestDecoderTimeBoundsMatchStore(t *testing.T) {
	if !flexjson.MinTime.Equal(FirstDay) {
		t.Errorf("flexjson.MinTime %v != FirstDay %v", flexjson.MinTime, FirstDay)
	}
	if last := Day(flexjson.MaxTime().Add(-time.Second)); !last.Equal(LastDay()) {
		t.Errorf("flexjson.MaxTime's last day %v != LastDay %v", last, LastDay())
	}
}
