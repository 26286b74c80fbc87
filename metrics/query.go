package metrics

import (
	"context"
	"strings"
	"time"

	cw "cryptoweekly"
)

// q holds the store's Reader with the query shapes the sections share.
type q struct {
	ctx context.Context
	rd  cw.Reader
}

// pair is one entity's value at the two compared days, from one (metric, source) series.
type pair struct {
	entity, metric, source string
	v0, v1                 *float64
}

// pairs reads the values of the entity (or, with a trailing "%", every entity with the prefix)
// for the given metrics at d0 and d1.
func (x q) pairs(like string, metrics []string, d0, d1 time.Time) ([]pair, error) {
	pq := cw.PairQuery{D0: d0, D1: d1}
	if p, ok := strings.CutSuffix(like, "%"); ok {
		pq.Prefix = p
	} else {
		pq.Entity = like
	}
	for _, m := range metrics {
		pq.Metrics = append(pq.Metrics, cw.Metric(m))
	}
	ps, err := x.rd.Pairs(x.ctx, pq)
	if err != nil {
		return nil, err
	}
	out := make([]pair, len(ps))
	for i, p := range ps {
		out[i] = pair{entity: p.Entity, metric: string(p.Metric), source: string(p.Source), v0: p.V0, v1: p.V1}
	}
	return out, nil
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
	pts, err := x.rd.Daily(x.ctx, entity, cw.Metric(metric), cw.SourceID(source), from, to)
	if err != nil {
		return nil, nil, err
	}
	vs := make([]float64, len(pts))
	ds := make([]time.Time, len(pts))
	for i, p := range pts {
		vs[i], ds[i] = p.Value, p.Day
	}
	return vs, ds, nil
}

// snapshotDay returns the newest day <= at (and > notBefore) on which source has metric
// observations, or zero.
func (x q) snapshotDay(source, metric string, notBefore, at time.Time) (time.Time, error) {
	return x.rd.LatestDay(x.ctx, cw.SourceID(source), cw.Metric(metric), notBefore, at)
}

// entityInfo is the metadata the sections print.
type entityInfo struct {
	name, symbol, category string
	parent                 string
	chains                 []string
	tags                   map[string]bool
	attrs                  map[string]string
}

// entities loads metadata for the given IDs; an unknown ID gets empty metadata.
func (x q) entities(ids []string) (map[string]*entityInfo, error) {
	es, err := x.rd.Entities(x.ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*entityInfo, len(ids))
	for _, id := range ids {
		e := es[id]
		info := &entityInfo{name: e.Name, symbol: e.Symbol, category: e.Category, parent: e.Parent, chains: e.Chains,
			tags: map[string]bool{}, attrs: map[string]string{}}
		for _, t := range e.Tags {
			info.tags[t] = true
		}
		for k, v := range e.Attrs {
			info.attrs[k] = v
		}
		out[id] = info
	}
	return out, nil
}

// sources loads the provenance records cited.
func (x q) sources(ids map[string]bool) ([]cw.Provenance, error) {
	list := make([]cw.SourceID, 0, len(ids))
	for id := range ids {
		list = append(list, cw.SourceID(id))
	}
	return x.rd.Sources(x.ctx, list)
}
