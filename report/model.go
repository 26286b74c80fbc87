// Package report is the one page model of the weekly report: plain, JSON-able structs that the
// metrics fill and the renderers (render/) print. Nothing here queries data; renderers never
// compute numbers, so Markdown, JSON and HTML always agree.
package report

import cw "cryptoweekly"

// Change is a figure compared between two dates: the unit of almost every sentence in the report.
// A nil pointer means "not available"; Unavailable then says why. From/To are the dates actually
// used, which for weekly or monthly snapshots differ from the week's ends (Note says so).
type Change struct {
	Label       string   `json:"label"`
	Entity      string   `json:"entity,omitempty"`
	Unit        string   `json:"unit"`       // "USD", "index", "%", "ratio"
	Definition  string   `json:"definition"` // definition id, see Methodology.Definitions
	Source      string   `json:"source"`     // provenance id
	From        string   `json:"from,omitempty"`
	To          string   `json:"to,omitempty"`
	Start       *float64 `json:"start"`
	End         *float64 `json:"end"`
	Abs         *float64 `json:"abs_change"`
	Pct         *float64 `json:"pct_change"`
	Note        string   `json:"note,omitempty"`
	Unavailable string   `json:"unavailable,omitempty"`
}

// Available reports whether both ends are known.
func (c Change) Available() bool { return c.Start != nil && c.End != nil }

// Section holds what every section has: whether it could be filled and, if not, why and which
// live source would fill it.
type Section struct {
	Unavailable string   `json:"unavailable,omitempty"`
	Notes       []string `json:"notes,omitempty"`
}

// Report is the whole weekly report.
type Report struct {
	Title       string `json:"title"`
	WeekStart   string `json:"week_start"` // exclusive: the week is (WeekStart, WeekEnd]
	WeekEnd     string `json:"week_end"`
	GeneratedAt string `json:"generated_at"`
	Store       string `json:"store"` // where the data was read from

	Overview    []string           `json:"overview"`
	Sentiment   SentimentSection   `json:"sentiment"`
	Stablecoins StablecoinSection  `json:"stablecoins"`
	DeFi        DeFiSection        `json:"defi"`
	Chains      ChainSection       `json:"chains"`
	Protocols   ProtocolSection    `json:"protocols"`
	DEX         DEXSection         `json:"dex"`
	Tokens      TokenSection       `json:"tokens"`
	Sectors     SectorSection      `json:"sectors"`
	Derivatives DerivativesSection `json:"derivatives"`
	Social      SocialSection      `json:"social"`
	Events      EventSection       `json:"events"`
	Outlook     OutlookSection     `json:"outlook"`
	Methodology Methodology        `json:"methodology"`
	Sources     []cw.Provenance    `json:"sources"`
	Ingest      []cw.IngestRun     `json:"ingest,omitempty"` // the last live ingest run of each source
}

// SentimentSection: the Fear & Greed index over the week.
type SentimentSection struct {
	Section
	Index     Change  `json:"index"`
	StartZone string  `json:"start_zone,omitempty"`
	EndZone   string  `json:"end_zone,omitempty"`
	Min       *Point  `json:"min,omitempty"`
	Max       *Point  `json:"max,omitempty"`
	Daily     []Point `json:"daily,omitempty"`
}

// Point is one dated value.
type Point struct {
	Day   string  `json:"day"`
	Value float64 `json:"value"`
	Zone  string  `json:"zone,omitempty"`
}

// StablecoinSection: supply of the large USD stablecoins.
type StablecoinSection struct {
	Section
	Coins []Change `json:"coins"` // USDT, USDC, …: Abs is the net USD flow
	Total Change   `json:"total"`
}

// DeFiSection: total DeFi TVL.
type DeFiSection struct {
	Section
	TotalTVL Change `json:"total_tvl"`
}

// ChainSection: chain TVL.
type ChainSection struct {
	Section
	MinTVL    float64    `json:"min_tvl"`
	All       []Change   `json:"all"`        // every chain with data at both ends, by end TVL
	TopGrowth []Change   `json:"top_growth"` // top N by % growth above MinTVL
	Spotlight *Spotlight `json:"spotlight,omitempty"`
}

// Spotlight is the fastest-growing chain above the floor, with its protocols where known.
type Spotlight struct {
	Chain     Change     `json:"chain"`
	Protocols []Protocol `json:"protocols"`
	Note      string     `json:"note,omitempty"`
}

// Protocol is a protocol's TVL change with its metadata.
type Protocol struct {
	Change
	Category string   `json:"category"`
	Chains   []string `json:"chains"`
}

// ProtocolSection: protocols by TVL growth and TVL by category.
type ProtocolSection struct {
	Section
	MinTVL     float64    `json:"min_tvl"`
	Considered int        `json:"considered"` // protocols with history at both ends
	TopGrowth  []Protocol `json:"top_growth"`
	ByCategory []Category `json:"by_category"`
}

// Category is a category's summed TVL over the protocols with history in it.
type Category struct {
	Change
	Protocols int `json:"protocols"`
}

// DEXSection: DEX TVL and volume.
type DEXSection struct {
	Section
	TVL          Change   `json:"tvl"`
	WeeklyVolume Change   `json:"weekly_volume"` // sum of daily volume over the week vs the week before
	YearHigh     *bool    `json:"year_high,omitempty"`
	YearHighNote string   `json:"year_high_note,omitempty"`
	ByChain      []Change `json:"by_chain,omitempty"`
}

// Token is one token's weekly performance.
type Token struct {
	Change            // price change
	Symbol    string  `json:"symbol"`
	Name      string  `json:"name"`
	MarketCap float64 `json:"market_cap"`
	Volume24h float64 `json:"volume_24h"`
}

// TokenSection: gainers, memes, BTC against alts.
type TokenSection struct {
	Section
	Universe       int      `json:"universe"` // tokens with prices at both snapshots
	Source         string   `json:"source"`
	From           string   `json:"from"`
	To             string   `json:"to"`
	Excluded       []string `json:"excluded"` // "12 stablecoins", …
	TopGainers     []Token  `json:"top_gainers"`
	TopLosers      []Token  `json:"top_losers"`
	MemeGainers    []Token  `json:"meme_gainers"`
	BTC            *Token   `json:"btc,omitempty"`
	AltMedian      *float64 `json:"alt_median_pct,omitempty"`
	AltCapWeighted *float64 `json:"alt_cap_weighted_pct,omitempty"`
	AltCount       int      `json:"alt_count"`
	BTCDominance   Change   `json:"btc_dominance"`
}

// Sector is a market-cap-weighted sector ("track") index for the week.
type Sector struct {
	Name         string        `json:"name"`
	Tags         []string      `json:"tags"`
	Return       *float64      `json:"return_pct"`
	MarketCap    float64       `json:"market_cap"` // at the start snapshot
	Constituents int           `json:"constituents"`
	Top          []Constituent `json:"top"`
}

// Constituent is a token's weight and return in a sector.
type Constituent struct {
	Symbol string  `json:"symbol"`
	Name   string  `json:"name"`
	Weight float64 `json:"weight_pct"`
	Return float64 `json:"return_pct"`
}

// SectorSection: sector indices.
type SectorSection struct {
	Section
	Source    string   `json:"source"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Weighting string   `json:"weighting"` // "market-cap-weighted", or with the cap applied
	TagNote   string   `json:"tag_note"`
	Sectors   []Sector `json:"sectors"`
	Best      string   `json:"best,omitempty"`
	Worst     string   `json:"worst,omitempty"`
}

// DerivativesSection: open interest.
type DerivativesSection struct {
	Section
	OpenInterest []Change `json:"open_interest"` // per coin, summed over its contracts
}

// SocialSection: hot topics.
type SocialSection struct {
	Section
	Topics []Topic `json:"topics"`
}

// Topic is a ranked social or search-interest topic.
type Topic struct {
	Rank   int     `json:"rank"`
	Name   string  `json:"name"`
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
	Source string  `json:"source"`
}

// EventSection: next week's calendar and the week's regulatory news.
type EventSection struct {
	Section
	From       string  `json:"from"` // exclusive
	To         string  `json:"to"`
	Upcoming   []Event `json:"upcoming"`
	Regulatory []Event `json:"regulatory"`
}

// Event is a dated calendar or news item.
type Event struct {
	Date   string   `json:"date"`
	Time   string   `json:"time,omitempty"` // US Eastern
	Kind   string   `json:"kind"`
	Title  string   `json:"title"`
	Link   string   `json:"link,omitempty"`
	Tags   []string `json:"tags,omitempty"`
	Source string   `json:"source"`
}

// OutlookSection: analyst notes, or what moved most.
type OutlookSection struct {
	Section
	FromNotes string   `json:"from_notes,omitempty"` // path of the notes file used
	Markdown  string   `json:"markdown,omitempty"`   // the analyst's text, as written
	Items     []string `json:"items,omitempty"`      // data-driven items when there are no notes
}

// Methodology lists floors, filters and definitions used.
type Methodology struct {
	Settings    []Setting    `json:"settings"`
	Definitions []Definition `json:"definitions"`
	Rules       []string     `json:"rules"`
}

// Setting is one configurable value as used.
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Definition explains a definition id used by figures.
type Definition struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}
