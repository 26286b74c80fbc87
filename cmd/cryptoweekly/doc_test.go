package main

import (
	cw "cryptoweekly"
	"cryptoweekly/report"
	"cryptoweekly/section/categories"
	"cryptoweekly/section/chains"
	"cryptoweekly/section/defi"
	"cryptoweekly/section/derivatives"
	"cryptoweekly/section/dex"
	"cryptoweekly/section/events"
	"cryptoweekly/section/macro"
	"cryptoweekly/section/protocols"
	"cryptoweekly/section/sectors"
	"cryptoweekly/section/sentiment"
	"cryptoweekly/section/social"
	"cryptoweekly/section/stablecoins"
	"cryptoweekly/section/tokens"
)

// doc is report.json read back with every section typed, as a reader of the file sees it.
type doc struct {
	Title       string                `json:"title"`
	WeekStart   string                `json:"week_start"`
	WeekEnd     string                `json:"week_end"`
	GeneratedAt string                `json:"generated_at"`
	Store       string                `json:"store"`
	Overview    []string              `json:"overview"`
	Sentiment   sentiment.Block       `json:"sentiment"`
	Stablecoins stablecoins.Block     `json:"stablecoins"`
	DeFi        defi.Block            `json:"defi"`
	Chains      chains.Block          `json:"chains"`
	Protocols   protocols.Block       `json:"protocols"`
	DEX         dex.Block             `json:"dex"`
	Tokens      tokens.Block          `json:"tokens"`
	Sectors     sectors.Block         `json:"sectors"`
	Categories  categories.Block      `json:"categories"`
	Derivatives derivatives.Block     `json:"derivatives"`
	Social      social.Block          `json:"social"`
	Macro       macro.Block           `json:"macro"`
	Events      events.Block          `json:"events"`
	Outlook     report.OutlookSection `json:"outlook"`
	Methodology report.Methodology    `json:"methodology"`
	Sources     []cw.Provenance       `json:"sources"`
	Ingest      []cw.IngestRun        `json:"ingest"`
}
