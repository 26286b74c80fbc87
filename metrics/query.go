package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	cw "cryptoweekly"
)

// q wraps the store's SQL handle with the handful of query shapes the sections share.
type q struct {
	ctx context.Context
	db  *sql.DB
}

// pair is one entity's value at the two compared days, from one (metric, source) series.
type pair struct {
	entity, metric, source string
	v0, v1                 *float64
}

func placeholders(start, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", start+i)
	}
	return strings.Join(p, ", ")
}

// pairs reads the values of entities matching like (SQL LIKE) for the given metrics at d0 and d1.
// Only the rows of those two days are touched.
//
// The redundant BETWEEN is what keeps this cheap on a big store: DuckDB pushes an IN list into
// the scan only as an optional zone-map hint and filters it above the scan, so with IN alone every
// row matching the LIKE is read and materialised (all of 110M asset rows for "asset:%"), while a
// range is applied inside the scan itself.
func (x q) pairs(like string, metrics []string, d0, d1 time.Time) ([]pair, error) {
	lo, hi := d0, d1
	if hi.Before(lo) {
		lo, hi = hi, lo
	}
	args := []any{cw.DayString(d0), cw.DayString(d1), like, cw.DayString(lo), cw.DayString(hi)}
	for _, m := range metrics {
		args = append(args, m)
	}
	query := `SELECT entity_id, metric, source_id,
			max(value) FILTER (WHERE day = CAST($1 AS DATE)),
			max(value) FILTER (WHERE day = CAST($2 AS DATE))
		FROM observations
		WHERE day IN (CAST($1 AS DATE), CAST($2 AS DATE)) AND entity_id LIKE $3
			AND day BETWEEN CAST($4 AS DATE) AND CAST($5 AS DATE)
			AND metric IN (` + placeholders(6, len(metrics)) + `)
		GROUP BY entity_id, metric, source_id
		ORDER BY entity_id, metric, source_id`
	rows, err := x.db.QueryContext(x.ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("metrics: pairs %s: %w", like, err)
	}
	defer rows.Close()
	var out []pair
	for rows.Next() {
		var p pair
		var a, b sql.NullFloat64
		if err := rows.Scan(&p.entity, &p.metric, &p.source, &a, &b); err != nil {
			return nil, err
		}
		if a.Valid {
			v := a.Float64
			p.v0 = &v
		}
		if b.Valid {
			v := b.Float64
			p.v1 = &v
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// best picks, per entity, the preferred series: complete pairs first, then metric order, then
// source order (sources not listed come after, alphabetically, as the query sorted them).
func best(ps []pair, metrics, sources []string) map[string]pair {
	rank := func(p pair) int {
		r := 0
		if p.v0 == nil || p.v1 == nil {
			r += 1_000_000
		}
		r += index(metrics, p.metric) * 1000
		r += index(sources, p.source)
		return r
	}
	out := map[string]pair{}
	for _, p := range ps {
		if cur, ok := out[p.entity]; !ok || rank(p) < rank(cur) {
			out[p.entity] = p
		}
	}
	return out
}

func index(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return len(list)
}

// daily returns an entity's values of one metric and source over (from, to].
func (x q) daily(entity, metric, source string, from, to time.Time) ([]float64, []time.Time, error) {
	rows, err := x.db.QueryContext(x.ctx, `SELECT day, value FROM observations
		WHERE entity_id = $1 AND metric = $2 AND source_id = $3 AND day > CAST($4 AS DATE) AND day <= CAST($5 AS DATE)
		ORDER BY day`, entity, metric, source, cw.DayString(from), cw.DayString(to))
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: daily %s %s: %w", entity, metric, err)
	}
	defer rows.Close()
	var vs []float64
	var ds []time.Time
	for rows.Next() {
		var d time.Time
		var v float64
		if err := rows.Scan(&d, &v); err != nil {
			return nil, nil, err
		}
		vs = append(vs, v)
		ds = append(ds, cw.Day(d))
	}
	return vs, ds, rows.Err()
}

// snapshotDay returns the newest day <= at (and > notBefore) on which source has metric
// observations, or zero.
func (x q) snapshotDay(source, metric string, notBefore, at time.Time) (time.Time, error) {
	var t sql.NullTime
	err := x.db.QueryRowContext(x.ctx, `SELECT max(day) FROM observations
		WHERE source_id = $1 AND metric = $2 AND day > CAST($3 AS DATE) AND day <= CAST($4 AS DATE)`,
		source, metric, cw.DayString(notBefore), cw.DayString(at)).Scan(&t)
	if err != nil {
		return time.Time{}, fmt.Errorf("metrics: snapshot %s: %w", source, err)
	}
	if !t.Valid {
		return time.Time{}, nil
	}
	return cw.Day(t.Time), nil
}

// entityInfo is the metadata the sections print.
type entityInfo struct {
	name, symbol, category string
	parent                 string
	chains                 []string
	tags                   map[string]bool
	attrs                  map[string]string
}

// entities loads metadata for the given IDs (chunked so huge universes stay within limits).
func (x q) entities(ids []string) (map[string]*entityInfo, error) {
	out := make(map[string]*entityInfo, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
			out[id] = &entityInfo{tags: map[string]bool{}, attrs: map[string]string{}}
		}
		in := placeholders(1, len(chunk))
		// A join against the IDs rather than id IN (…): DuckDB answers an IN list on the primary
		// key with an index scan that fetches the rows one by one, about ten times slower than
		// hashing the list against a scan of the table (1.1 s for 7,000 protocols at full scale).
		rows, err := x.db.QueryContext(x.ctx, `SELECT e.id, e.name, e.symbol, e.category, e.parent FROM entities e
			JOIN (VALUES (`+strings.ReplaceAll(in, ", ", "), (")+`)) v(id) ON e.id = v.id`, args...)
		if err != nil {
			return nil, fmt.Errorf("metrics: entities: %w", err)
		}
		for rows.Next() {
			var id, n, s, c, par string
			if err := rows.Scan(&id, &n, &s, &c, &par); err != nil {
				rows.Close()
				return nil, err
			}
			e := out[id]
			e.name, e.symbol, e.category, e.parent = n, s, c, par
		}
		rows.Close()
		for _, t := range []struct{ q, kind string }{
			{`SELECT entity_id, chain FROM entity_chains WHERE entity_id IN (` + in + `) ORDER BY entity_id, chain`, "chain"},
			{`SELECT entity_id, tag FROM entity_tags WHERE entity_id IN (` + in + `)`, "tag"},
		} {
			rows, err := x.db.QueryContext(x.ctx, t.q, args...)
			if err != nil {
				return nil, fmt.Errorf("metrics: entity %ss: %w", t.kind, err)
			}
			for rows.Next() {
				var id, v string
				if err := rows.Scan(&id, &v); err != nil {
					rows.Close()
					return nil, err
				}
				if t.kind == "chain" {
					out[id].chains = append(out[id].chains, v)
				} else {
					out[id].tags[v] = true
				}
			}
			rows.Close()
		}
		rows, err = x.db.QueryContext(x.ctx, `SELECT entity_id, key, value FROM entity_attrs WHERE entity_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("metrics: entity attrs: %w", err)
		}
		for rows.Next() {
			var id, k, v string
			if err := rows.Scan(&id, &k, &v); err != nil {
				rows.Close()
				return nil, err
			}
			out[id].attrs[k] = v
		}
		rows.Close()
	}
	return out, nil
}

// sources loads the provenance records cited.
func (x q) sources(ids map[string]bool) ([]cw.Provenance, error) {
	rows, err := x.db.QueryContext(x.ctx, `SELECT id, provider, location, fetched_at, licence, note FROM sources ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("metrics: sources: %w", err)
	}
	defer rows.Close()
	var out []cw.Provenance
	for rows.Next() {
		var p cw.Provenance
		var t sql.NullTime
		if err := rows.Scan(&p.ID, &p.Provider, &p.Location, &t, &p.Licence, &p.Note); err != nil {
			return nil, err
		}
		if t.Valid {
			p.FetchedAt = t.Time.UTC()
		}
		if ids[string(p.ID)] {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}
