// Package cryptoweekly holds the domain model shared by every stage of the data path:
// sources → store → metrics → report → render.
//
// Everything that enters the store is an Entity (what is measured), an Observation (one value of
// one metric of one entity on one UTC day, from one source) or a Provenance record (where a
// source's values came from and under which licence). Keeping the model this small lets the
// bundled importer and the live connectors feed exactly the same tables.
package cryptoweekly

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the kind of an entity; it is also the prefix of the entity's ID ("asset:btc").
type Kind string

const (
	KindAsset      Kind = "asset"      // a token or coin priced in USD
	KindProtocol   Kind = "protocol"   // a DefiLlama protocol
	KindChain      Kind = "chain"      // a blockchain as DefiLlama names it
	KindStablecoin Kind = "stablecoin" // a stablecoin as DefiLlama's stablecoin dashboard lists it
	KindIndex      Kind = "index"      // an index or aggregate series (Fear & Greed, total DeFi TVL)
	KindCategory   Kind = "category"   // a market category (CoinMarketCap/CoinGecko category)
	KindContract   Kind = "contract"   // a derivatives contract (a perpetual on one venue)
	KindTopic      Kind = "topic"      // a social topic or search-interest item
	KindEvent      Kind = "event"      // a dated calendar or news item
	KindFund       Kind = "fund"       // an exchange-traded fund (a spot BTC ETF)
)

// Entity is something observed. IDs are stable, lower-case "kind:key" strings so that two
// sources describing the same thing (CoinMarketCap's BTC and Coinbase's BTC) land on one row.
type Entity struct {
	ID       string            `json:"id"`
	Kind     Kind              `json:"kind"`
	Name     string            `json:"name,omitempty"`
	Symbol   string            `json:"symbol,omitempty"`
	Category string            `json:"category,omitempty"`
	Chains   []string          `json:"chains,omitempty"`
	Parent   string            `json:"parent,omitempty"` // entity ID of the parent (a protocol's parent, a contract's asset)
	Tags     []string          `json:"tags,omitempty"`   // "scheme:value", e.g. "cmc:defi", "sector:layer-1"
	Attrs    map[string]string `json:"attrs,omitempty"`  // anything else worth keeping (url, snapshot tvl, …)
}

// EntityID builds the canonical ID for a kind and a free-form key.
func EntityID(k Kind, key string) string {
	return string(k) + ":" + NormKey(key)
}

// NormKey lower-cases and trims a key and turns runs of spaces into "-", so that
// "Kamino Lend" and "kamino-lend" name the same entity.
func NormKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.Fields(s), "-")
}

// Observation is one value of one metric of one entity on one UTC day from one source.
// (Entity, Metric, Day, Source) is unique in the store.
type Observation struct {
	Entity string    `json:"entity"`
	Metric Metric    `json:"metric"`
	Day    time.Time `json:"day"` // UTC midnight
	Value  float64   `json:"value"`
	Source SourceID  `json:"source"` // Provenance.ID
}

// Provenance says where one series family came from. Every report figure cites one.
type Provenance struct {
	ID        SourceID  `json:"id"`       // short stable id, e.g. "defillama-chain-tvl"
	Provider  string    `json:"provider"` // DefiLlama, alternative.me, CoinMarketCap, …
	Location  string    `json:"location"` // file path in the bundle, or the endpoint URL (keys stripped)
	FetchedAt time.Time `json:"fetched_at"`
	Licence   string    `json:"licence"`
	Note      string    `json:"note,omitempty"` // definition caveats a reader must know
}

// Batch is the unit of writing: a store applies a set of batches in one transaction or not at all.
type Batch struct {
	Source       Provenance    `json:"source"`
	Entities     []Entity      `json:"entities"`
	Observations []Observation `json:"observations"`
}

// Day truncates t to its UTC calendar day.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDay parses a YYYY-MM-DD string as a UTC day.
func ParseDay(s string) (time.Time, error) {
	if t, ok := fastDay(s); ok {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("not a YYYY-MM-DD day: %q", s)
	}
	return t, nil
}

// fastDay reads a well-formed YYYY-MM-DD without time.Parse, which was a tenth of importing a
// daily file; anything else (spaces, a date that does not exist) is left to time.Parse and its
// messages.
func fastDay(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	n := [3]int{}
	for i, span := range [3][2]int{{0, 4}, {5, 7}, {8, 10}} {
		for _, c := range []byte(s[span[0]:span[1]]) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	if n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 {
		return time.Time{}, false
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if t.Day() != n[2] {
		return time.Time{}, false
	}
	return t, true
}

// DayString formats a day as YYYY-MM-DD.
func DayString(t time.Time) string { return t.UTC().Format("2006-01-02") }

// Validate checks a batch before anything is written: a store refuses the whole write if any
// batch fails, so a bad value never sits half-applied next to good ones.
func (b *Batch) Validate() error {
	if b.Source.ID == "" {
		return fmt.Errorf("batch: provenance has no id")
	}
	// where names the source and, when known, its file or endpoint, so a rejected value can be
	// found ("defillama-protocol-tvl (protocols/aave.json)").
	where := string(b.Source.ID)
	if err := CheckText(where, MaxIDBytes); err != nil {
		return fmt.Errorf("batch: provenance id: %w", err)
	}
	if b.Source.Location != "" {
		where += " (" + clipText(b.Source.Location) + ")"
	}
	for _, f := range []textField{{"location", b.Source.Location, MaxAttrBytes}, {"provider", b.Source.Provider, MaxTextBytes},
		{"licence", b.Source.Licence, MaxAttrBytes}, {"note", b.Source.Note, MaxNoteBytes}} {
		if err := CheckText(f.s, f.max); err != nil {
			return fmt.Errorf("%s: provenance %s: %w", where, f.field, err)
		}
	}
	ents := make(map[string]bool, len(b.Entities))
	for i, e := range b.Entities {
		if err := e.check(); err != nil {
			return fmt.Errorf("%s: entity %d (%s): %w", where, i, clipText(e.ID), err)
		}
		if e.ID == "" || !strings.HasPrefix(e.ID, string(e.Kind)+":") {
			return fmt.Errorf("%s: entity %d: id %s does not start with kind %s", where, i, Quote(e.ID), Quote(string(e.Kind)))
		}
		ents[e.ID] = true
	}
	keys := NewKeySet(len(b.Observations))
	last := LastDay()
	// The entity and metric text and the metric's range are checked once per run of rows of one
	// series, not per row: a batch is mostly long runs of one series.
	var prevE string
	var prevM Metric
	var rng Range
	for i, o := range b.Observations {
		if o.Source != b.Source.ID {
			return fmt.Errorf("%s: observation %d (%s %s): source %s differs from batch source", where, i, clipText(o.Entity), clipText(string(o.Metric)), Quote(string(o.Source)))
		}
		if i == 0 || o.Entity != prevE {
			if o.Entity == "" {
				return fmt.Errorf("%s: observation %d: empty entity or metric", where, i)
			}
			if err := CheckID(o.Entity); err != nil {
				return fmt.Errorf("%s: observation %d: entity: %w", where, i, err)
			}
			prevE = o.Entity
		}
		if i == 0 || o.Metric != prevM {
			if o.Metric == "" {
				return fmt.Errorf("%s: observation %d: empty entity or metric", where, i)
			}
			if err := CheckText(string(o.Metric), MaxIDBytes); err != nil {
				return fmt.Errorf("%s: observation %d: metric: %w", where, i, err)
			}
			prevM, rng = o.Metric, PlausibleRange(o.Metric)
		}
		if err := checkDay(o.Day, last); err != nil {
			return fmt.Errorf("%s: %s %s: %w", where, o.Entity, o.Metric, err)
		}
		if err := rng.Check(o.Metric, o.Value); err != nil {
			return fmt.Errorf("%s: %s %s %s: %w", where, o.Entity, o.Metric, DayString(o.Day), err)
		}
		if o.Day.Unix()%86400 != 0 {
			return fmt.Errorf("%s: %s %s: day %s is not a UTC midnight", where, o.Entity, o.Metric, o.Day)
		}
		if _, dup := keys.Add(o.Entity, o.Metric, o.Day); dup {
			return fmt.Errorf("%s: %s %s: duplicate day %s", where, o.Entity, o.Metric, DayString(o.Day))
		}
	}
	return nil
}

// clipText is s for a message, quoted by Quote when it is long or not plain.
func clipText(s string) string {
	if len(s) <= MaxQuoteBytes && utf8.ValidString(s) {
		return s
	}
	return Quote(s)
}
