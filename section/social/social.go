// Package social is the report's social section: the week's hot topics (LunarCrush) and, without
// them, what was searched most (CoinGecko trending).
package social

import (
	"fmt"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/provider/lunarcrush"
	"cryptoweekly/report"
)

// Section computes the social block.
type Section struct{}

// Topic is a ranked social or search-interest topic.
type Topic struct {
	Rank   int     `json:"rank"`
	Name   string  `json:"name"`
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
	Source string  `json:"source"`
}

// Block is the hot topics.
type Block struct {
	report.Base
	Topics []Topic `json:"topics"`
}

// Social topics rank before search interest.
var metrics = []cw.Metric{cw.MetricTopicRank, cw.MetricTrendRank}

func (Section) Name() string           { return "social" }
func (Section) NewBlock() report.Block { return new(Block) }
func (Section) Feeds(report.Config) []cw.SourceID {
	return []cw.SourceID{lunarcrush.SourceTopics, coingecko.SourceTrending}
}
func (Section) CoverageColumn() string { return "social" }
func (Section) Core() bool             { return false }
func (Section) Selectors(report.Config) []cw.Selector {
	return []cw.Selector{{Prefix: "topic:"}}
}
func (Section) CoverageStatus(c []map[time.Time]int, end time.Time, _ report.Config) report.Status {
	k := report.DaysIn(c[0], end)
	return report.Level(k > 0, k > 0, fmt.Sprintf("%d/7 days", k))
}

func (Section) Compute(env *report.Env) (report.Block, error) {
	s := &Block{}
	obs, err := env.Reader.Latest(env.Ctx, "topic:", metrics, env.Start, env.End)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(obs, func(i, j int) bool {
		mi, mj := indexOf(obs[i].Metric), indexOf(obs[j].Metric)
		if mi != mj {
			return mi < mj
		}
		if obs[i].Value != obs[j].Value {
			return obs[i].Value < obs[j].Value
		}
		return obs[i].Entity < obs[j].Entity
	})
	obs = obs[:min(10, len(obs))]
	ids := make([]string, len(obs))
	for i, o := range obs {
		ids[i] = o.Entity
	}
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, o := range obs {
		name := info[o.Entity].Name
		if name == "" {
			name = strings.TrimPrefix(o.Entity, "topic:")
		}
		env.Cite(string(o.Source))
		s.Topics = append(s.Topics, Topic{Rank: len(s.Topics) + 1, Name: name, Metric: string(o.Metric), Value: o.Value, Source: string(o.Source)})
	}
	if len(s.Topics) == 0 {
		s.Unavailable = "no social or search-interest data for this week (none is bundled); LunarCrush topics (with a key) or CoinGecko /search/trending (keyless, search interest) via ingest fill it"
	}
	return s, nil
}

func indexOf(m cw.Metric) int {
	for i, x := range metrics {
		if x == m {
			return i
		}
	}
	return len(metrics)
}

func (b *Block) Title() string { return "Social hot topics" }

func (b *Block) Cites() []string {
	out := make([]string, 0, len(b.Topics))
	for _, t := range b.Topics {
		out = append(out, t.Source)
	}
	return out
}

func (b *Block) Layout() []report.Element {
	t := report.Tab("rank:", "topic", "measure", "source")
	for _, x := range b.Topics {
		t.Row(report.Lf("%d", x.Rank), report.T(x.Name), report.Lf("%s %.0f", x.Metric, x.Value), report.C(x.Source))
	}
	return append([]report.Element{t}, report.Notes(b.Notes)...)
}
