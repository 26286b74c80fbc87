package report

import (
	"fmt"
	"sort"
	"strings"

	cw "cryptoweekly"
)

// methodology prints every floor, filter and definition the figures used.
func methodology(env *Env, r *Report) {
	m := &r.Methodology
	c := env.Config
	joinTags := func(s []string) string { return strings.Join(s, ", ") }
	m.Settings = []Setting{
		{Name: "week", Value: fmt.Sprintf("(%s, %s] in UTC days; week-over-week figures compare %s with %s unless they give their own dates (a weekly series or a price snapshot compares the nearest days it has, named beside each figure)", r.WeekStart, r.WeekEnd, r.WeekStart, r.WeekEnd)},
		{Name: "top N", Value: fmt.Sprint(c.TopN)},
		{Name: "chain TVL floor", Value: USD(c.ChainMinTVL)},
		{Name: "protocol TVL floor (at week end)", Value: USD(c.ProtocolMinTVL)},
		{Name: "token 24h-volume floor (at the end snapshot)", Value: USD(c.TokenMinVolume)},
		{Name: "price sources, in order of preference", Value: joinTags(c.PriceSources)},
		{Name: "stablecoin tags (excluded from gainers)", Value: joinTags(c.StableTags)},
		{Name: "wrapped/staked tags (excluded from gainers)", Value: joinTags(c.WrappedTags) + "; plus names with wrapped/staked/bridged and symbols like WBTC, stETH"},
		{Name: "meme tags (listed as meme gainers)", Value: joinTags(c.MemeTags)},
		{Name: "protocol categories not ranked", Value: joinTags(c.ProtocolExcludeCategories)},
		{Name: "sector constituent weight cap", Value: capText(c.SectorWeightCap)},
	}
	for _, s := range c.Sectors {
		m.Settings = append(m.Settings, Setting{Name: "sector " + s.Name, Value: joinTags(s.Tags)})
	}
	ids := make([]string, 0, len(env.defs))
	for id := range env.defs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		m.Definitions = append(m.Definitions, Definition{ID: id, Text: cw.DefinitionText(cw.DefinitionID(id))})
	}
	m.Rules = []string{
		"A figure the data cannot support is shown as unavailable with the reason; nothing is interpolated or invented.",
		"Weekly or monthly snapshot series use the latest snapshot on or before each end of the week, and the report names the dates used.",
		"Sector returns are market-cap-weighted by market cap at the start snapshot; stablecoins are never sector constituents.",
		"Overview and outlook sentences are built only from figures printed in the sections.",
		"cryptoweekly is an analysis tool: nothing here is investment advice or a trading service.",
	}
}

func capText(c float64) string {
	if c <= 0 {
		return "none (pure market-cap weights)"
	}
	return fmt.Sprintf("%g%%, excess redistributed pro rata", c)
}
