package defillama

// The DefiLlama Pro ETF routes, a live provider of their own ("defillama-pro"): they need a paid
// key, which the keyless "defillama" provider never has, so without the key this one is skipped
// with a reason and the keyless one runs as before.
//
// Routes (DefiLlama/api-docs defillama-openapi-pro.json and llms.txt, commit 3a45e4e): the key
// is a path segment, https://pro-api.llama.fi/{KEY}/etfs/flows, never a header or a parameter.
//   - /etfs/flows    → [{gecko_id, day: "2024-01-11T00:00:00.000Z", total_flow_usd}], the whole
//     history of every asset in one answer (the route takes no parameters).
//   - /etfs/snapshot → [{ticker, timestamp (unix s), asset (a CoinGecko id), issuer, etf_name,
//     custodian, pct_fee, url, flows, aum, volume}], the funds now. The documented example
//     (IBIT at 2025-08-19 14:06 UTC, flows -68.7M) is Farside's IBIT flow of 2025-08-18: a
//     snapshot's flows are the last complete trading day's, whose date it does not say.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/provnote"
)

const (
	// ProName is the Pro provider's --sources and --base-url key.
	ProName = "defillama-pro"
	// ProBase is the Pro API root; the key goes between it and the route.
	ProBase = "https://pro-api.llama.fi"
	// ProEnvKey holds the Pro key; it wins over the config file's keys.defillama_pro.
	ProEnvKey = "DEFILLAMA_PRO_API_KEY"

	// SourceETFFlows is /etfs/flows: each asset's funds' daily net flow.
	SourceETFFlows cw.SourceID = "defillama-etf-flows"
	// SourceETFSnapshot is /etfs/snapshot: each fund's flow, AUM and metadata.
	SourceETFSnapshot cw.SourceID = "defillama-etf-snapshot"

	// DefETFFundFlow and DefETFAUM describe the snapshot's per-fund series.
	DefETFFundFlow cw.DefinitionID = "etf.flow.defillama-fund"
	DefETFAUM      cw.DefinitionID = "etf.aum.defillama"

	// etfMatchUSD is how far the snapshot's funds may add up from a day's total and still be
	// that day: both come from DefiLlama, which keeps Farside's 0.1M resolution, so anything
	// under half of that is float rounding.
	etfMatchUSD = 5e4
)

// ErrNoProKey is returned by NewPro when no key is configured: the source is disabled.
var ErrNoProKey = errors.New("defillama-pro: no API key configured (source disabled)")

// ProConfig is the Pro provider's part of the config file.
type ProConfig struct {
	Keys struct {
		DefiLlamaPro string `json:"defillama_pro"`
	} `json:"keys"`
}

// ProOptions configure the Pro connector.
type ProOptions struct {
	BaseURL string // default ProBase
	Key     string // required
}

// ProSource is the DefiLlama Pro ETF connector.
type ProSource struct {
	c getter
	o ProOptions
}

type getter interface {
	Get(ctx context.Context, r httpx.Request) (*httpx.Response, error)
}

func init() {
	cw.RegisterProvider(cw.Provider{
		Name:   ProName,
		Order:  21,
		KeyEnv: []string{ProEnvKey},
		// The bundled export is the same series as /etfs/flows: this is the provider that
		// refreshes it, so a failed run is named where the ETF section reads either.
		Sources: []cw.SourceID{SourceETFFlows, SourceETFSnapshot, SourceETFHistory, SourceETFOverview},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c ProConfig
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			s, err := NewPro(env.Client, ProOptions{BaseURL: env.BaseURL, Key: env.Key(ProEnvKey, c.Keys.DefiLlamaPro)})
			if errors.Is(err, ErrNoProKey) {
				return nil, "no key (" + ProEnvKey + ", a paid DefiLlama Pro plan)", nil
			}
			if err != nil {
				return nil, "", err
			}
			return s, "", nil
		},
		// "Higher" than the free tier, no number published; two requests a run need no more
		// than one a second.
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			return map[string]httpx.Limit{"pro-api.llama.fi": {Rate: 1, Burst: 2}}
		},
	})
}

// NewPro builds the connector; ErrNoProKey without a key.
func NewPro(c *httpx.Client, o ProOptions) (*ProSource, error) {
	if strings.TrimSpace(o.Key) == "" { // no key is the first thing to say, before any other
		return nil, ErrNoProKey
	}
	if c == nil {
		return nil, errors.New("defillama-pro: nil fetch client")
	}
	return newProSource(c, o)
}

func newProSource(c getter, o ProOptions) (*ProSource, error) {
	key, base, err := httpx.KeyedRoot("defillama-pro", o.Key, o.BaseURL, ProBase, ErrNoProKey)
	if err != nil {
		return nil, err
	}
	// The key becomes a path segment: one with a slash or a query character would change the
	// route, not authenticate it.
	if strings.ContainsAny(key, "/?#% \t") {
		return nil, errors.New("defillama-pro: the key holds a character a URL path segment cannot carry (/ ? # % or a blank)")
	}
	o.Key, o.BaseURL = key, base
	return &ProSource{c: c, o: o}, nil
}

// Name implements cryptoweekly.Source.
func (s *ProSource) Name() string { return ProName }

func (s *ProSource) get(ctx context.Context, route string) (*httpx.Response, error) {
	resp, err := s.c.Get(ctx, httpx.Request{Source: ProName, Endpoint: route, URL: s.o.BaseURL + "/" + s.o.Key + route,
		SecretValues: []string{s.o.Key}})
	if err != nil {
		return nil, err // httpx names the route, the URL with the key redacted and the API's message
	}
	if resp == nil {
		return nil, fmt.Errorf("defillama-pro: %s: no response", route)
	}
	return resp, nil
}

// Fetch implements cryptoweekly.Source: both routes or nothing. since is not used: /etfs/flows
// has no date parameter and answers the whole history, which is stored whole each run, so a day
// DefiLlama revises is revised here too.
func (s *ProSource) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	fr, err := s.get(ctx, "/etfs/flows")
	if err != nil {
		return nil, err
	}
	flows, skipped, err := DecodeETFFlows(fr.Body)
	if err != nil {
		return nil, fmt.Errorf("%w (GET %s)", err, fr.URL)
	}
	sr, err := s.get(ctx, "/etfs/snapshot")
	if err != nil {
		return nil, err
	}
	snaps, skippedFunds, err := DecodeETFSnapshot(sr.Body)
	if err != nil {
		return nil, fmt.Errorf("%w (GET %s)", err, sr.URL)
	}
	fb := ETFFlowsBatch(flows, skipped, fr.URL, fr.FetchedAt)
	sb := ETFSnapshotBatch(snaps, skippedFunds, flows, sr.URL, sr.FetchedAt)
	return []cw.Batch{fb, sb}, nil
}

// ETFFlow is one /etfs/flows row.
type ETFFlow struct {
	Asset string // "btc"
	Day   time.Time
	USD   float64
}

// ETFSnap is one /etfs/snapshot row. Nil numbers were null.
type ETFSnap struct {
	Ticker, Asset                string
	Issuer, Name, Custodian, URL string
	At                           time.Time
	FeePct, Flows, AUM, Volume   *float64
}

// DecodeETFFlows decodes /etfs/flows. It is strict, as every DefiLlama decoder is (flex.go): a
// body that is not an array, a missing field, a day that is not a UTC midnight, a flow that is
// not a finite number ("NaN", "12abc") and two different flows of one asset on one day are
// errors naming the row. A null flow is no value (not zero) and is skipped; an asset without a
// key here (a new listing) is skipped too. skipped says what was left out, for the note.
func DecodeETFFlows(body []byte) ([]ETFFlow, []string, error) {
	const ep = "/etfs/flows"
	items, err := decodeArray(ep, body)
	if err != nil {
		return nil, nil, err
	}
	var out []ETFFlow
	var skipped []string
	unknown := map[string]int{}
	nulls := 0
	seen := map[string]int{}
	for i, raw := range items {
		var r struct {
			GeckoID json.RawMessage `json:"gecko_id"`
			Day     json.RawMessage `json:"day"`
			Flow    json.RawMessage `json:"total_flow_usd"`
		}
		f := fmt.Sprintf("[%d]", i)
		if err := decodeObject(ep, f, raw, &r); err != nil {
			return nil, nil, err
		}
		if err := required(ep, f, key{"gecko_id", r.GeckoID}, key{"day", r.Day}, key{"total_flow_usd", r.Flow}); err != nil {
			return nil, nil, err
		}
		gid := flexString(r.GeckoID)
		asset, ok := ETFAsset(gid)
		if !ok {
			if gid == "" {
				return nil, nil, derr(ep, f+".gecko_id", "want an asset id, got %s", describe(r.GeckoID))
			}
			unknown[cleanText(gid)]++
			continue
		}
		day, err := isoDay(r.Day)
		if err != nil {
			return nil, nil, derr(ep, f+".day", "%v", err)
		}
		v, err := flexFloat(r.Flow)
		if errors.Is(err, errNull) {
			nulls++
			continue
		}
		if err != nil {
			return nil, nil, derr(ep, f+".total_flow_usd", "%v", err)
		}
		if err := cw.CheckValue(cw.MetricETFFlow, v); err != nil {
			return nil, nil, derr(ep, f+".total_flow_usd", "%v", err)
		}
		k := asset + " " + cw.DayString(day)
		if j, dup := seen[k]; dup {
			if out[j].USD != v {
				return nil, nil, derr(ep, f, "%s has two flows on %s: %v and %v", gid, cw.DayString(day), out[j].USD, v)
			}
			continue
		}
		seen[k] = len(out)
		out = append(out, ETFFlow{Asset: asset, Day: day, USD: v})
	}
	for _, id := range sortedKeys(unknown) {
		skipped = append(skipped, fmt.Sprintf("%d rows of %s (no asset key)", unknown[id], id))
	}
	if nulls > 0 {
		skipped = append(skipped, fmt.Sprintf("%d null flows", nulls))
	}
	return out, skipped, nil
}

// isoDay reads "2024-01-11T00:00:00.000Z" or "2024-01-11": a UTC midnight, nothing else.
func isoDay(raw json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(bytes.TrimSpace(raw), &s); err != nil {
		return time.Time{}, fmt.Errorf("want an ISO day string, got %s", describe(raw))
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		if t, err = cw.ParseDay(s); err != nil {
			return time.Time{}, fmt.Errorf("not an ISO day: %s", cw.Quote(s))
		}
	}
	t = t.UTC()
	if !isMidnight(t) {
		return time.Time{}, fmt.Errorf("%s is not a UTC midnight: a day's flow is dated on its day", cw.Quote(s))
	}
	if err := cw.CheckDay(t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// DecodeETFSnapshot decodes /etfs/snapshot: ticker, asset, timestamp, flows and aum must be
// present (flows and aum may be null); the texts are optional. A ticker listed twice, a number
// that is not a finite number or a negative AUM is an error naming the row; a fund of an asset
// without a key here is skipped and named in skipped.
func DecodeETFSnapshot(body []byte) ([]ETFSnap, []string, error) {
	const ep = "/etfs/snapshot"
	items, err := decodeArray(ep, body)
	if err != nil {
		return nil, nil, err
	}
	var out []ETFSnap
	var skipped []string
	seen := map[string]string{}
	for i, raw := range items {
		var r struct {
			Ticker    json.RawMessage `json:"ticker"`
			Timestamp json.RawMessage `json:"timestamp"`
			Asset     json.RawMessage `json:"asset"`
			Issuer    json.RawMessage `json:"issuer"`
			Name      json.RawMessage `json:"etf_name"`
			Custodian json.RawMessage `json:"custodian"`
			Fee       json.RawMessage `json:"pct_fee"`
			URL       json.RawMessage `json:"url"`
			Flows     json.RawMessage `json:"flows"`
			AUM       json.RawMessage `json:"aum"`
			Volume    json.RawMessage `json:"volume"`
		}
		f := fmt.Sprintf("[%d]", i)
		if err := decodeObject(ep, f, raw, &r); err != nil {
			return nil, nil, err
		}
		if err := required(ep, f, key{"ticker", r.Ticker}, key{"timestamp", r.Timestamp}, key{"asset", r.Asset}, key{"flows", r.Flows}, key{"aum", r.AUM}); err != nil {
			return nil, nil, err
		}
		tk, err := cleanName(flexString(r.Ticker))
		if err != nil || tk == "" || strings.ContainsAny(tk, " \t") || len(tk) > 16 {
			return nil, nil, derr(ep, f+".ticker", "want a fund ticker, got %s", describe(r.Ticker))
		}
		asset, ok := ETFAsset(flexString(r.Asset))
		if !ok {
			skipped = append(skipped, fmt.Sprintf("%s (asset %s has no key)", tk, cw.Quote(cleanText(flexString(r.Asset)))))
			continue
		}
		if prev, dup := seen[strings.ToUpper(tk)]; dup {
			return nil, nil, derr(ep, f+".ticker", "fund %s listed twice (also %s)", tk, prev)
		}
		seen[strings.ToUpper(tk)] = f
		at, err := flexTime(r.Timestamp)
		if err != nil {
			return nil, nil, derr(ep, f+".timestamp", "%v", err)
		}
		s := ETFSnap{Ticker: tk, Asset: asset, At: at,
			Issuer: cleanText(flexString(r.Issuer)), Name: cleanText(flexString(r.Name)),
			Custodian: cleanText(flexString(r.Custodian)), URL: cleanText(flexString(r.URL))}
		for _, x := range []struct {
			name   string
			raw    json.RawMessage
			dst    **float64
			metric cw.Metric
		}{{"flows", r.Flows, &s.Flows, cw.MetricETFFlow}, {"aum", r.AUM, &s.AUM, cw.MetricETFAUM},
			{"volume", r.Volume, &s.Volume, ""}, {"pct_fee", r.Fee, &s.FeePct, ""}} {
			v, err := flexFloat(x.raw)
			if errors.Is(err, errNull) || errors.Is(err, errMissing) {
				continue
			}
			if err != nil {
				return nil, nil, derr(ep, f+"."+x.name, "%v", err)
			}
			if x.metric != "" {
				if err := cw.CheckValue(x.metric, v); err != nil {
					return nil, nil, derr(ep, f+"."+x.name, "%v", err)
				}
			} else if v < 0 {
				return nil, nil, derr(ep, f+"."+x.name, "negative value %v", v)
			}
			*x.dst = &v
		}
		out = append(out, s)
	}
	return out, skipped, nil
}

// ETFFlowsBatch is the /etfs/flows batch: each asset's daily total, without the fetch day and
// later (a trading day's flows come in through the evening and the next morning, and the next
// run stores the completed day).
func ETFFlowsBatch(rows []ETFFlow, skipped []string, location string, fetchedAt time.Time) cw.Batch {
	today := cw.Day(fetchedAt)
	b := cw.Batch{Source: cw.Provenance{ID: SourceETFFlows, Provider: Provider, Location: location, FetchedAt: fetchedAt.UTC(), Licence: proLicence}}
	assets := map[string]bool{}
	late := 0
	for _, r := range rows {
		if !r.Day.Before(today) {
			late++
			continue
		}
		assets[r.Asset] = true
		b.Observations = append(b.Observations, cw.Observation{Entity: cw.ETFTotalEntity(r.Asset), Metric: cw.MetricETFFlow, Day: r.Day, Value: r.USD, Source: SourceETFFlows})
	}
	for _, a := range sortedKeys(assets) {
		b.Entities = append(b.Entities, cw.ETFTotal(a))
	}
	if late > 0 {
		skipped = append(skipped, fmt.Sprintf("%d rows dated on the fetch day or later (not complete yet)", late))
	}
	b.Source.Note = provnote.Join("DefiLlama Pro /etfs/flows: the daily net flow (USD) of each asset's US spot ETFs, the whole history stored each run. Days DefiLlama has no row for are missing, not zero.",
		leftOut(skipped))
	return b
}

// ETFSnapshotBatch is the /etfs/snapshot batch: the funds (issuer, name, custodian, fee, URL as
// attributes), each fund's AUM on the snapshot's UTC day, and each fund's flow on the trading
// day those flows belong to. That day is not in the snapshot: it is the asset's latest
// /etfs/flows day before the fetch day, and only if the asset's funds add up to that day's total
// (within etfMatchUSD); otherwise the asset's fund flows are not stored and the note says so.
func ETFSnapshotBatch(snaps []ETFSnap, skipped []string, flows []ETFFlow, location string, fetchedAt time.Time) cw.Batch {
	today := cw.Day(fetchedAt)
	b := cw.Batch{Source: cw.Provenance{ID: SourceETFSnapshot, Provider: Provider, Location: location, FetchedAt: fetchedAt.UTC(), Licence: proLicence}}
	latest := map[string]ETFFlow{}
	for _, r := range flows {
		if r.Day.Before(today) && r.Day.After(latest[r.Asset].Day) {
			latest[r.Asset] = r
		}
	}
	byAsset := map[string][]ETFSnap{}
	for _, s := range snaps {
		e := cw.ETFFund(s.Ticker, s.Asset)
		e.Attrs = map[string]string{}
		for k, v := range map[string]string{"issuer": s.Issuer, "fund_name": s.Name, "custodian": s.Custodian, "url": s.URL} {
			if v != "" {
				e.Attrs[k] = v
			}
		}
		if s.FeePct != nil {
			e.Attrs["fee_pct"] = strconv.FormatFloat(*s.FeePct, 'f', -1, 64)
		}
		b.Entities = append(b.Entities, e)
		if s.AUM != nil && !cw.Day(s.At).After(today) {
			b.Observations = append(b.Observations, cw.Observation{Entity: e.ID, Metric: cw.MetricETFAUM, Day: cw.Day(s.At), Value: *s.AUM, Source: SourceETFSnapshot})
		}
		byAsset[s.Asset] = append(byAsset[s.Asset], s)
	}
	var dated, undated []string
	for _, a := range sortedKeys(byAsset) {
		funds := byAsset[a]
		sum, missing := 0.0, 0
		for _, s := range funds {
			if s.Flows == nil {
				missing++
				continue
			}
			sum += *s.Flows
		}
		day, ok := latest[a]
		switch {
		case !ok:
			undated = append(undated, fmt.Sprintf("%s (no /etfs/flows day to match)", strings.ToUpper(a)))
			continue
		case missing > 0:
			undated = append(undated, fmt.Sprintf("%s (%d of %d funds without flows)", strings.ToUpper(a), missing, len(funds)))
			continue
		case math.Abs(sum-day.USD) > etfMatchUSD:
			undated = append(undated, fmt.Sprintf("%s (funds add up to %s, the %s total is %s)", strings.ToUpper(a), fmtFloat(sum), cw.DayString(day.Day), fmtFloat(day.USD)))
			continue
		}
		for _, s := range funds {
			b.Observations = append(b.Observations, cw.Observation{Entity: cw.ETFFundEntity(s.Ticker), Metric: cw.MetricETFFlow, Day: day.Day, Value: *s.Flows, Source: SourceETFSnapshot})
		}
		dated = append(dated, fmt.Sprintf("%s on %s", strings.ToUpper(a), cw.DayString(day.Day)))
	}
	sort.Slice(b.Observations, func(i, j int) bool {
		x, y := b.Observations[i], b.Observations[j]
		if !x.Day.Equal(y.Day) {
			return x.Day.Before(y.Day)
		}
		if x.Metric != y.Metric {
			return x.Metric < y.Metric
		}
		return x.Entity < y.Entity
	})
	note := "DefiLlama Pro /etfs/snapshot: each fund's AUM (USD) on the snapshot's UTC day, and its flow (USD) on the trading day the asset's funds add up to in /etfs/flows."
	if len(dated) > 0 {
		note += " Fund flows stored: " + strings.Join(dated, ", ") + "."
	}
	if len(undated) > 0 {
		note += " Fund flows not stored, their day being unknown: " + strings.Join(undated, ", ") + "."
	}
	b.Source.Note = provnote.Join(note, leftOut(skipped))
	return b
}

// leftOut is the note's sentence on rows not stored ("" when none were).
func leftOut(skipped []string) string {
	if len(skipped) == 0 {
		return ""
	}
	return "Left out: " + strings.Join(skipped, "; ") + "."
}

const proLicence = "DefiLlama Pro API (paid plan): data © DefiLlama; attribution"

// key is one key of a decoded object and its raw value.
type key struct {
	name string
	raw  json.RawMessage
}

// required names the first of keys that the object at f lacks: a renamed key is schema drift,
// not a zero.
func required(ep, f string, keys ...key) error {
	for _, k := range keys {
		if isMissing(k.raw) {
			return derr(ep, f+"."+k.name, "missing (schema changed?)")
		}
	}
	return nil
}
