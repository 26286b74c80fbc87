package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/store"
)

// The Reader queries: store/duckdb's, with the same ORDER BY (byte order, through the "C"
// collation) so reports tie-break identically. Where the shape differs, the comment says why.
// None uses a construct Citus rejects on a table distributed by entity_id (docs/scale-out.md).

var _ cw.Reader = (*Store)(nil)

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Pairs reads only the rows of the two compared days: the (metric, day) index finds them, so the
// cost does not grow with history. (DuckDB's redundant BETWEEN is a zone-map hint PostgreSQL
// does not need.)
func (s *Store) Pairs(ctx context.Context, q cw.PairQuery) ([]cw.Pair, error) {
	defer s.lock()()
	if len(q.Metrics) == 0 {
		return nil, fmt.Errorf("store: pairs: no metric")
	}
	args := []any{cw.Day(q.D0), cw.Day(q.D1), strs(q.Metrics)}
	ent := "entity_id = $4"
	switch {
	case q.Entity != "":
		args = append(args, q.Entity)
	case q.Prefix != "":
		ent = `entity_id LIKE $4 ESCAPE '\'`
		args = append(args, store.LikePrefix(q.Prefix))
	default:
		return nil, fmt.Errorf("store: pairs: no entity or prefix")
	}
	query := `SELECT entity_id, metric, source_id,
			max(value) FILTER (WHERE day = $1::date),
			max(value) FILTER (WHERE day = $2::date)
		FROM observations
		WHERE day IN ($1::date, $2::date) AND metric = ANY($3::text[]) AND ` + ent
	if len(q.Sources) > 0 {
		query += ` AND source_id = ANY($5::text[])`
		args = append(args, strs(q.Sources))
	}
	query += ` GROUP BY entity_id, metric, source_id ORDER BY entity_id, metric, source_id`
	rows, err := s.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: pairs %s%s: %w", q.Entity, q.Prefix, err)
	}
	return store.ScanPairs(rows)
}

// Daily reads one series over (from, to]: a range scan of the primary key.
func (s *Store) Daily(ctx context.Context, entity string, m cw.Metric, src cw.SourceID, from, to time.Time) ([]cw.Point, error) {
	defer s.lock()()
	rows, err := s.q.QueryContext(ctx, `SELECT day, value FROM observations
		WHERE entity_id = $1 AND metric = $2 AND source_id = $3 AND day > $4::date AND day <= $5::date
		ORDER BY day`, entity, string(m), string(src), cw.Day(from), cw.Day(to))
	if err != nil {
		return nil, fmt.Errorf("store: daily %s %s: %w", entity, m, err)
	}
	return store.ScanPoints(rows)
}

// LatestDay is the newest day of a source's metric in (notBefore, at].
func (s *Store) LatestDay(ctx context.Context, src cw.SourceID, m cw.Metric, notBefore, at time.Time) (time.Time, error) {
	defer s.lock()()
	return store.ScanDay(s.q.QueryRowContext(ctx, store.LatestDaySQL, string(src), string(m), cw.Day(notBefore), cw.Day(at)), "latest day of "+string(src))
}

// Latest reads each (source, metric) series' newest day in (from, to]. The outer query repeats the
// CTE's bounds, which change nothing in the answer: without them the planner cannot know which
// days the join keeps, and reads every day of the prefix's history (every partition of a table
// partitioned by day, every shard-day on Citus).
func (s *Store) Latest(ctx context.Context, prefix string, ms []cw.Metric, from, to time.Time) ([]cw.Observation, error) {
	defer s.lock()()
	if len(ms) == 0 {
		return nil, nil
	}
	rows, err := s.q.QueryContext(ctx, `WITH latest AS (
			SELECT source_id, metric, max(day) AS day FROM observations
			WHERE entity_id LIKE $3 ESCAPE '\' AND metric = ANY($4::text[])
				AND day > $1::date AND day <= $2::date
			GROUP BY source_id, metric)
		SELECT o.entity_id, o.metric, o.day, o.value, o.source_id
		FROM observations o JOIN latest l ON l.source_id = o.source_id AND l.metric = o.metric AND l.day = o.day
		WHERE o.entity_id LIKE $3 ESCAPE '\' AND o.metric = ANY($4::text[])
			AND o.day > $1::date AND o.day <= $2::date
		ORDER BY o.source_id, o.metric, o.entity_id`, cw.Day(from), cw.Day(to), store.LikePrefix(prefix), strs(ms))
	if err != nil {
		return nil, fmt.Errorf("store: latest %s: %w", prefix, err)
	}
	return store.ScanObservations(rows)
}

// Observations reads one metric of the entities with a prefix over (from, to].
func (s *Store) Observations(ctx context.Context, prefix string, m cw.Metric, from, to time.Time) ([]cw.Observation, error) {
	defer s.lock()()
	rows, err := s.q.QueryContext(ctx, `SELECT entity_id, metric, day, value, source_id FROM observations
		WHERE entity_id LIKE $1 ESCAPE '\' AND metric = $2 AND day > $3::date AND day <= $4::date
		ORDER BY day, entity_id, source_id`, store.LikePrefix(prefix), string(m), cw.Day(from), cw.Day(to))
	if err != nil {
		return nil, fmt.Errorf("store: observations %s %s: %w", prefix, m, err)
	}
	return store.ScanObservations(rows)
}

// Entities loads metadata for the given IDs. One array parameter carries any number of IDs, so
// unlike DuckDB's IN lists nothing needs chunking.
func (s *Store) Entities(ctx context.Context, ids []string) (map[string]cw.Entity, error) {
	defer s.lock()()
	out := make(map[string]cw.Entity, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.q.QueryContext(ctx, `SELECT id, kind, name, symbol, category, parent FROM entities WHERE id = ANY($1::text[])`, ids)
	if err != nil {
		return nil, fmt.Errorf("store: entities: %w", err)
	}
	if err := store.ScanEntities(rows, out, nil); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		what store.EntityChild
		q    string
	}{
		{store.Chains, `SELECT entity_id, chain, '' FROM entity_chains WHERE entity_id = ANY($1::text[])`},
		{store.Tags, `SELECT entity_id, tag, '' FROM entity_tags WHERE entity_id = ANY($1::text[])`},
		{store.Attrs, `SELECT entity_id, key, value FROM entity_attrs WHERE entity_id = ANY($1::text[])`},
	} {
		rows, err := s.q.QueryContext(ctx, t.q, ids)
		if err != nil {
			return nil, fmt.Errorf("store: entity %s: %w", t.what, err)
		}
		if err := store.ScanEntityChildren(rows, t.what, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EntitiesOnChains lists entities of a kind that run on any of the chains. lower() runs in the
// database's default collation: under "C" it would fold ASCII letters only.
func (s *Store) EntitiesOnChains(ctx context.Context, k cw.Kind, chains []string) ([]string, error) {
	defer s.lock()()
	if len(chains) == 0 {
		return nil, nil
	}
	lc := make([]string, len(chains))
	for i, c := range chains {
		lc[i] = strings.ToLower(c)
	}
	rows, err := s.q.QueryContext(ctx, `SELECT DISTINCT entity_id FROM entity_chains
		WHERE entity_id LIKE $1 ESCAPE '\' AND lower(chain COLLATE "default") = ANY($2::text[]) ORDER BY entity_id`,
		store.LikePrefix(string(k)+":"), lc)
	if err != nil {
		return nil, fmt.Errorf("store: entities on chains: %w", err)
	}
	return store.ScanStrings(rows)
}

// CountEntities counts the entities of a kind.
func (s *Store) CountEntities(ctx context.Context, k cw.Kind) (int, error) {
	defer s.lock()()
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT count(*) FROM entities WHERE kind = $1`, string(k)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s entities: %w", k, err)
	}
	return n, nil
}

// Symbols lists the distinct symbols of a kind.
func (s *Store) Symbols(ctx context.Context, k cw.Kind) ([]string, error) {
	defer s.lock()()
	rows, err := s.q.QueryContext(ctx, `SELECT DISTINCT symbol FROM entities WHERE kind = $1 AND symbol <> '' ORDER BY symbol`, string(k))
	if err != nil {
		return nil, fmt.Errorf("store: %s symbols: %w", k, err)
	}
	return store.ScanStrings(rows)
}

// Sources loads the provenance records cited.
func (s *Store) Sources(ctx context.Context, ids []cw.SourceID) ([]cw.Provenance, error) {
	defer s.lock()()
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.q.QueryContext(ctx, `SELECT id, provider, location, fetched_at, licence, note FROM sources
		WHERE id = ANY($1::text[]) ORDER BY id`, strs(ids))
	if err != nil {
		return nil, fmt.Errorf("store: sources: %w", err)
	}
	return store.ScanSources(rows)
}

// DayCounts classifies every observation by the first selector it matches and counts distinct
// entities per selector and day. DuckDB does it in one pass with count(DISTINCT); PostgreSQL would
// hash or sort millions of (selector, day, entity) keys and spill them to disk (12 s on 10M rows).
// Instead:
//
//   - a selector depends only on a row's series (entity, metric, source), so the CASE runs once per
//     series, not once per row;
//   - an entity with a single series in its selector has at most one row a day (the primary key),
//     so its rows are counted, not de-duplicated; only the entities with several series in one
//     selector (several metrics or sources) go through a DISTINCT, and they are few.
//
// Two passes over observations (the series, then the counts), both with small hash tables. On
// Citus both push down: the window is partitioned by entity_id, the distribution column.
func (s *Store) DayCounts(ctx context.Context, sel []cw.Selector, from, to time.Time) ([]map[time.Time]int, error) {
	defer s.lock()()
	out := make([]map[time.Time]int, len(sel))
	for i := range out {
		out[i] = map[time.Time]int{}
	}
	if len(sel) == 0 {
		return out, nil
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var when strings.Builder
	for i, x := range sel {
		var conds []string
		if len(x.Entities) > 0 {
			conds = append(conds, "entity_id = ANY("+arg(x.Entities)+"::text[])")
		}
		if x.Prefix != "" {
			conds = append(conds, "entity_id LIKE "+arg(store.LikePrefix(x.Prefix))+` ESCAPE '\'`)
		}
		if len(x.Metrics) > 0 {
			conds = append(conds, "metric = ANY("+arg(strs(x.Metrics))+"::text[])")
		}
		if len(x.Sources) > 0 {
			conds = append(conds, "source_id = ANY("+arg(strs(x.Sources))+"::text[])")
		}
		if len(conds) == 0 {
			conds = append(conds, "TRUE")
		}
		fmt.Fprintf(&when, " WHEN %s THEN %d", strings.Join(conds, " AND "), i)
	}
	days := store.DaysWhere(from, to, func(v string) string { return arg(v) })
	rows, err := s.q.QueryContext(ctx, `WITH series AS (
			SELECT entity_id, metric, source_id, sel FROM (
				SELECT entity_id, metric, source_id, CASE`+when.String()+` END AS sel
				FROM (SELECT DISTINCT entity_id, metric, source_id FROM observations WHERE `+days+`) s) c
			WHERE sel IS NOT NULL),
		k AS (SELECT entity_id, metric, source_id, sel, count(*) OVER (PARTITION BY sel, entity_id) > 1 AS multi FROM series)
		SELECT sel, day, sum(CASE WHEN eid IS NULL THEN n ELSE 1 END)::bigint FROM (
			SELECT k.sel, o.day, CASE WHEN k.multi THEN o.entity_id END AS eid, count(*) AS n
			FROM observations o JOIN k ON k.entity_id = o.entity_id AND k.metric = o.metric AND k.source_id = o.source_id
			WHERE `+days+`
			GROUP BY 1, 2, 3) g
		GROUP BY sel, day`, args...)
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
