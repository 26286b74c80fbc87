// Package all lists the report's sections in report order, which is also their numbering: one
// line per section. Importing it registers them.
package all

import (
	"cryptoweekly/report"
	"cryptoweekly/section/categories"
	"cryptoweekly/section/chains"
	"cryptoweekly/section/defi"
	"cryptoweekly/section/derivatives"
	"cryptoweekly/section/dex"
	"cryptoweekly/section/etf"
	"cryptoweekly/section/events"
	"cryptoweekly/section/macro"
	"cryptoweekly/section/market"
	"cryptoweekly/section/protocols"
	"cryptoweekly/section/sectors"
	"cryptoweekly/section/sentiment"
	"cryptoweekly/section/social"
	"cryptoweekly/section/stablecoins"
	"cryptoweekly/section/technicals"
	"cryptoweekly/section/tokens"
)

// Sections in report order.
var Sections = []report.Section{
	sentiment.Section{},
	market.Section{},
	stablecoins.Section{},
	etf.Section{},
	defi.Section{},
	chains.Section{},
	protocols.Section{},
	dex.Section{},
	tokens.Section{},
	sectors.Section{},
	categories.Section{},
	derivatives.Section{},
	technicals.Section{},
	social.Section{},
	macro.Section{},
	events.Section{},
}

func init() { report.Register(Sections...) }
