package duckdb

import (
	"fmt"
	"slices"

	cw "cryptoweekly"
)

// A write stages its observations as one 64-bit key and a value per row, with the key's strings
// in three small dictionaries, because DuckDB's appender crosses into C once per string value:
// four strings per row made staging most of a write's time, two numbers per row cost a fraction.
//
// The key packs, from the high bits: the metric's code, the day, the entity's code, the
// source's code. Codes number each dictionary in sorted string order, so ordering by the key is
// ordering by (metric, day, entity, source): the order the observations table is kept in (zone
// maps then skip the row groups of other metrics and days), and the key alone identifies an
// observation.
const (
	sourceBits = 10
	entityBits = 28
	dayBits    = 16
	metricBits = 64 - dayBits - entityBits - sourceBits

	entityShift = sourceBits
	dayShift    = entityShift + entityBits
	metricShift = dayShift + dayBits
)

// stagedSQL gives the staged rows their strings back: the key's codes index the sorted
// dictionaries, held as three lists in stage_dict's one row. A lookup in a list keeps the rows
// in the order they were staged (sorted by key), where a join to the dictionaries would not, so
// the insert needs no ORDER BY, which cost more than the insert itself.
var stagedSQL = fmt.Sprintf(`SELECT d.e[CAST(((o.k >> %d) & %d) + 1 AS BIGINT)] AS entity_id,
		d.m[CAST((o.k >> %d) + 1 AS BIGINT)] AS metric,
		CAST(DATE '1970-01-01' + CAST((o.k >> %d) & %d AS INTEGER) AS DATE) AS day,
		o.value,
		d.s[CAST((o.k & %d) + 1 AS BIGINT)] AS source_id
	FROM stage_obs o CROSS JOIN stage_dict d`,
	entityShift, 1<<entityBits-1, metricShift, dayShift, 1<<dayBits-1, 1<<sourceBits-1)

// daysSQL adds the write's (source, metric, day) that observation_days does not list yet, from
// stage_days (dayKeys).
var daysSQL = fmt.Sprintf(`INSERT INTO observation_days
	SELECT * FROM (
		SELECT d.s[CAST((o.k & %d) + 1 AS BIGINT)] AS source_id, d.m[CAST((o.k >> %d) + 1 AS BIGINT)] AS metric,
			CAST(DATE '1970-01-01' + CAST((o.k >> %d) & %d AS INTEGER) AS DATE) AS day
		FROM stage_days o CROSS JOIN stage_dict d) n
	WHERE NOT EXISTS (SELECT 1 FROM observation_days x WHERE x.source_id = n.source_id AND x.metric = n.metric AND x.day = n.day)`,
	1<<sourceBits-1, metricShift, dayShift, 1<<dayBits-1)

// dictSQL builds stage_dict from the staged dictionaries.
const dictSQL = `CREATE OR REPLACE TEMP TABLE stage_dict AS SELECT
	(SELECT list(s ORDER BY code) FROM stage_entity) AS e,
	(SELECT list(s ORDER BY code) FROM stage_metric) AS m,
	(SELECT list(s ORDER BY code) FROM stage_source) AS s`

// packed is a write's observations, sorted by key and de-duplicated (a later batch's value for a
// key wins).
type packed struct {
	metrics, entities, sources []string // sorted; a code is an index
	keys                       []uint64
	vals                       []float64
	lo, hi                     int // the first and last day, in days since 1970
}

// dictionary numbers strings as they come, remembering the last one: observations come in runs
// of one entity, metric and source, so most rows cost a string comparison, not a lookup.
type dictionary struct {
	codes map[string]uint32
	list  []string
	last  string
	code  uint32
	any   bool
}

func (d *dictionary) add(s string) uint32 {
	if d.any && s == d.last {
		return d.code
	}
	c, ok := d.codes[s]
	if !ok {
		c = uint32(len(d.list))
		d.codes[s] = c
		d.list = append(d.list, s)
	}
	d.last, d.code, d.any = s, c, true
	return c
}

// sorted returns the strings in order and, for each first-seen code, its code in that order.
func (d *dictionary) sorted() ([]string, []uint64) {
	s := slices.Clone(d.list)
	slices.Sort(s)
	rank := make([]uint64, len(d.list))
	for i, x := range s {
		rank[d.codes[x]] = uint64(i)
	}
	return s, rank
}

func pack(batches []cw.Batch) (*packed, error) {
	n := 0
	for _, b := range batches {
		n += len(b.Observations)
	}
	if n == 0 {
		return &packed{}, nil
	}
	m := dictionary{codes: map[string]uint32{}}
	e := dictionary{codes: map[string]uint32{}}
	s := dictionary{codes: map[string]uint32{}}
	type row struct {
		m, e, s uint32
		day     int
	}
	rows := make([]row, 0, n)
	p := &packed{vals: make([]float64, 0, n), lo: 1 << 30, hi: -1}
	for _, b := range batches {
		for _, o := range b.Observations {
			day := int(o.Day.Unix() / 86400)
			if day < 0 || day >= 1<<dayBits {
				return nil, fmt.Errorf("%s %s: day %s does not fit the store's day key", o.Entity, o.Metric, cw.DayString(o.Day))
			}
			p.lo, p.hi = min(p.lo, day), max(p.hi, day)
			rows = append(rows, row{m.add(string(o.Metric)), e.add(o.Entity), s.add(string(o.Source)), day})
			p.vals = append(p.vals, o.Value)
		}
	}
	for _, x := range []struct {
		what string
		d    *dictionary
		bits int
	}{{"metrics", &m, metricBits}, {"entities", &e, entityBits}, {"sources", &s, sourceBits}} {
		if len(x.d.list) >= 1<<x.bits {
			return nil, fmt.Errorf("one write holds %d distinct %s, more than the %d the staging key allows: split it", len(x.d.list), x.what, 1<<x.bits-1)
		}
	}
	var mr, er, sr []uint64
	p.metrics, mr = m.sorted()
	p.entities, er = e.sorted()
	p.sources, sr = s.sorted()
	p.keys = make([]uint64, len(rows))
	for i, r := range rows {
		p.keys[i] = mr[r.m]<<metricShift | uint64(r.day)<<dayShift | er[r.e]<<entityShift | sr[r.s]
	}
	p.sortKeys()
	return p, nil
}

// dayKeys lists the write's distinct (metric, day, source) for observation_days, as keys with
// the entity's bits zeroed, in key order. Taken here on the sorted keys, a pass with a few
// sources to compare per (metric, day); a DISTINCT over the staged rows in SQL cost a tenth of
// the bundle's whole write.
func (p *packed) dayKeys() []uint64 {
	const entityMask = (1<<entityBits - 1) << entityShift
	var out []uint64
	run := 0 // where the current (metric, day)'s keys start in out
	for _, k := range p.keys {
		d := k &^ entityMask
		if len(out) > 0 && out[len(out)-1]>>dayShift != d>>dayShift {
			run = len(out)
		}
		if !slices.Contains(out[run:], d) {
			out = append(out, d)
		}
	}
	return out
}

// sortKeys sorts the rows by key (an LSD radix sort: stable, a pass per byte that varies) and
// keeps, of equal keys, the last row's value: within one write a later batch wins, as a later
// write would. (A batch's own keys are unique, Validate checks it, so only batches sharing a
// source repeat keys.)
func (p *packed) sortKeys() {
	n := len(p.keys)
	keys, vals := p.keys, p.vals
	k2, v2 := make([]uint64, n), make([]float64, n)
	var varies uint64
	for _, k := range keys {
		varies |= k ^ keys[0]
	}
	for shift := uint(0); shift < 64; shift += 8 {
		if (varies>>shift)&0xff == 0 {
			continue
		}
		var count [257]int
		for _, k := range keys {
			count[(k>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for i, k := range keys {
			b := (k >> shift) & 0xff
			k2[count[b]], v2[count[b]] = k, vals[i]
			count[b]++
		}
		keys, vals, k2, v2 = k2, v2, keys, vals
	}
	w := 0
	for i := range keys {
		if w > 0 && keys[w-1] == keys[i] {
			vals[w-1] = vals[i]
			continue
		}
		keys[w], vals[w] = keys[i], vals[i]
		w++
	}
	p.keys, p.vals = keys[:w], vals[:w]
}
