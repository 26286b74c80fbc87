package fred

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/httpx"
	"cryptoweekly/internal/rawfile"
)

// Base is FRED's API root.
const Base = "https://api.stlouisfed.org/fred"

// EnvKey is the environment variable holding the (free) API key; it wins over the config file.
const EnvKey = "FRED_API_KEY"

// ErrNoKey is returned by New when no key is configured: the source is disabled.
var ErrNoKey = errors.New("fred: no API key configured (source disabled)")

// Config is FRED's part of the config file.
type Config struct {
	Keys struct {
		FRED string `json:"fred"`
	} `json:"keys"`
}

// Options configure the connector.
type Options struct {
	BaseURL string // default Base
	Key     string // required
}

type getter interface {
	Get(ctx context.Context, r httpx.Request) (*httpx.Response, error)
}

// Source is the FRED series/observations connector.
type Source struct {
	c getter
	o Options
}

func registerProvider() {
	cw.RegisterProvider(cw.Provider{
		Name:    Name,
		Order:   120,
		KeyEnv:  []string{EnvKey},
		Sources: []cw.SourceID{SourceBundled, SourcePCEPI, SourceDFF, SourceLive},
		New: func(env cw.ProviderEnv) (cw.Source, string, error) {
			var c Config
			if err := env.Config(&c); err != nil {
				return nil, "", err
			}
			s, err := New(env.Client, Options{BaseURL: env.BaseURL, Key: env.Key(EnvKey, c.Keys.FRED)})
			if errors.Is(err, ErrNoKey) {
				return nil, "no key (" + EnvKey + ", free at fred.stlouisfed.org)", nil
			}
			if err != nil {
				return nil, "", err
			}
			return s, "", nil
		},
		// FRED allows 120 requests a minute per key; one a second stays well inside it.
		Limits: func(cw.ProviderEnv) map[string]httpx.Limit {
			return map[string]httpx.Limit{"api.stlouisfed.org": {Rate: 1, Burst: 2}}
		},
	})
}

// New builds the connector; ErrNoKey without a key.
func New(c *httpx.Client, o Options) (*Source, error) {
	if strings.TrimSpace(o.Key) == "" {
		return nil, ErrNoKey
	}
	if c == nil {
		return nil, errors.New("fred: nil fetch client")
	}
	return newSource(c, o)
}

func newSource(c getter, o Options) (*Source, error) {
	key, base, err := httpx.KeyedRoot("fred", o.Key, o.BaseURL, Base, ErrNoKey)
	if err != nil {
		return nil, err
	}
	o.Key, o.BaseURL = key, base
	return &Source{c: c, o: o}, nil
}

// Name implements cryptoweekly.Source.
func (s *Source) Name() string { return Name }

// Fetch implements cryptoweekly.Source: one batch with every series, observations after since
// (zero: from the store's first day). All or nothing: one failed series fails the fetch.
func (s *Source) Fetch(ctx context.Context, since time.Time) ([]cw.Batch, error) {
	start := cw.FirstDay
	if since.After(start) {
		start = cw.Day(since)
	}
	b := cw.Batch{Source: cw.Provenance{ID: SourceLive, Provider: "FRED (Federal Reserve Bank of St. Louis)",
		Location: s.o.BaseURL + "/series/observations", Licence: licence,
		Note: "FRED series/observations (latest vintage): values dated on the reference month (daily for the target range), not the release date; '.' (missing) is not stored."}}
	rs := rawfile.NewSeries(SourceLive)
	var fetched time.Time
	for _, x := range AllSeries {
		q := url.Values{"series_id": {x.ID}, "api_key": {s.o.Key}, "file_type": {"json"}, "observation_start": {cw.DayString(start)}}
		endpoint := "/series/observations"
		resp, err := s.c.Get(ctx, httpx.Request{Source: Name, Endpoint: endpoint + " " + x.ID, URL: s.o.BaseURL + endpoint + "?" + q.Encode(),
			SecretParams: []string{"api_key"}})
		if err != nil {
			return nil, err // httpx names the endpoint and the URL without the key
		}
		if resp == nil {
			return nil, fmt.Errorf("fred: %s: no response", x.ID)
		}
		obs, err := DecodeObservations(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("fred: %s (GET %s): %w", x.ID, resp.URL, err)
		}
		for i, o := range obs {
			day, err := cw.ParseDay(o.Date)
			if err != nil {
				return nil, fmt.Errorf("fred: %s: observations[%d].date: %w", x.ID, i, err)
			}
			if err := addValue(rs, x, day, o.Value, fmt.Sprintf("fred: %s observations[%d]", x.ID, i)); err != nil {
				return nil, err
			}
		}
		b.Entities = append(b.Entities, entity(x))
		if resp.FetchedAt.After(fetched) {
			fetched = resp.FetchedAt
		}
	}
	if fetched.IsZero() {
		fetched = time.Now()
	}
	b.Source.FetchedAt = fetched.UTC()
	b.Observations = rs.Obs()
	return []cw.Batch{b}, nil
}

// Observation is one row of series/observations: the value is a string, "." when missing.
type Observation struct {
	Date  string `json:"date"`
	Value string `json:"value"`
}

// DecodeObservations reads a series/observations JSON body. A body without an "observations"
// list (an error object, a changed schema) is an error quoting what came instead.
func DecodeObservations(body []byte) ([]Observation, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	raw, ok := top["observations"]
	if !ok {
		if m, ok := top["error_message"]; ok {
			return nil, fmt.Errorf("the API answered an error instead of observations: %s", cw.Quote(string(m)))
		}
		return nil, errors.New("no \"observations\" list (schema changed?)")
	}
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, fmt.Errorf("observations: not a list of objects: %w", err)
	}
	out := make([]Observation, 0, len(rows))
	for i, r := range rows {
		var o Observation
		for _, f := range []struct {
			name string
			dst  *string
		}{{"date", &o.Date}, {"value", &o.Value}} {
			v, ok := r[f.name]
			if !ok {
				return nil, fmt.Errorf("observations[%d]: no %q field", i, f.name)
			}
			if err := json.Unmarshal(v, f.dst); err != nil {
				return nil, fmt.Errorf("observations[%d].%s: not a string: %s", i, f.name, cw.Quote(string(v)))
			}
		}
		out = append(out, o)
	}
	return out, nil
}
