package cryptoweekly

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The plausibility table: what a stored value of each metric may be. Every batch passes it in
// Validate, so live ingest, file import and the bundle load share one set of rules. The bounds
// are far above any real value (the largest market cap ever is a few $T, the table allows $100T)
// so they never cut a real figure; they exist to stop a unit error, an overflow or a typo
// (1e300, 1.7e308) from reaching a report, where it prints "$+InfT" or breaks the JSON.

// Range is the plausible values of one metric: finite, within [Min, Max], and whole if Whole.
type Range struct {
	Min, Max float64
	Whole    bool
	What     string // what the bound means, for messages ("USD price", "index 0–100")
}

const (
	MaxUSD    = 1e14 // $100T: no market cap, volume, TVL or supply in USD comes near it
	maxPrice  = 1e7  // $10M per unit
	maxUnits  = 1e20 // coin units (the largest supplies are ~1e17)
	maxRank   = 1e7
	maxPctChg = 1e6 // a percent change; −100 is the floor of a change of a positive value
)

var plausible = map[Metric]Range{
	// Shared metrics (catalogue.go).
	MetricValue:             {0, 100, false, "index 0–100"},
	MetricTVL:               {0, MaxUSD, false, "USD TVL"},
	MetricTVLLegacy:         {0, MaxUSD, false, "USD TVL"},
	MetricCirculatingUSD:    {0, MaxUSD, false, "USD supply"},
	MetricPrice:             {0, maxPrice, false, "USD price"},
	MetricClose:             {0, maxPrice, false, "USD price"},
	MetricMarketCap:         {0, MaxUSD, false, "USD market cap"},
	MetricVolume24h:         {0, MaxUSD, false, "USD volume"},
	MetricCirculatingSupply: {0, maxUnits, false, "coin units"},
	MetricDEXVolume:         {0, MaxUSD, false, "USD volume"},
	MetricOpenInterestUSD:   {0, MaxUSD, false, "USD open interest"},
	MetricBTCDominancePct:   {0, 100, false, "percent 0–100"},
	MetricTopicRank:         {1, maxRank, true, "rank"},
	MetricTrendRank:         {1, maxRank, true, "rank"},
	MetricPublished:         {1, 1, true, "marker 1"},
	// Spot ETF metrics (etf.go). The largest daily flows ever are ~$1.4B (BTC funds, 2024): $100B
	// either way would be a unit error.
	MetricETFFlow:    {-1e11, 1e11, false, "USD daily ETF net flow"},
	MetricETFAUM:     {0, MaxUSD, false, "USD net assets"},
	MetricETFCumFlow: {-1e13, 1e13, false, "USD cumulative ETF net flow"},

	// Provider metrics, by the names their providers give them.
	"open":                   {0, maxPrice, false, "USD price"},
	"high":                   {0, maxPrice, false, "USD price"},
	"low":                    {0, maxPrice, false, "USD price"},
	"volume_base":            {0, maxUnits, false, "coin units"},
	"market_cap_derived":     {0, MaxUSD, false, "USD market cap"},
	"total_market_cap_usd":   {0, MaxUSD, false, "USD market cap"},
	"total_volume_usd":       {0, MaxUSD, false, "USD volume"},
	"dex_volume_24h":         {0, MaxUSD, false, "USD volume"},
	"perps_volume":           {0, MaxUSD, false, "USD volume"},
	"eth_dominance_pct":      {0, 100, false, "percent 0–100"},
	"btc_dominance_universe": {0, 100, false, "percent 0–100"},
	"social_dominance":       {0, 100, false, "percent 0–100"},
	"galaxy_score":           {0, 100, false, "score 0–100"},
	"pct_change_24h":         {-100, maxPctChg, false, "percent change"},
	"pct_change_7d":          {-100, maxPctChg, false, "percent change"},
	"avg_price_change_pct":   {-100, maxPctChg, false, "percent change"},
	"market_cap_change_pct":  {-100, maxPctChg, false, "percent change"},
	"rank":                   {1, maxRank, true, "rank"},
	"alt_rank":               {1, maxRank, true, "rank"},
	"num_tokens":             {0, maxRank, true, "count"},
	"num_contributors":       {0, 1e12, true, "count"},
	"interactions_24h":       {0, 1e15, true, "count"},
	"funding_rate":           {-1, 1, false, "rate per funding period"},
	"open_interest_coins":    {0, maxUnits, false, "coin units"},
	"liquidations_long_usd":  {0, MaxUSD, false, "USD liquidated"},
	"liquidations_short_usd": {0, MaxUSD, false, "USD liquidated"},
	"price_index":            {0, 1e4, false, "price index level"},
	"employees_k":            {0, 1e6, false, "employees in thousands"},
	"rate_pct":               {0, 30, false, "percent rate 0–30"},
	"spread_pct":             {-20, 50, false, "percentage points −20–50"},
	"vol_index":              {0, 200, false, "volatility index 0–200"},
	"usd_bn":                 {0, MaxUSD / 1e9, false, "USD billions"},
	"persons":                {0, 1e9, false, "persons"},
}

// anyMetric bounds a metric the table does not list: finite and within ±1e15.
var anyMetric = Range{-1e15, 1e15, false, "value"}

// PlausibleRange is the rule a value of metric m must pass.
func PlausibleRange(m Metric) Range {
	if r, ok := plausible[m]; ok {
		return r
	}
	return anyMetric
}

// FirstDay is the earliest day a value may carry: the Bitcoin genesis block.
var FirstDay = time.Date(2009, 1, 3, 0, 0, 0, 0, time.UTC)

// LastDay is the latest day a value may carry: tomorrow (UTC), as a source a few hours ahead of
// UTC may already date today's value by its own calendar.
func LastDay() time.Time { return Day(time.Now()).AddDate(0, 0, 1) }

// CheckDay rejects a day before FirstDay or after LastDay.
func CheckDay(d time.Time) error { return checkDay(d, LastDay()) }

func checkDay(d, last time.Time) error {
	if d.Before(FirstDay) || d.After(last) {
		return fmt.Errorf("day %s is outside %s..%s", clipTime(d), DayString(FirstDay), DayString(last))
	}
	return nil
}

// CheckValue rejects a value metric m cannot plausibly take.
func CheckValue(m Metric, v float64) error { return PlausibleRange(m).Check(m, v) }

// Check rejects a value v of metric m outside r.
func (r Range) Check(m Metric, v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Errorf("value %v is not finite", v)
	case v < r.Min || v > r.Max:
		return fmt.Errorf("value %g is outside the plausible range %g..%g of %s (%s)", v, r.Min, r.Max, m, r.What)
	case r.Whole && v != math.Trunc(v):
		return fmt.Errorf("value %g is not a whole number (%s)", v, r.What)
	}
	return nil
}

// clipTime prints a time for a message; years outside 0..9999 print as the year only.
func clipTime(t time.Time) string {
	if y := t.Year(); y < 0 || y > 9999 {
		return fmt.Sprintf("year %d", y)
	}
	return DayString(t)
}

// Size caps on the text a batch may carry. Real values are far shorter (names ~100 bytes).
const (
	MaxIDBytes    = 256
	MaxTextBytes  = 1024
	MaxAttrBytes  = 8192
	MaxNoteBytes  = 16384
	MaxQuoteBytes = 80 // how much of a bad value an error message quotes
)

// Quote quotes at most MaxQuoteBytes of s for an error message, saying how long s was if cut.
func Quote(s string) string {
	if len(s) <= MaxQuoteBytes {
		return fmt.Sprintf("%q", s)
	}
	cut := MaxQuoteBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
}

// CheckText rejects text that is not UTF-8, holds a NUL or is longer than max bytes.
func CheckText(s string, max int) error {
	switch {
	case len(s) > max:
		return fmt.Errorf("%d bytes, more than the %d allowed: %s", len(s), max, Quote(s))
	case !utf8.ValidString(s):
		return fmt.Errorf("not valid UTF-8: %s", Quote(s))
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("holds a NUL byte: %s", Quote(s))
	}
	return nil
}

// CheckID is CheckText for an identifier, which is a key, never prose: a control character in
// one is garbage (and would break the separators the stores use to pass ID lists).
func CheckID(s string) error {
	if err := CheckText(s, MaxIDBytes); err != nil {
		return err
	}
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Errorf("control character U+%04X at byte %d: %s", r, i, Quote(s))
	}
	return nil
}

type textField struct {
	field, s string
	max      int
}

func (e *Entity) check() error {
	for _, id := range []textField{{"id", e.ID, 0}, {"parent", e.Parent, 0}} {
		if err := CheckID(id.s); err != nil {
			return fmt.Errorf("field %s: %w", id.field, err)
		}
	}
	texts := []textField{{"name", e.Name, MaxTextBytes}, {"symbol", e.Symbol, MaxTextBytes}, {"category", e.Category, MaxTextBytes}}
	for _, c := range e.Chains {
		texts = append(texts, textField{"chain", c, MaxTextBytes})
	}
	for _, t := range e.Tags {
		texts = append(texts, textField{"tag", t, MaxTextBytes})
	}
	for k, v := range e.Attrs {
		texts = append(texts, textField{"attr key", k, MaxIDBytes}, textField{"attr " + k, v, MaxAttrBytes})
	}
	for _, t := range texts {
		if err := CheckText(t.s, t.max); err != nil {
			return fmt.Errorf("field %s: %w", t.field, err)
		}
	}
	return nil
}
