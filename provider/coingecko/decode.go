package coingecko

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"cryptoweekly/internal/flexjson"
)

// Market is one row of /coins/markets.
type Market struct {
	ID        flexjson.Str `json:"id"`
	Symbol    flexjson.Str `json:"symbol"`
	Name      flexjson.Str `json:"name"`
	Price     flexjson.Num `json:"current_price"`
	MarketCap flexjson.Num `json:"market_cap"`
	Rank      flexjson.Num `json:"market_cap_rank"`
	Volume24h flexjson.Num `json:"total_volume"`
	Supply    flexjson.Num `json:"circulating_supply"`
	Pct24h    flexjson.Num `json:"price_change_percentage_24h_in_currency"`
	Pct24hRaw flexjson.Num `json:"price_change_percentage_24h"`
	Pct7d     flexjson.Num `json:"price_change_percentage_7d_in_currency"`
}

// DecodeMarkets decodes a /coins/markets page. Rows without an id are dropped (counted in
// skipped); strings are cleaned.
func DecodeMarkets(body []byte) (rows []Market, skipped int, err error) {
	all, skipped, err := flexjson.DecodeArray[Market](body, "coingecko", "/coins/markets")
	if err != nil {
		return nil, 0, err
	}
	rows = all[:0]
	for _, m := range all {
		m.ID = flexjson.Str(flexjson.CleanText(string(m.ID), 200))
		m.Symbol = flexjson.Str(flexjson.CleanText(string(m.Symbol), 64))
		m.Name = flexjson.Str(flexjson.CleanText(string(m.Name), 200))
		if m.ID == "" {
			skipped++
			continue
		}
		rows = append(rows, m)
	}
	return rows, skipped, nil
}

// Category is one row of /coins/categories/list.
type Category struct {
	ID   flexjson.Str `json:"category_id"`
	Name flexjson.Str `json:"name"`
}

// DecodeCategoriesList decodes /coins/categories/list.
func DecodeCategoriesList(body []byte) ([]Category, error) {
	all, _, err := flexjson.DecodeArray[Category](body, "coingecko", "/coins/categories/list")
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		c.ID = flexjson.Str(flexjson.CleanText(string(c.ID), 200))
		c.Name = flexjson.Str(flexjson.CleanText(string(c.Name), 200))
		if c.ID != "" {
			out = append(out, c)
		}
	}
	return out, nil
}

// Point is one [unix_ms, value] pair of a market chart.
type Point struct {
	T time.Time
	V float64
}

// MarketChart is /coins/{id}/market_chart.
type MarketChart struct {
	Prices, MarketCaps, Volumes []Point
}

// DecodeMarketChart decodes /coins/{id}/market_chart. Timestamps are unix MILLISECONDS; a
// timestamp below 1e11 is taken as unix SECONDS (defensive: it would otherwise be 1973).
// Points whose time or value is unusable are dropped. The body must be a JSON object.
func DecodeMarketChart(body []byte) (MarketChart, error) {
	var raw struct {
		Prices     json.RawMessage `json:"prices"`
		MarketCaps json.RawMessage `json:"market_caps"`
		Volumes    json.RawMessage `json:"total_volumes"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return MarketChart{}, fmt.Errorf("coingecko: /coins/{id}/market_chart: body is not a JSON object: %w", err)
	}
	if raw.Prices == nil && raw.MarketCaps == nil && raw.Volumes == nil {
		return MarketChart{}, fmt.Errorf("coingecko: /coins/{id}/market_chart: no prices, market_caps or total_volumes field")
	}
	return MarketChart{
		Prices:     decodePoints(raw.Prices),
		MarketCaps: decodePoints(raw.MarketCaps),
		Volumes:    decodePoints(raw.Volumes),
	}, nil
}

func decodePoints(b json.RawMessage) []Point {
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	out := make([]Point, 0, len(raw))
	for _, r := range raw {
		var pair []flexjson.Num
		if json.Unmarshal(r, &pair) != nil || len(pair) < 2 || !pair[0].Valid || !pair[1].Valid {
			continue
		}
		t, ok := flexjson.UnixTime(pair[0].Value) // before 2009 or from 2100 on: a unit error or garbage
		if !ok {
			continue
		}
		out = append(out, Point{T: t, V: pair[1].Value})
	}
	return out
}

// DailyPoints reduces a chart series to one value per UTC day, sorted by day:
//   - the point exactly at 00:00:00.000 UTC wins its day (with interval=daily CoinGecko emits
//     00:00 points plus a final "now" point; when two points share a day the 00:00 one is the
//     daily value and the other is the intraday "now" sample);
//   - if a day has several 00:00 points (duplicate timestamps) the first one in the response wins;
//   - a day without a 00:00 point uses its earliest point, EXCEPT the fetch day (today), where a
//     non-midnight point is the partial "now" sample and is dropped;
//   - points after the fetch day (clock skew, garbage) are dropped.
//
// Input order does not matter (unsorted input is sorted stably by time first).
func DailyPoints(pts []Point, today time.Time) []Point {
	today = dayOf(today)
	s := append([]Point(nil), pts...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].T.Before(s[j].T) })
	type pick struct {
		p        Point
		midnight bool
	}
	byDay := map[time.Time]pick{}
	var days []time.Time
	for _, p := range s {
		d := dayOf(p.T)
		mid := p.T.Equal(d)
		if d.After(today) || (!mid && d.Equal(today)) {
			continue // a future point, or today's partial "now" point
		}
		cur, ok := byDay[d]
		switch {
		case !ok:
			days = append(days, d)
			byDay[d] = pick{p, mid}
		case mid && !cur.midnight:
			byDay[d] = pick{p, mid}
		}
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	out := make([]Point, 0, len(days))
	for _, d := range days {
		out = append(out, Point{T: d, V: byDay[d].p.V})
	}
	return out
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// TrendingCoin is one coins[].item of /search/trending.
type TrendingCoin struct {
	ID            flexjson.Str `json:"id"`
	Name          flexjson.Str `json:"name"`
	Symbol        flexjson.Str `json:"symbol"`
	MarketCapRank flexjson.Num `json:"market_cap_rank"`
	Score         flexjson.Num `json:"score"`
	Data          struct {
		Price       flexjson.Num `json:"price"`
		MarketCap   flexjson.Num `json:"market_cap"`   // "$521,967,819"
		TotalVolume flexjson.Num `json:"total_volume"` // "$31,701,707"
	} `json:"data"`
	// Rank is the 1-based position in coins[] (CoinGecko's score is the same order, 0-based).
	Rank int `json:"-"`
}

// DecodeTrending decodes the coins of /search/trending (NFTs and categories are ignored).
func DecodeTrending(body []byte) ([]TrendingCoin, error) {
	var raw struct {
		Coins *[]json.RawMessage `json:"coins"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("coingecko: /search/trending: body is not a JSON object: %w", err)
	}
	if raw.Coins == nil {
		return nil, fmt.Errorf("coingecko: /search/trending: no coins array")
	}
	var out []TrendingCoin
	for _, r := range *raw.Coins {
		var w struct {
			Item *TrendingCoin `json:"item"`
		}
		if json.Unmarshal(r, &w) != nil || w.Item == nil {
			continue
		}
		c := *w.Item
		c.ID = flexjson.Str(flexjson.CleanText(string(c.ID), 200))
		c.Name = flexjson.Str(flexjson.CleanText(string(c.Name), 200))
		c.Symbol = flexjson.Str(flexjson.CleanText(string(c.Symbol), 64))
		if c.ID == "" && c.Symbol == "" && c.Name == "" {
			continue
		}
		c.Rank = len(out) + 1
		out = append(out, c)
	}
	return out, nil
}

// Global is the part of /global we keep.
type Global struct {
	TotalMarketCapUSD flexjson.Num
	TotalVolumeUSD    flexjson.Num
	BTCDominancePct   flexjson.Num
	ETHDominancePct   flexjson.Num
	UpdatedAt         flexjson.Num // unix s
}

// DecodeGlobal decodes /global.
func DecodeGlobal(body []byte) (Global, error) {
	var raw struct {
		Data *struct {
			TotalMarketCap json.RawMessage `json:"total_market_cap"`
			TotalVolume    json.RawMessage `json:"total_volume"`
			MarketCapPct   json.RawMessage `json:"market_cap_percentage"`
			UpdatedAt      flexjson.Num    `json:"updated_at"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Global{}, fmt.Errorf("coingecko: /global: body is not the expected object: %w", err)
	}
	if raw.Data == nil {
		return Global{}, fmt.Errorf("coingecko: /global: no data object")
	}
	d := raw.Data
	return Global{
		TotalMarketCapUSD: numMap(d.TotalMarketCap)["usd"],
		TotalVolumeUSD:    numMap(d.TotalVolume)["usd"],
		BTCDominancePct:   numMap(d.MarketCapPct)["btc"],
		ETHDominancePct:   numMap(d.MarketCapPct)["eth"],
		UpdatedAt:         d.UpdatedAt,
	}, nil
}

// numMap decodes {"usd": n, ...}; anything that is not an object yields an empty map.
func numMap(b json.RawMessage) map[string]flexjson.Num {
	var m map[string]flexjson.Num
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// GlobalChart is /global/market_cap_chart: the whole market's total market cap and 24h volume
// in USD over time (paid plans only).
type GlobalChart struct {
	MarketCap, Volume []Point
	// Dropped counts the points of either series that were not a usable [timestamp, value]
	// (malformed, null, a timestamp out of range): left out, and said so in the provenance note.
	Dropped int
	// NoVolume is a response without a volume series (also said in the note).
	NoVolume bool
}

// DecodeGlobalChart decodes {"market_cap_chart": {"market_cap": [[unix_ms, usd], ...],
// "volume": [[unix_ms, usd], ...]}}. Unusable points are dropped as in DecodeMarketChart, but
// the call exists for the market cap, so a body without one usable market_cap point is an error
// naming the field, and so is an error object (a Demo or expired key gets a 200 or 401 with
// CoinGecko's message on some routes).
func DecodeGlobalChart(body []byte) (GlobalChart, error) {
	const ep = "coingecko: /global/market_cap_chart"
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return GlobalChart{}, fmt.Errorf("%s: body is not a JSON object: %w", ep, err)
	}
	chart, ok := raw["market_cap_chart"]
	if !ok {
		if msg := flexjson.APIMessage(body); msg != "" {
			return GlobalChart{}, fmt.Errorf("%s: the API answered an error instead of a chart: %q", ep, msg)
		}
		return GlobalChart{}, fmt.Errorf("%s: no market_cap_chart object", ep)
	}
	var inner struct {
		MarketCap json.RawMessage `json:"market_cap"`
		Volume    json.RawMessage `json:"volume"`
	}
	if err := json.Unmarshal(chart, &inner); err != nil {
		return GlobalChart{}, fmt.Errorf("%s: market_cap_chart is not an object of series: %w", ep, err)
	}
	if inner.MarketCap == nil {
		return GlobalChart{}, fmt.Errorf("%s: market_cap_chart has no market_cap series", ep)
	}
	var g GlobalChart
	for _, s := range []struct {
		name string
		raw  json.RawMessage
		out  *[]Point
	}{{"market_cap", inner.MarketCap, &g.MarketCap}, {"volume", inner.Volume, &g.Volume}} {
		if s.raw == nil && s.name == "volume" {
			g.NoVolume = true // the chart is fetched for the market cap; the note says so
			continue
		}
		var items []json.RawMessage
		if err := json.Unmarshal(s.raw, &items); err != nil || items == nil {
			return GlobalChart{}, fmt.Errorf("%s: market_cap_chart.%s is missing or not an array of points", ep, s.name)
		}
		*s.out = decodePoints(s.raw)
		g.Dropped += len(items) - len(*s.out)
	}
	if len(g.MarketCap) == 0 {
		return GlobalChart{}, fmt.Errorf("%s: market_cap_chart.market_cap has no usable [timestamp, value] point", ep)
	}
	return g, nil
}
