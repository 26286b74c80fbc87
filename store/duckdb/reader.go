package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/store"
)

// The Reader queries. Each is bounded to the days a figure compares; the comments say which
// DuckDB plan detail a shape is there for, so a rewrite does not lose it.

var _ cw.Reader = (*Store)(nil)

func placeholders(start, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = fmt.Sprintf("$%d", start+i)
	}
	return strings.Join(p, ", ")
}

func dayArg(t time.Time) string { return cw.DayString(t) }

// holds asks observation_days (migration 4) whether the store has any of the series and days a
// query is about, before the query walks the observations' ~1,000 row groups to find out: of a
// whole-market report's ~110 reads, most ask about series this store does not hold, and each
// would cost 1–10 ms to come back empty, where this costs a lookup in the day index (one row
// per series and day).
func (s *Store) holds(ctx context.Context, where string, args ...any) (bool, error) {
	var ok bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM observation_days WHERE `+where+`)`, args...).Scan(&ok)
	return ok, err
}

// Pairs reads only the rows of the two compared days.
//
// The redundant BETWEEN is what keeps this cheap on a big store: DuckDB pushes an IN list into
// the scan only as an optional zone-map hint and filters it above the scan, so with IN alone every
// row matching the entity filter is read and materialised (all of 110M asset rows for "asset:"),
// while a range is applied inside the scan itself.
func (s *Store) Pairs(ctx context.Context, q cw.PairQuery) ([]cw.Pair, error) {
	if len(q.Metrics) == 0 {
		return nil, fmt.Errorf("store: pairs: no metric")
	}
	lo, hi := q.D0, q.D1
	if hi.Before(lo) {
		lo, hi = hi, lo
	}
	args := []any{dayArg(q.D0), dayArg(q.D1), dayArg(lo), dayArg(hi)}
	ent := "entity_id = $5"
	switch {
	case q.Entity != "":
		args = append(args, q.Entity)
	case q.Prefix != "":
		ent = `entity_id LIKE $5 ESCAPE '\'`
		args = append(args, store.LikePrefix(q.Prefix))
	default:
		return nil, fmt.Errorf("store: pairs: no entity or prefix")
	}
	srcs, held, err := s.pairSources(ctx, q)
	if err != nil || !held {
		return nil, wrapErr(err, "store: pairs %s%s", q.Entity, q.Prefix)
	}
	q.Sources = srcs
	// One row per (entity, source) with the metrics side by side: for the whole market's four
	// token metrics a third of the rows and of the strings that one row per (entity, metric,
	// source) would carry across the driver, which cost more than the query.
	metrics := slices.Clone(q.Metrics)
	slices.Sort(metrics)
	metrics = slices.Compact(metrics)
	var cols strings.Builder
	for i, m := range metrics {
		args = append(args, string(m))
		fmt.Fprintf(&cols, `,
			max(value) FILTER (WHERE metric = $%[1]d AND day = CAST($1 AS DATE)),
			max(value) FILTER (WHERE metric = $%[1]d AND day = CAST($2 AS DATE))`, 6+i)
	}
	query := `SELECT entity_id, source_id` + cols.String() + `
		FROM observations
		WHERE day IN (CAST($1 AS DATE), CAST($2 AS DATE)) AND ` + ent + `
			AND day BETWEEN CAST($3 AS DATE) AND CAST($4 AS DATE)
			AND metric IN (` + placeholders(6, len(metrics)) + `)`
	if len(q.Sources) > 0 {
		query += ` AND source_id IN (` + placeholders(6+len(metrics), len(q.Sources)) + `)`
		for _, src := range q.Sources {
			args = append(args, string(src))
		}
	}
	query += ` GROUP BY entity_id, source_id ORDER BY entity_id, source_id`
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: pairs %s%s: %w", q.Entity, q.Prefix, err)
	}
	ps, err := scanPivotedPairs(rows, metrics)
	if err != nil {
		return nil, fmt.Errorf("store: pairs %s%s: %w", q.Entity, q.Prefix, err)
	}
	return ps, nil
}

// scanPivotedPairs reads Pairs' (entity, source, then two values per metric) rows, sorted by
// entity and source, into pairs sorted by entity, metric and source (metrics sorted), one per
// metric a row has a value of.
func scanPivotedPairs(rows *sql.Rows, metrics []cw.Metric) ([]cw.Pair, error) {
	defer rows.Close()
	type row struct {
		src  cw.SourceID
		vals []float64 // two per metric
		has  []bool
	}
	var out []cw.Pair
	var entity string
	var group []row
	// flush emits the pairs of one entity's rows, metric by metric, each in source order.
	flush := func() {
		for i, m := range metrics {
			for _, r := range group {
				a, b := r.has[2*i], r.has[2*i+1]
				if !a && !b {
					continue
				}
				p := cw.Pair{Entity: entity, Metric: m, Source: r.src}
				if a {
					p.V0 = &r.vals[2*i]
				}
				if b {
					p.V1 = &r.vals[2*i+1]
				}
				out = append(out, p)
			}
		}
		group = group[:0]
	}
	sources := map[string]cw.SourceID{}
	nulls := make([]sql.NullFloat64, 2*len(metrics))
	var e string
	var src sql.RawBytes
	dest := []any{&e, &src}
	for i := range nulls {
		dest = append(dest, &nulls[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if e != entity {
			flush()
			entity = e
		}
		id, ok := sources[string(src)]
		if !ok {
			id = cw.SourceID(src)
			sources[string(id)] = id
		}
		r := row{src: id, vals: make([]float64, len(nulls)), has: make([]bool, len(nulls))}
		for i, v := range nulls {
			r.vals[i], r.has[i] = v.Float64, v.Valid
		}
		group = append(group, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	flush()
	return out, nil
}

// pairSources narrows q.Sources to those observation_days lists on either compared day for any
// of q's metrics (q.Sources empty: any source, left empty). held is false when no series has
// either day, and the read can be skipped.
func (s *Store) pairSources(ctx context.Context, q cw.PairQuery) (srcs []cw.SourceID, held bool, err error) {
	args := []any{dayArg(q.D0), dayArg(q.D1)}
	for _, m := range q.Metrics {
		args = append(args, string(m))
	}
	where := `day IN (CAST($1 AS DATE), CAST($2 AS DATE)) AND metric IN (` + placeholders(3, len(q.Metrics)) + `)`
	if len(q.Sources) == 0 {
		held, err = s.holds(ctx, where, args...)
		return nil, held, err
	}
	for _, src := range q.Sources {
		args = append(args, string(src))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT source_id FROM observation_days WHERE `+where+
		` AND source_id IN (`+placeholders(3+len(q.Metrics), len(q.Sources))+`)`, args...)
	if err != nil {
		return nil, false, err
	}
	have, err := store.ScanStrings(rows)
	if err != nil {
		return nil, false, err
	}
	for _, src := range q.Sources {
		if slices.Contains(have, string(src)) {
			srcs = append(srcs, src)
		}
	}
	return srcs, len(srcs) > 0, nil
}

// wrapErr wraps a non-nil error with the query's name, and passes nil through.
func wrapErr(err error, format string, a ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(a, err)...)
}

// Daily reads one series over (from, to].
func (s *Store) Daily(ctx context.Context, entity string, m cw.Metric, src cw.SourceID, from, to time.Time) ([]cw.Point, error) {
	if ok, err := s.holds(ctx, `source_id = $1 AND metric = $2 AND day > CAST($3 AS DATE) AND day <= CAST($4 AS DATE)`,
		string(src), string(m), dayArg(from), dayArg(to)); err != nil || !ok {
		return nil, wrapErr(err, "store: daily %s %s", entity, m)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT day, value FROM observations
		WHERE entity_id = $1 AND metric = $2 AND source_id = $3 AND day > CAST($4 AS DATE) AND day <= CAST($5 AS DATE)
		ORDER BY day`, entity, string(m), string(src), dayArg(from), dayArg(to))
	if err != nil {
		return nil, fmt.Errorf("store: daily %s %s: %w", entity, m, err)
	}
	return store.ScanPoints(rows)
}

// LatestDay is the newest day of a source's metric in (notBefore, at].
func (s *Store) LatestDay(ctx context.Context, src cw.SourceID, m cw.Metric, notBefore, at time.Time) (time.Time, error) {
	return store.ScanDay(s.db.QueryRowContext(ctx, store.LatestDaySQL, string(src), string(m), dayArg(notBefore), dayArg(at)), "latest day of "+string(src))
}

// Latest reads each (source, metric) series' newest day in (from, to].
func (s *Store) Latest(ctx context.Context, prefix string, ms []cw.Metric, from, to time.Time) ([]cw.Observation, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	args := []any{dayArg(from), dayArg(to), store.LikePrefix(prefix)}
	for _, m := range ms {
		args = append(args, string(m))
	}
	days := append([]any{args[0], args[1]}, args[3:]...)
	if ok, err := s.holds(ctx, `day > CAST($1 AS DATE) AND day <= CAST($2 AS DATE) AND metric IN (`+placeholders(3, len(ms))+`)`, days...); err != nil || !ok {
		return nil, wrapErr(err, "store: latest %s", prefix)
	}
	rows, err := s.db.QueryContext(ctx, `WITH latest AS (
			SELECT source_id, metric, max(day) AS day FROM observations
			WHERE entity_id LIKE $3 ESCAPE '\' AND metric IN (`+placeholders(4, len(ms))+`)
				AND day > CAST($1 AS DATE) AND day <= CAST($2 AS DATE)
			GROUP BY source_id, metric)
		SELECT o.entity_id, o.metric, o.day, o.value, o.source_id
		FROM observations o JOIN latest l ON l.source_id = o.source_id AND l.metric = o.metric AND l.day = o.day
		WHERE o.entity_id LIKE $3 ESCAPE '\'
		ORDER BY o.source_id, o.metric, o.entity_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: latest %s: %w", prefix, err)
	}
	return store.ScanObservations(rows)
}

// Observations reads one metric of the entities with a prefix over (from, to].
func (s *Store) Observations(ctx context.Context, prefix string, m cw.Metric, from, to time.Time) ([]cw.Observation, error) {
	if ok, err := s.holds(ctx, `metric = $1 AND day > CAST($2 AS DATE) AND day <= CAST($3 AS DATE)`,
		string(m), dayArg(from), dayArg(to)); err != nil || !ok {
		return nil, wrapErr(err, "store: observations %s %s", prefix, m)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT entity_id, metric, day, value, source_id FROM observations
		WHERE entity_id LIKE $1 ESCAPE '\' AND metric = $2 AND day > CAST($3 AS DATE) AND day <= CAST($4 AS DATE)
		ORDER BY day, entity_id, source_id`, store.LikePrefix(prefix), string(m), dayArg(from), dayArg(to))
	if err != nil {
		return nil, fmt.Errorf("store: observations %s %s: %w", prefix, m, err)
	}
	return store.ScanObservations(rows)
}

// idSep joins the IDs Entities passes to DuckDB as one string parameter.
const idSep = "\x1f"

// bulkIDs is the length of an ID list from which Entities reads every entity of the kinds asked
// for and drops the others itself: joining a list with a table costs DuckDB ~5 ms a query for
// 20,000 IDs (it splits and hashes the list each time, four times), reading all ~28,000 entities
// and their tags 0.3 ms plus the rows.
const bulkIDs = 1000

// Entities loads metadata for the given IDs: four queries however many IDs (the whole list goes
// in as one joined string that DuckDB splits, or for a long list the IDs' kinds), where 500-ID
// chunks cost four queries per chunk, 160 of them for a 20,000-asset universe (60% of a
// full-universe report's time). No stored ID holds idSep: cw.CheckID refuses control
// characters in IDs.
func (s *Store) Entities(ctx context.Context, ids []string) (map[string]cw.Entity, error) {
	out := make(map[string]cw.Entity, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var want map[string]struct{}
	on := func(col string) string { return col + ` IN (SELECT unnest(string_split($1, chr(31))))` }
	arg := strings.Join(ids, idSep)
	if len(ids) >= bulkIDs {
		want = make(map[string]struct{}, len(ids))
		var kinds []string
		for _, id := range ids {
			want[id] = struct{}{}
			if k, _, _ := strings.Cut(id, ":"); !slices.Contains(kinds, k) { // the whole ID without a ":", as split_part
				kinds = append(kinds, k)
			}
		}
		on = func(col string) string {
			return `split_part(` + col + `, ':', 1) IN (SELECT unnest(string_split($1, chr(31))))`
		}
		arg = strings.Join(kinds, idSep)
	}
	// The four queries run at once, each on its own connection: for the whole market (20,000
	// assets) each costs milliseconds, mostly on one core. Their rows are read in order, the
	// entities before their children; children of entities not read are dropped, and chains and
	// tags are sorted in Go.
	qs := []struct {
		what store.EntityChild
		q    string
	}{
		{"", `SELECT id, kind, name, symbol, category, parent FROM entities WHERE ` + on("id")},
		{store.Chains, `SELECT entity_id, chain, '' FROM entity_chains WHERE ` + on("entity_id")},
		{store.Tags, `SELECT entity_id, tag, '' FROM entity_tags WHERE ` + on("entity_id")},
		{store.Attrs, `SELECT entity_id, key, value FROM entity_attrs WHERE ` + on("entity_id")},
	}
	rows := make([]*sql.Rows, len(qs))
	errs := make([]error, len(qs))
	var wg sync.WaitGroup
	for i, q := range qs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows[i], errs[i] = s.db.QueryContext(ctx, q.q, arg)
		}()
	}
	wg.Wait()
	defer func() {
		for _, r := range rows {
			if r != nil {
				r.Close()
			}
		}
	}()
	for i, q := range qs {
		if errs[i] != nil {
			if q.what == "" {
				return nil, fmt.Errorf("store: entities: %w", errs[i])
			}
			return nil, fmt.Errorf("store: entity %s: %w", q.what, errs[i])
		}
	}
	if err := store.ScanEntities(rows[0], out, want); err != nil {
		return nil, err
	}
	for i, q := range qs[1:] {
		if err := store.ScanEntityChildren(rows[i+1], q.what, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EntitiesOnChains lists entities of a kind that run on any of the chains.
func (s *Store) EntitiesOnChains(ctx context.Context, k cw.Kind, chains []string) ([]string, error) {
	if len(chains) == 0 {
		return nil, nil
	}
	args := []any{store.LikePrefix(string(k) + ":")}
	for _, c := range chains {
		args = append(args, strings.ToLower(c))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT entity_id FROM entity_chains
		WHERE entity_id LIKE $1 ESCAPE '\' AND lower(chain) IN (`+placeholders(2, len(chains))+`) ORDER BY entity_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: entities on chains: %w", err)
	}
	return store.ScanStrings(rows)
}

// CountEntities counts the entities of a kind.
func (s *Store) CountEntities(ctx context.Context, k cw.Kind) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM entities WHERE kind = $1`, string(k)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s entities: %w", k, err)
	}
	return n, nil
}

// Symbols lists the distinct symbols of a kind.
func (s *Store) Symbols(ctx context.Context, k cw.Kind) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT symbol FROM entities WHERE kind = $1 AND symbol <> '' ORDER BY symbol`, string(k))
	if err != nil {
		return nil, fmt.Errorf("store: %s symbols: %w", k, err)
	}
	return store.ScanStrings(rows)
}

// Sources loads the provenance records cited.
func (s *Store) Sources(ctx context.Context, ids []cw.SourceID) ([]cw.Provenance, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = string(id)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, provider, location, fetched_at, licence, note FROM sources
		WHERE id IN (`+placeholders(1, len(ids))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: sources: %w", err)
	}
	return store.ScanSources(rows)
}

// DayCounts classifies every observation by the first selector it matches and counts distinct
// entities per selector and day, in one scan.
func (s *Store) DayCounts(ctx context.Context, sel []cw.Selector, from, to time.Time) ([]map[time.Time]int, error) {
	out := make([]map[time.Time]int, len(sel))
	for i := range out {
		out[i] = map[time.Time]int{}
	}
	if len(sel) == 0 {
		return out, nil
	}
	var args []any
	arg := func(v string) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	list := func(col string, vs []string) string {
		ps := make([]string, len(vs))
		for i, v := range vs {
			ps[i] = arg(v)
		}
		return col + " IN (" + strings.Join(ps, ", ") + ")"
	}
	var when strings.Builder
	for i, x := range sel {
		var conds []string
		if len(x.Entities) > 0 {
			conds = append(conds, list("entity_id", x.Entities))
		}
		if x.Prefix != "" {
			conds = append(conds, "entity_id LIKE "+arg(store.LikePrefix(x.Prefix))+` ESCAPE '\'`)
		}
		if len(x.Metrics) > 0 {
			conds = append(conds, list("metric", metricStrings(x.Metrics)))
		}
		if len(x.Sources) > 0 {
			conds = append(conds, list("source_id", sourceStrings(x.Sources)))
		}
		if len(conds) == 0 {
			conds = append(conds, "TRUE")
		}
		fmt.Fprintf(&when, " WHEN %s THEN %d", strings.Join(conds, " AND "), i)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sel, day, count(DISTINCT entity_id) FROM (
			SELECT CASE`+when.String()+` END AS sel, day, entity_id FROM observations WHERE `+store.DaysWhere(from, to, arg)+`) t
		WHERE sel IS NOT NULL GROUP BY sel, day`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: day counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i, n int
		var d time.Time
		if err := rows.Scan(&i, &d, &n); err != nil {
			return nil, err
		}
		out[i][cw.Day(d)] = n
	}
	return out, rows.Err()
}

func metricStrings(ms []cw.Metric) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

func sourceStrings(ss []cw.SourceID) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
