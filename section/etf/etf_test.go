package etf

import (
	"context"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/provider/farside"
	"cryptoweekly/provider/sosovalue"
	"cryptoweekly/report"
	"cryptoweekly/store/duckdb"
)

func mustDay(s string) time.Time {
	d, err := cw.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

// The market holidays of the bundled period as Farside's tables show them (a row with every fund
// cell empty until mid-2025, no row after): the calendar must name exactly these weekdays.
func TestTradingDaysMatchFarside(t *testing.T) {
	closed := map[string]bool{}
	for _, d := range []string{"2024-01-15", "2024-02-19", "2024-03-29", "2024-05-27", "2024-06-19", "2024-07-04", "2024-09-02",
		"2024-11-28", "2024-12-25", "2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26", "2025-06-19",
		"2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25", "2026-01-01", "2026-01-19", "2026-02-16", "2026-04-03"} {
		closed[d] = true
	}
	for d := mustDay("2024-01-11"); !d.After(mustDay("2026-04-10")); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if got := tradingDay(d); got == closed[cw.DayString(d)] {
			t.Errorf("%s: trading day %v, Farside says the opposite", cw.DayString(d), got)
		}
	}
	// The rules beyond the data: a Saturday Juneteenth is observed on Friday, a Saturday New
	// Year's Day is not moved to the Friday before, Good Friday follows Easter.
	for d, want := range map[string]bool{"2027-06-18": false, "2027-06-21": true, "2021-12-31": true, "2027-03-26": false,
		"2027-12-24": false, "2026-11-26": false, "2026-05-25": false, "2026-09-07": false, "2026-07-03": false} {
		if got := tradingDay(mustDay(d)); got != want {
			t.Errorf("%s: trading day %v, want %v", d, got, want)
		}
	}
	if n := len(tradingDays(mustDay("2025-04-12"), mustDay("2025-04-18"))); n != 4 {
		t.Errorf("Good Friday's week has %d trading days, want 4", n)
	}
}

func batch(src cw.SourceID, ents []cw.Entity, obs ...cw.Observation) cw.Batch {
	for i := range obs {
		obs[i].Source = src
	}
	return cw.Batch{Source: cw.Provenance{ID: src, Provider: "test", Location: "fixture", Licence: "test"}, Entities: ents, Observations: obs}
}

func flow(entity, d string, musd float64) cw.Observation {
	return cw.Observation{Entity: entity, Metric: cw.MetricETFFlow, Day: mustDay(d), Value: musd * 1e6}
}

func compute(t *testing.T, end string, bs ...cw.Batch) *Block {
	t.Helper()
	s, err := duckdb.Open("", duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Apply(context.Background(), bs...); err != nil {
		t.Fatal(err)
	}
	env := report.NewEnv(context.Background(), s, report.DefaultConfig(), mustDay(end), report.Inputs{})
	b, err := Section{}.Compute(env)
	if err != nil {
		t.Fatal(err)
	}
	return b.(*Block)
}

// The week of (2025-03-07, 2025-03-14]: Farside has Monday to Wednesday, DefiLlama's export
// Wednesday (a different value) and Thursday, nobody Friday; the week before lacks Wednesday
// 03-05 everywhere. Funds: Farside's three days, and SoSoValue's whole week, which must not be
// added to them.
func TestSplice(t *testing.T) {
	btc := cw.ETFTotalEntity("btc")
	var far []cw.Observation
	for d, v := range map[string]float64{"2025-03-03": 10, "2025-03-04": 20, "2025-03-06": -5, "2025-03-07": 30,
		"2025-03-10": 100, "2025-03-11": -40, "2025-03-12": 60} {
		far = append(far, flow(btc, d, v))
	}
	for _, d := range []string{"2025-03-10", "2025-03-11", "2025-03-12"} {
		far = append(far, flow("fund:ibit", d, 50), flow("fund:gbtc", d, -10))
	}
	funds := []cw.Entity{cw.ETFFund("IBIT", "btc"), cw.ETFFund("GBTC", "btc"), cw.ETFTotal("btc")}
	dl := []cw.Observation{flow(btc, "2025-03-12", 61), flow(btc, "2025-03-13", 25)}
	var soso []cw.Observation
	for _, d := range []string{"2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13", "2025-03-14"} {
		soso = append(soso, flow("fund:ibit", d, 7))
	}
	blk := compute(t, "2025-03-14", batch(farside.SourceFlows, funds, far...), batch(defillama.SourceETFHistory, nil, dl...),
		batch(sosovalue.SourceFunds, funds[:1], soso...))
	if len(blk.Assets) != 1 || len(blk.Gaps) != 2 {
		t.Fatalf("assets %+v gaps %+v", blk.Assets, blk.Gaps)
	}
	a := blk.Assets[0]
	// 100 - 40 + 60 (Farside's Wednesday, not DefiLlama's 61) + 25 (DefiLlama's Thursday).
	if *a.Week.End != 145e6 || *a.Week.Start != 55e6 || a.Days != 4 || a.TradingDays != 5 || strings.Join(a.Missing, ",") != "2025-03-14" {
		t.Errorf("week %v before %v, %d of %d days, missing %v", *a.Week.End, *a.Week.Start, a.Days, a.TradingDays, a.Missing)
	}
	if a.Week.Source != string(farside.SourceFlows) || len(a.DaySources) != 2 || strings.Join(a.DaySources[1].Days, ",") != "2025-03-13" {
		t.Errorf("sources %q %+v", a.Week.Source, a.DaySources)
	}
	for _, want := range []string{"4 of 5 US trading days this week: Farside's table 2025-03-10..2025-03-12, DefiLlama's bundled export 2025-03-13",
		"no source has 2025-03-14, so the sum leaves it out", "4 of 5 the week before"} {
		if !strings.Contains(a.Week.Note, want) {
			t.Errorf("note %q lacks %q", a.Week.Note, want)
		}
	}
	// Thursday and Wednesday are inflows, Tuesday is not.
	if a.Streak != 2 || a.StreakTo != "2025-03-13" {
		t.Errorf("streak %d to %s", a.Streak, a.StreakTo)
	}
	if a.Cumulative != 200e6 || a.CumulativeFrom != "2025-03-03" || !strings.Contains(a.CumulativeNote, "1 US trading days since have no value in any source (2025-03-05)") {
		t.Errorf("cumulative %v from %s: %q", a.Cumulative, a.CumulativeFrom, a.CumulativeNote)
	}
	if a.FundSource != string(farside.SourceFlows) || a.FundDays != 3 || len(a.Funds) != 2 || a.Funds[0].Value != 150e6 || a.Funds[1].Value != -30e6 {
		t.Errorf("funds from %s over %d days: %+v", a.FundSource, a.FundDays, a.Funds)
	}
	if !hasNote(blk.Notes, "DefiLlama's bundled export 2025-03-12..2025-03-13 (every US trading day), differs from Farside's table on 1 of 1 shared days (largest $1.00M on 2025-03-12; Farside's table's value is used)") {
		t.Errorf("notes %q", blk.Notes)
	}
	if got := strings.Join(blk.Cites(), ","); got != "farside-etf-flows,defillama-etf-history" {
		t.Errorf("cites %s", got)
	}
	// ETH and SOL have nothing: each says so instead of vanishing.
	if blk.Gaps[0].Asset != "ETH" || !strings.Contains(blk.Gaps[0].Reason, "no ETH spot ETF flows stored") {
		t.Errorf("gaps %+v", blk.Gaps)
	}
}

// A week served by SoSoValue takes SoSoValue's own cumulative flow since launch; a week before
// any source's first day says when the stored flows begin.
func TestLiveCumulativeAndGaps(t *testing.T) {
	eth := cw.ETFTotalEntity("eth")
	var obs []cw.Observation
	for _, d := range []string{"2026-04-13", "2026-04-14", "2026-04-15", "2026-04-16", "2026-04-17"} {
		obs = append(obs, flow(eth, d, 10), cw.Observation{Entity: eth, Metric: cw.MetricETFCumFlow, Day: mustDay(d), Value: 11.7e9})
	}
	blk := compute(t, "2026-04-17", batch(sosovalue.SourceSummary, []cw.Entity{cw.ETFTotal("eth")}, obs...))
	if len(blk.Assets) != 1 {
		t.Fatalf("%+v", blk)
	}
	a := blk.Assets[0]
	if a.Cumulative != 11.7e9 || a.CumulativeFrom != "launch" || a.CumulativeSource != string(sosovalue.SourceSummary) || a.Streak != 5 {
		t.Errorf("%+v", a)
	}
	blk = compute(t, "2026-04-10", batch(sosovalue.SourceSummary, []cw.Entity{cw.ETFTotal("eth")}, obs...))
	if len(blk.Assets) != 0 || blk.Unavailable == "" || !strings.Contains(blk.Gaps[1].Reason, "no ETH spot ETF flow stored before 2026-04-13") {
		t.Errorf("%q %+v", blk.Unavailable, blk.Gaps)
	}
}

// A market holiday does not end a streak: inflows on 2025-04-15..17 and from 2025-04-21, Good
// Friday between.
func TestStreakSkipsHolidays(t *testing.T) {
	btc := cw.ETFTotalEntity("btc")
	obs := []cw.Observation{flow(btc, "2025-04-14", -3)}
	for _, d := range []string{"2025-04-15", "2025-04-16", "2025-04-17", "2025-04-21", "2025-04-22", "2025-04-23", "2025-04-24", "2025-04-25"} {
		obs = append(obs, flow(btc, d, 1))
	}
	blk := compute(t, "2025-04-25", batch(farside.SourceFlows, []cw.Entity{cw.ETFTotal("btc")}, obs...))
	if a := blk.Assets[0]; a.Streak != 8 || a.TradingDays != 5 || a.Days != 5 || a.Week.Note != "5 of 5 US trading days this week (Farside's table); 4 of 4 the week before" {
		t.Errorf("streak %d, %d of %d days, %q", a.Streak, a.Days, a.TradingDays, a.Week.Note)
	}
}

func hasNote(notes []string, sub string) bool {
	for _, n := range notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}
