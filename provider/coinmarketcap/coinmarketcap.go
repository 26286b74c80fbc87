// Package coinmarketcap is everything of CoinMarketCap: the live Pro API connector
// (cryptoweekly.Source "coinmarketcap"), the bundled snapshot pages and stablecoin histories
// (files.go) with the one asset-ID rule both follow, and the provider registration
// (provider.go). The live API needs a key (header X-CMC_PRO_API_KEY); without one the provider
// is skipped with a note.
//
// One Fetch makes three calls (≈ 1 credit per 200–250 listing rows + 2; CMC's own pages
// disagree on the rule, so the connector reports status.credit_count in the provenance note
// instead of hard-coding it):
//
//   - /v1/cryptocurrency/listings/latest?start=1&limit=N&convert=USD → "cmc-listings": asset
//     entities (asset:<symbol>, later same-symbol coins asset:<symbol>-<name>, the rule of the snapshot files), Tags
//     "cmc:<tag>" (e.g. cmc:memes), metrics price, market_cap, volume_24h, circulating_supply,
//     rank, pct_change_7d, pct_change_24h on the fetch day;
//   - /v3/fear-and-greed/historical and /v3/fear-and-greed/latest → "cmc-fear-greed":
//     index:fear-greed-cmc metric value, one per UTC day.
//
// A non-zero status.error_code (number or string) is an error naming the endpoint, code and
// message; the key never appears in errors or the archive (it travels in a secret header).
package coinmarketcap

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/provnote"
)

// Base is the production host.
const Base = "https://pro-api.coinmarketcap.com"

// KeyHeader carries the API key.
const KeyHeader = "X-CMC_PRO_API_KEY"

// Provenance ids.
const (
	SourceListings  = cw.SourceID("cmc-listings")
	SourceFearGreed = cw.SourceID("cmc-fear-greed")

	// Bundled only (files.go): the weekly top-100 and monthly top-200 snapshot pages and the
	// per-coin stablecoin history downloads.
	SourceWeeklyTop100      = cw.SourceID("cmc-weekly-top100")
	SourceMonthlyTop200     = cw.SourceID("cmc-monthly-top200")
	SourceStablecoinHistory = cw.SourceID("cmc-stablecoin-history")
)

// FearGreedEntity is the entity of the CMC Fear & Greed index.
const FearGreedEntity = "index:fear-greed-cmc"

// Licence is carried by every CMC provenance.
const Licence = "CoinMarketCap API terms (Basic plan: personal, non-commercial use; attribution to CoinMarketCap)"

// ErrNoKey is returned by New when no key is configured: the source is disabled.
var ErrNoKey = errors.New("coinmarketcap: no API key configured (source disabled)")

// Options configure the connector.
type Options struct {
	BaseURL       string // default Base
	Key           string // required
	Limit         int    // listings rows, default 1000 (max 5000)
	FearGreedDays int    // history when since is zero; default 500 (one page)
	SkipListings  bool
	SkipFearGreed bool
	Now           func() time.Time
	Logf          func(string, ...any)
}

type getter interface {
	Get(ctx context.Context, r httpx.Request) (*httpx.Response, error)
}

// Source is the CMC connector.
type Source struct {
	c getter
	o Options
}

// New builds the connector; ErrNoKey without a key.
func New(c *httpx.Client, o Options) (*Source, error) {
	if c == nil {
		return nil, errors.New("coinmarketcap: nil fetch client")
	}
	return newSource(c, o)
}

func newSource(c getter, o Options) (*Source, error) {
	key, base, err := httpx.KeyedRoot("coinmarketcap", o.Key, o.BaseURL, Base, ErrNoKey)
	if err != nil {
		return nil, err
	}
	o.Key, o.BaseURL = key, base
	if o.Limit <= 0 {
		o.Limit = 1000
	}
	if o.Limit > 5000 {
		o.Limit = 5000
	}
	if o.FearGreedDays <= 0 {
		o.FearGreedDays = 500
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Source{c: c, o: o}, nil
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return "coinmarketcap" }

func (s *Source) redact(msg string) string {
	return strings.ReplaceAll(msg, s.o.Key, "REDACTED")
}

// get performs one call and turns HTTP and envelope errors into errors naming the endpoint,
// code and message.
func (s *Source) get(ctx context.Context, endpoint string, q url.Values) (*httpx.Response, error) {
	u := s.o.BaseURL + endpoint
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	h := http.Header{}
	h.Set(KeyHeader, s.o.Key)
	h.Set("Accept", "application/json")
	resp, err := s.c.Get(ctx, httpx.Request{
		Source: "coinmarketcap", Endpoint: endpoint, URL: u, Header: h,
		SecretHeaders: []string{KeyHeader}, SecretParams: []string{"CMC_PRO_API_KEY"},
	})
	if err != nil {
		var he *httpx.HTTPError
		if errors.As(err, &he) && resp != nil {
			if st, ok := DecodeStatus(resp.Body); ok && !st.OK() {
				se := &StatusError{Endpoint: endpoint, HTTP: he.Status, Code: string(st.ErrorCode), Message: s.redact(string(st.ErrorMessage))}
				return nil, fmt.Errorf("%s (GET %s): %w", se.Error(), he.URL, he)
			}
		}
		return nil, err
	}
	if resp == nil {
		return nil, fmt.Errorf("coinmarketcap: %s: no response", endpoint)
	}
	return resp, nil
}

// wrap makes a decode error safe (key redacted) and points at the URL.
func (s *Source) wrap(err error, resp *httpx.Response) error {
	var se *StatusError
	if errors.As(err, &se) {
		se.Message = s.redact(se.Message)
	}
	return fmt.Errorf("%s (GET %s)", s.redact(err.Error()), resp.URL)
}

func (s *Source) logf(format string, args ...any) {
	if s.o.Logf != nil {
		s.o.Logf(format, args...)
	}
}

func credits(st Status) string {
	if !st.CreditCount.Valid {
		return ""
	}
	return fmt.Sprintf("Credits charged: %s.", strconv.FormatFloat(st.CreditCount.Value, 'f', -1, 64))
}

// Fetch implements cryptoweekly.Source (all-or-nothing).
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	var out []cw.Batch
	if !s.o.SkipListings {
		q := url.Values{"start": {"1"}, "limit": {strconv.Itoa(s.o.Limit)}, "convert": {"USD"}}
		resp, err := s.get(ctx, "/v1/cryptocurrency/listings/latest", q)
		if err != nil {
			return nil, err
		}
		rows, st, skipped, err := DecodeListings(resp.Body)
		if err != nil {
			return nil, s.wrap(err, resp)
		}
		s.logf("coinmarketcap: listings: %d rows, credit_count %v", len(rows), st.CreditCount.Value)
		prov := cw.Provenance{ID: SourceListings, Provider: "CoinMarketCap", Location: resp.URL, FetchedAt: resp.FetchedAt, Licence: Licence,
			Note: provnote.Join(
				fmt.Sprintf("Top %d coins by CMC rank from /v1/cryptocurrency/listings/latest (USD), snapshot on the fetch day.", len(rows)),
				"pct_change_24h/7d are CMC rolling windows to last_updated; null fields give no observation; tags as cmc:<tag> (cmc:memes marks meme coins).",
				credits(st), provnote.Skipped(skipped))}
		out = append(out, ListingsBatch(prov, SortListings(rows), resp.FetchedAt))
	}
	if !s.o.SkipFearGreed {
		b, err := s.fetchFearGreed(ctx, since)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	for i := range out {
		if err := out[i].Validate(); err != nil {
			return nil, fmt.Errorf("coinmarketcap: %w", err)
		}
	}
	return out, nil
}

func (s *Source) fetchFearGreed(ctx context.Context, since time.Time) (cw.Batch, error) {
	limit := s.o.FearGreedDays
	if !since.IsZero() {
		d := int(cw.Day(s.o.Now()).Sub(cw.Day(since)).Hours()/24) + 2
		limit = min(max(d, 2), 500)
	}
	resp, err := s.get(ctx, "/v3/fear-and-greed/historical", url.Values{"start": {"1"}, "limit": {strconv.Itoa(limit)}})
	if err != nil {
		return cw.Batch{}, err
	}
	hist, st1, skipped, err := DecodeFearGreedHistorical(resp.Body)
	if err != nil {
		return cw.Batch{}, s.wrap(err, resp)
	}
	lresp, err := s.get(ctx, "/v3/fear-and-greed/latest", nil)
	if err != nil {
		return cw.Batch{}, err
	}
	latest, st2, err := DecodeFearGreedLatest(lresp.Body)
	if err != nil {
		return cw.Batch{}, s.wrap(err, lresp)
	}
	cr := ""
	if st1.CreditCount.Valid && st2.CreditCount.Valid {
		cr = fmt.Sprintf("Credits charged: %s.", strconv.FormatFloat(st1.CreditCount.Value+st2.CreditCount.Value, 'f', -1, 64))
	}
	prov := cw.Provenance{ID: SourceFearGreed, Provider: "CoinMarketCap", Location: resp.URL, FetchedAt: lresp.FetchedAt, Licence: Licence,
		Note: provnote.Join(
			"CMC Crypto Fear & Greed Index (0-100, market-wide, CMC's own bands; differs from alternative.me and CoinGecko indices).",
			"One value per UTC day from /v3/fear-and-greed/historical (earliest timestamp of a day wins); /latest fills the fetch day if history lacks it (intraday, may be revised).",
			cr, provnote.Skipped(skipped))}
	return FearGreedBatch(prov, hist, latest, since), nil
}

func init() {
	cw.RegisterDefinition(cw.Definition{ID: DefFearGreed, Source: SourceFearGreed, Metric: cw.MetricValue,
		Text: "CoinMarketCap Fear & Greed Index, 0–100, daily."})
}
