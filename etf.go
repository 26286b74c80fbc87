package cryptoweekly

import "strings"

// The spot ETF vocabulary several providers share: Farside's bundled tables, DefiLlama's ETF
// export and Pro routes, and SoSoValue's API all store their flows on the same entities and
// metrics, each under its own SourceID, so the ETF section can tell them apart and splice them.
const (
	// MetricETFFlow is the net flow (creations minus redemptions) of one fund, or of all of an
	// asset's funds, on one US trading day, in USD.
	MetricETFFlow Metric = "etf_flow_usd"
	// MetricETFAUM is a fund's (or all of an asset's funds') net assets on a day, in USD.
	MetricETFAUM Metric = "etf_aum_usd"
	// MetricETFCumFlow is the cumulative net flow since launch as the source reports it, in USD:
	// a source that knows the whole history says it even when only its last month is fetched.
	MetricETFCumFlow Metric = "etf_cum_flow_usd"
)

// ETFTotalEntity is the entity of an asset's total US spot ETF flow ("index:spot-etf-btc").
func ETFTotalEntity(asset string) string { return EntityID(KindIndex, "spot-etf-"+asset) }

// ETFFundEntity is a fund's entity ("fund:ibit").
func ETFFundEntity(ticker string) string { return EntityID(KindFund, ticker) }

// ETFTotal is the entity record of an asset's funds taken together. Every source writes the same
// name and symbol, so the store's entity is the same whichever source wrote last.
func ETFTotal(asset string) Entity {
	up := strings.ToUpper(asset)
	return Entity{ID: ETFTotalEntity(asset), Kind: KindIndex, Name: "US spot " + up + " ETFs, all funds", Symbol: up}
}

// ETFFund is a fund's entity record: its ticker as name and symbol, the asset it holds as parent
// (the section groups funds by it). Sources with more to say (an issuer, a full name) add Attrs.
func ETFFund(ticker, asset string) Entity {
	return Entity{ID: ETFFundEntity(ticker), Kind: KindFund, Name: ticker, Symbol: ticker, Parent: EntityID(KindAsset, asset)}
}
