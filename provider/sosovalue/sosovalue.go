// Package sosovalue is the live SoSoValue ETF connector (cryptoweekly.Source "sosovalue"): the
// daily net flow, net assets and cumulative flow of the US spot ETFs of each asset, in total and
// per fund. It needs a key (header x-soso-api-key; a free demo plan exists); without one it is
// skipped with the reason.
//
// API (SoSoValue OpenAPI v1, https://openapi.sosovalue.com/openapi/v1; the docs at
// sosovalue-1.gitbook.io/sosovalue-api-doc, "2. ETF"; the envelope and error code from their
// llms-full.txt as /work/shared/reference/data-sources.md quotes it):
//   - every answer is {"code": 0, "message": "success", "data": …}; a code other than 0 is an
//     error whose message is shown; 42901 is the rate limit (demo plan: 20 requests a minute);
//   - GET /etfs/summary-history?symbol=BTC&country_code=US&limit=300 → data [{date "yyyy-MM-dd",
//     total_net_inflow, total_value_traded, total_net_assets, cum_net_inflow}], newest first;
//   - GET /etfs?symbol=BTC&country_code=US → data [{ticker, name, exchange}];
//   - GET /etfs/{ticker}/history?limit=300 → data [{date, ticker, net_inflow, cum_inflow,
//     net_assets, currency_share, prem_dsc, value_traded, volume}].
//
// History only reaches back about one month ("only the most recent 1 month is supported"), so
// each run stores what the API has; the cumulative flow it reports makes the since-launch figure
// right even though the month is all that is fetched. Money comes as long decimals
// (-55066297.0000000000000000), as JSON numbers or, defensively, numeric strings.
//
// Checked against the docs and three public clients (field names, parameters, envelope, newest
// first). NOT verified, for want of a live answer: whether a fund history's "date" is the
// documented string or the "Long (timestamp)" its field table names (both are read: a number is
// taken as unix seconds or milliseconds and assigned to the nearest UTC midnight, which gives the
// trading day for a timestamp at midnight in any zone from UTC-12 to UTC+12, and every fund day
// must be a day of the summary or the run fails); the fields of /etfs beyond ticker (name and
// exchange are kept only as attributes); and whether 42901 also comes with HTTP 200 (it is an
// error either way).
package sosovalue

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	cw "cryptoweekly"
	"cryptoweekly/internal/flexjson"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/rawfile"
)

const (
	// Name is the provider's --sources and --base-url key.
	Name = "sosovalue"
	// Base is the OpenAPI root.
	Base = "https://openapi.sosovalue.com/openapi/v1"
	// EnvKey holds the API key; it wins over the config file's keys.sosovalue.
	EnvKey = "SOSOVALUE_API_KEY"
	// KeyHeader carries the key.
	KeyHeader = "x-soso-api-key"
	// CodeRateLimited is the envelope code of a request over the plan's rate.
	CodeRateLimited = 42901

	// SourceSummary is /etfs/summary-history: each asset's funds together.
	SourceSummary cw.SourceID = "sosovalue-etf-summary"
	// SourceFunds is /etfs/{ticker}/history: each fund.
	SourceFunds cw.SourceID = "sosovalue-etf-funds"

	// Definitions of the stored series (the summary's and the funds' share them).
	DefFlow    cw.DefinitionID = "etf.flow.sosovalue"
	DefAUM     cw.DefinitionID = "etf.aum.sosovalue"
	DefCumFlow cw.DefinitionID = "etf.cumflow.sosovalue"

	licence = "SoSoValue API terms (keyed; attribution to SoSoValue)"
)

// DefaultSymbols are the assets whose US spot ETFs the report shows.
var DefaultSymbols = []string{"BTC", "ETH", "SOL"}

// ErrNoKey is returned by New when no key is configured: the source is disabled.
var ErrNoKey = errors.New("sosovalue: no API key configured (source disabled)")

// Options configure the connector.
type Options struct {
	BaseURL string   // default Base
	Key     string   // required
	Symbols []string // default DefaultSymbols
}

type getter interface {
	Get(ctx context.Context, r httpx.Request) (*httpx.Response, error)
}

// Source is the SoSoValue ETF connector.
type Source struct {
	c getter
	o Options
}

// New builds the connector; ErrNoKey without a key.
func New(c *httpx.Client, o Options) (*Source, error) {
	if strings.TrimSpace(o.Key) == "" {
		return nil, ErrNoKey
	}
	if c == nil {
		return nil, errors.New("sosovalue: nil fetch client")
	}
	return newSource(c, o)
}

func newSource(c getter, o Options) (*Source, error) {
	key, base, err := httpx.KeyedRoot("sosovalue", o.Key, o.BaseURL, Base, ErrNoKey)
	if err != nil {
		return nil, err
	}
	o.Key, o.BaseURL = key, base
	if len(o.Symbols) == 0 {
		o.Symbols = DefaultSymbols
	}
	for i, s := range o.Symbols {
		s = strings.ToUpper(strings.TrimSpace(s))
		if s == "" || len(s) > 10 || strings.ContainsFunc(s, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }) {
			return nil, fmt.Errorf("sosovalue: symbol %s: want letters and digits (BTC, ETH, SOL)", cw.Quote(o.Symbols[i]))
		}
		o.Symbols[i] = s
	}
	return &Source{c: c, o: o}, nil
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return Name }

// get fetches one route and opens its envelope.
func (s *Source) get(ctx context.Context, route, what string, q url.Values) (json.RawMessage, *httpx.Response, error) {
	u := s.o.BaseURL + route
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	h := http.Header{}
	h.Set(KeyHeader, s.o.Key)
	resp, err := s.c.Get(ctx, httpx.Request{Source: Name, Endpoint: route + " " + what, URL: u, Header: h, SecretHeaders: []string{KeyHeader}})
	if err != nil {
		return nil, nil, err // httpx names the route, the redacted URL and the body's message
	}
	if resp == nil {
		return nil, nil, fmt.Errorf("sosovalue: %s %s: no response", route, what)
	}
	data, err := Envelope(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("sosovalue: %s %s (GET %s): %s", route, what, resp.URL, strings.ReplaceAll(err.Error(), s.o.Key, "REDACTED"))
	}
	return data, resp, nil
}

// Fetch implements cryptoweekly.Source: every asset's summary, fund list and fund histories, or
// nothing. since is not used: the API keeps about a month, all of which is stored each run (the
// store merges days it already has).
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	sum := cw.Batch{Source: cw.Provenance{ID: SourceSummary, Provider: "SoSoValue", Location: s.o.BaseURL + "/etfs/summary-history", Licence: licence}}
	funds := cw.Batch{Source: cw.Provenance{ID: SourceFunds, Provider: "SoSoValue", Location: s.o.BaseURL + "/etfs/{ticker}/history", Licence: licence}}
	var fetched time.Time
	seen := func(r *httpx.Response) {
		if r.FetchedAt.After(fetched) {
			fetched = r.FetchedAt
		}
	}
	var spans, nulls []string
	for _, sym := range s.o.Symbols {
		asset := strings.ToLower(sym)
		q := url.Values{"symbol": {sym}, "country_code": {"US"}}
		lq := url.Values{"symbol": {sym}, "country_code": {"US"}, "limit": {"300"}}
		data, resp, err := s.get(ctx, "/etfs/summary-history", sym, lq)
		if err != nil {
			return nil, err
		}
		seen(resp)
		rows, err := DecodeSummary(data)
		if err != nil {
			return nil, fmt.Errorf("sosovalue: /etfs/summary-history %s (GET %s): %w", sym, resp.URL, err)
		}
		if len(rows) == 0 {
			spans = append(spans, sym+" none")
			continue // an asset without US spot ETFs (yet)
		}
		days := map[time.Time]bool{}
		sum.Entities = append(sum.Entities, cw.ETFTotal(asset))
		n := addRows(&sum, cw.ETFTotalEntity(asset), rows)
		if n > 0 {
			nulls = append(nulls, fmt.Sprintf("%s total %d", sym, n))
		}
		for _, r := range rows {
			days[r.Day] = true
		}
		spans = append(spans, fmt.Sprintf("%s %s..%s", sym, cw.DayString(rows[0].Day), cw.DayString(rows[len(rows)-1].Day)))

		data, resp, err = s.get(ctx, "/etfs", sym, q)
		if err != nil {
			return nil, err
		}
		seen(resp)
		list, err := DecodeList(data)
		if err != nil {
			return nil, fmt.Errorf("sosovalue: /etfs %s (GET %s): %w", sym, resp.URL, err)
		}
		for _, f := range list {
			e := cw.ETFFund(f.Ticker, asset)
			e.Attrs = map[string]string{}
			if f.Name != "" {
				e.Attrs["fund_name"] = f.Name
			}
			if f.Exchange != "" {
				e.Attrs["exchange"] = f.Exchange
			}
			funds.Entities = append(funds.Entities, e)
			route := "/etfs/" + url.PathEscape(f.Ticker) + "/history"
			data, resp, err := s.get(ctx, route, sym, url.Values{"limit": {"300"}})
			if err != nil {
				return nil, err
			}
			seen(resp)
			hist, err := DecodeFundHistory(data, f.Ticker)
			if err != nil {
				return nil, fmt.Errorf("sosovalue: %s %s (GET %s): %w", route, sym, resp.URL, err)
			}
			// A fund day the summary lacks, inside the summary's span, means the dates were read
			// wrongly (a timestamp in an unexpected zone) rather than a day SoSoValue skipped.
			for _, r := range hist {
				if !days[r.Day] && !r.Day.Before(rows[0].Day) && !r.Day.After(rows[len(rows)-1].Day) {
					return nil, fmt.Errorf("sosovalue: %s: %s is not a trading day of the %s summary (%s..%s): its dates are not the summary's",
						route, cw.DayString(r.Day), sym, cw.DayString(rows[0].Day), cw.DayString(rows[len(rows)-1].Day))
				}
			}
			if n := addRows(&funds, cw.ETFFundEntity(f.Ticker), hist); n > 0 {
				nulls = append(nulls, fmt.Sprintf("%s %d", f.Ticker, n))
			}
		}
	}
	if fetched.IsZero() {
		fetched = time.Now()
	}
	for _, b := range []*cw.Batch{&sum, &funds} {
		b.Source.FetchedAt = fetched.UTC()
		sort.SliceStable(b.Observations, func(i, j int) bool {
			x, y := b.Observations[i], b.Observations[j]
			if !x.Day.Equal(y.Day) {
				return x.Day.Before(y.Day)
			}
			if x.Entity != y.Entity {
				return x.Entity < y.Entity
			}
			return x.Metric < y.Metric
		})
	}
	note := "SoSoValue US spot ETF data, the most recent month the API keeps (" + strings.Join(spans, ", ") + "): net inflow (USD) per US trading day, net assets and the cumulative net inflow since launch as SoSoValue reports them."
	if len(nulls) > 0 {
		note += " Days without a net inflow (null, not stored): " + strings.Join(nulls, ", ") + "."
	}
	sum.Source.Note = note + " All funds of each asset together (/etfs/summary-history)."
	funds.Source.Note = note + " Each fund listed by /etfs (/etfs/{ticker}/history)."
	return []cw.Batch{sum, funds}, nil
}

// Row is one day of a summary or of a fund's history. Nil numbers were null.
type Row struct {
	Day                       time.Time
	NetInflow, NetAssets, Cum *float64
}

// addRows appends a row list's observations to b and counts the days without a net inflow.
func addRows(b *cw.Batch, entity string, rows []Row) int {
	nulls := 0
	for _, r := range rows {
		for _, x := range []struct {
			v *float64
			m cw.Metric
		}{{r.NetInflow, cw.MetricETFFlow}, {r.NetAssets, cw.MetricETFAUM}, {r.Cum, cw.MetricETFCumFlow}} {
			if x.v != nil {
				b.Observations = append(b.Observations, cw.Observation{Entity: entity, Metric: x.m, Day: r.Day, Value: *x.v, Source: b.Source.ID})
			}
		}
		if r.NetInflow == nil {
			nulls++
		}
	}
	return nulls
}

// Fund is one /etfs row.
type Fund struct {
	Ticker, Name, Exchange string
}

// Envelope opens {"code", "message", "data"}: a code other than 0 is an error carrying the API's
// message (42901 named as the rate limit); a body that is not that object, or has no data, is a
// schema error saying what came instead.
func Envelope(body []byte) (json.RawMessage, error) {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("not a JSON object: %s", describe(body))
	}
	raw, ok := env["code"]
	if !ok {
		return nil, fmt.Errorf("no \"code\" in the answer (schema changed?): %s", describe(body))
	}
	code, err := number(raw)
	if err != nil || code == nil || *code != math.Trunc(*code) {
		return nil, fmt.Errorf("code: want a whole number, got %s", describe(raw))
	}
	if *code != 0 {
		msg := text(env["message"])
		if msg == "" {
			msg = text(env["msg"])
		}
		what := "API error"
		if *code == CodeRateLimited {
			what = "rate limited (the demo plan allows 20 requests a minute)"
		}
		return nil, fmt.Errorf("%s: code %d: %s", what, int64(*code), cw.Quote(msg))
	}
	data, ok := env["data"]
	if !ok || isNull(data) {
		return nil, errors.New("code 0 but no data (schema changed?)")
	}
	return data, nil
}

// DecodeSummary reads the data of /etfs/summary-history, oldest first. Every row needs a date
// and the three stored fields (null is "no value"); a date twice, a number that is not a plain
// finite number or outside the plausible range is an error naming the row and field.
func DecodeSummary(data json.RawMessage) ([]Row, error) {
	return decodeRows(data, "", map[string]string{"flow": "total_net_inflow", "aum": "total_net_assets", "cum": "cum_net_inflow"})
}

// DecodeFundHistory reads the data of /etfs/{ticker}/history, oldest first; a row naming another
// ticker is an error.
func DecodeFundHistory(data json.RawMessage, ticker string) ([]Row, error) {
	return decodeRows(data, ticker, map[string]string{"flow": "net_inflow", "aum": "net_assets", "cum": "cum_inflow"})
}

func decodeRows(data json.RawMessage, ticker string, fields map[string]string) ([]Row, error) {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("data: want a list of objects, got %s", describe(data))
	}
	out := make([]Row, 0, len(items))
	seen := map[time.Time]int{}
	for i, it := range items {
		at := func(f string) string { return fmt.Sprintf("data[%d].%s", i, f) }
		raw, ok := it["date"]
		if !ok {
			return nil, fmt.Errorf("%s: missing (schema changed?)", at("date"))
		}
		day, err := tradingDay(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", at("date"), err)
		}
		if j, dup := seen[day]; dup {
			return nil, fmt.Errorf("%s: %s twice (also data[%d])", at("date"), cw.DayString(day), j)
		}
		seen[day] = i
		if ticker != "" {
			if raw, ok := it["ticker"]; ok && !isNull(raw) && !strings.EqualFold(text(raw), ticker) {
				return nil, fmt.Errorf("%s: %s in the history of %s", at("ticker"), cw.Quote(text(raw)), ticker)
			}
		}
		r := Row{Day: day}
		for _, x := range []struct {
			key string
			dst **float64
			m   cw.Metric
		}{{fields["flow"], &r.NetInflow, cw.MetricETFFlow}, {fields["aum"], &r.NetAssets, cw.MetricETFAUM}, {fields["cum"], &r.Cum, cw.MetricETFCumFlow}} {
			raw, ok := it[x.key]
			if !ok {
				return nil, fmt.Errorf("%s: missing (schema changed?)", at(x.key))
			}
			v, err := number(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", at(x.key), err)
			}
			if v == nil {
				continue
			}
			if err := cw.CheckValue(x.m, *v); err != nil {
				return nil, fmt.Errorf("%s: %w", at(x.key), err)
			}
			*x.dst = v
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day.Before(out[j].Day) })
	return out, nil
}

// DecodeList reads the data of /etfs: each fund needs a ticker that can be an id (no blanks or
// control characters, at most 16 bytes); name and exchange are kept as plain text.
func DecodeList(data json.RawMessage) ([]Fund, error) {
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("data: want a list of objects, got %s", describe(data))
	}
	var out []Fund
	seen := map[string]int{}
	for i, it := range items {
		raw, ok := it["ticker"]
		if !ok {
			return nil, fmt.Errorf("data[%d].ticker: missing (schema changed?)", i)
		}
		tk := text(raw)
		if tk == "" || len(tk) > 16 || strings.ContainsFunc(tk, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '/' || !utf8.ValidRune(r) }) {
			return nil, fmt.Errorf("data[%d].ticker: want a fund ticker, got %s", i, describe(raw))
		}
		if j, dup := seen[strings.ToUpper(tk)]; dup {
			return nil, fmt.Errorf("data[%d].ticker: %s listed twice (also data[%d])", i, tk, j)
		}
		seen[strings.ToUpper(tk)] = i
		out = append(out, Fund{Ticker: tk, Name: flexjson.CleanText(text(it["name"]), 200), Exchange: flexjson.CleanText(text(it["exchange"]), 200)})
	}
	return out, nil
}

// number reads a JSON number, or a string holding a plain one ("-55066297.0000000000000000");
// null is nil. NaN, Inf, "12abc", "$5" and anything but a number or a string are errors.
func number(raw json.RawMessage) (*float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("not a string: %s", describe(raw))
		}
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
	} else if c := raw[0]; c != '-' && (c < '0' || c > '9') {
		return nil, fmt.Errorf("want a number, got %s", describe(raw))
	}
	v, err := rawfile.ParsePlain(s)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// tradingDay reads a date: "yyyy-MM-dd" (optionally with a time of day, which must be midnight),
// or a unix timestamp in seconds or milliseconds, taken as the nearest UTC midnight.
func tradingDay(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	var day time.Time
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, fmt.Errorf("not a string: %s", describe(raw))
		}
		d, err := cw.ParseDay(s)
		if err != nil {
			t, err2 := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
			if err2 != nil || !t.UTC().Equal(cw.Day(t)) {
				return time.Time{}, err
			}
			d = t.UTC()
		}
		day = d
	} else {
		v, err := number(raw)
		if err != nil || v == nil || *v != math.Trunc(*v) {
			return time.Time{}, fmt.Errorf("want a yyyy-MM-dd string or a unix timestamp, got %s", describe(raw))
		}
		sec := *v
		if sec > 1e11 {
			sec /= 1000
		}
		if sec < 0 || sec > 1e10 {
			return time.Time{}, fmt.Errorf("implausible unix time %s", describe(raw))
		}
		day = cw.Day(time.Unix(int64(sec), 0).UTC().Add(12 * time.Hour))
	}
	if err := cw.CheckDay(day); err != nil {
		return time.Time{}, err
	}
	return day, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// text is a JSON string's value or a number's literal; anything else is "".
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return string(raw)
	}
	return ""
}

func describe(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 120 {
		b = b[:120]
	}
	return strconv.Quote(strings.ToValidUTF8(string(b), "?"))
}
