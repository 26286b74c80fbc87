package defillama

import (
	"strings"

	cw "cryptoweekly"
)

// DefiLlama labels chains twice: /protocols and /protocol/{slug} use the OLD display names
// (chainLabelMap: "Binance", "xDai", "Optimism", "Klaytn", ...) while /v2/chains,
// /v2/historicalChainTvl/{chain}, stablecoins and the dimension overviews use the NEW ones
// (newChainLabelMap: "BSC", "Gnosis", "OP Mainnet", "Kaia", "Hyperliquid L1", ...). Dimension
// overview paths also accept lower-case slugs ("era" for zkSync Era). This one table maps every
// spelling to one lower-case chain id, so entity IDs are "chain:<id>" whatever endpoint named it.

// chainAliases: id -> every spelling seen (old label, new label, slugs). The first entry is the
// NEW display name, used when asking /v2/historicalChainTvl/{chain} and /overview/dexs/{chain}.
var chainAliases = map[string][]string{
	"ethereum":        {"Ethereum", "Ethereum Mainnet", "Mainnet", "ETH"},
	"bsc":             {"BSC", "Binance", "BNB Chain", "BNB Smart Chain", "BNB", "Binance Smart Chain"},
	"arbitrum":        {"Arbitrum", "Arbitrum One"},
	"arbitrum-nova":   {"Arbitrum Nova", "arbitrum_nova"},
	"optimism":        {"OP Mainnet", "Optimism", "OP"},
	"polygon":         {"Polygon", "Polygon POS", "Polygon PoS", "Matic"},
	"polygon-zkevm":   {"Polygon zkEVM", "polygon_zkevm"},
	"avalanche":       {"Avalanche", "Avax", "Avalanche C-Chain"},
	"solana":          {"Solana"},
	"base":            {"Base"},
	"tron":            {"Tron", "TRON"},
	"sui":             {"Sui"},
	"bitcoin":         {"Bitcoin"},
	"zksync-era":      {"ZKsync Era", "zkSync Era", "era", "zksync era", "zksync"},
	"hyperliquid":     {"Hyperliquid L1", "Hyperliquid"},
	"hyperevm":        {"HyperEVM"},
	"gnosis":          {"Gnosis", "xDai", "xdai", "Gnosis Chain"},
	"kaia":            {"Kaia", "Klaytn"},
	"terra-classic":   {"Terra Classic", "Terra", "terra"},
	"cronos":          {"Cronos"},
	"fantom":          {"Fantom"},
	"sonic":           {"Sonic"},
	"mantle":          {"Mantle"},
	"linea":           {"Linea"},
	"scroll":          {"Scroll"},
	"blast":           {"Blast"},
	"aptos":           {"Aptos"},
	"ton":             {"TON", "Ton"},
	"near":            {"Near", "NEAR"},
	"starknet":        {"Starknet", "StarkNet"},
	"berachain":       {"Berachain"},
	"sei":             {"Sei"},
	"core":            {"CORE", "Core"},
	"cardano":         {"Cardano"},
	"osmosis":         {"Osmosis"},
	"thorchain":       {"Thorchain", "THORChain"},
	"stacks":          {"Stacks"},
	"kava":            {"Kava"},
	"celo":            {"Celo"},
	"unichain":        {"Unichain"},
	"algorand":        {"Algorand"},
	"pulsechain":      {"PulseChain", "Pulse"},
	"eclipse":         {"Eclipse"},
	"movement":        {"Movement"},
	"plasma":          {"Plasma"},
	"katana":          {"Katana"},
	"multiversx":      {"MultiversX", "Elrond"},
	"cosmoshub":       {"CosmosHub", "Cosmos"},
	"ethereumclassic": {"EthereumClassic", "Ethereum Classic"},
}

var chainByAlias = func() map[string]string {
	m := map[string]string{}
	for id, names := range chainAliases {
		m[id] = id
		for _, n := range names {
			m[aliasKey(n)] = id
		}
	}
	return m
}()

func aliasKey(s string) string {
	return strings.ReplaceAll(cw.NormKey(strings.ReplaceAll(s, "_", " ")), "-", " ")
}

// ChainID maps any DefiLlama chain label (old or new display name, slug, any case) to the
// lower-case id used in "chain:<id>" entity IDs: "Binance" and "BSC" -> "bsc", "Optimism" and
// "OP Mainnet" -> "optimism". Unknown labels fall back to NormKey ("Foo Chain" -> "foo-chain").
func ChainID(name string) string {
	if id, ok := chainByAlias[aliasKey(name)]; ok {
		return id
	}
	return cw.NormKey(strings.ReplaceAll(name, "_", "-"))
}

// ChainName returns the NEW DefiLlama display name for a chain label or id ("Binance" ->
// "BSC", "optimism" -> "OP Mainnet"); unknown labels are returned trimmed.
func ChainName(nameOrID string) string {
	if id, ok := chainByAlias[aliasKey(nameOrID)]; ok {
		return chainAliases[id][0]
	}
	return strings.TrimSpace(nameOrID)
}

// ChainEntityID is "chain:" + ChainID(name).
func ChainEntityID(name string) string { return string(cw.KindChain) + ":" + ChainID(name) }

// ChainEntity is the entity of a chain label from any DefiLlama payload, live or bundled:
// "chain:<id>" named by DefiLlama's current display name, so "Optimism" in an old export and
// "OP Mainnet" from /v2/chains are one row with one name.
func ChainEntity(label string) cw.Entity {
	n := ChainName(label)
	return cw.Entity{ID: ChainEntityID(label), Kind: cw.KindChain, Name: n, Attrs: map[string]string{"defillama_name": n}}
}

// ChainNames maps a protocol's chain labels (old or new) to DefiLlama's current display names,
// dropping blanks and repeats (two labels of one chain count once), in the given order.
// Protocol entities list their chains this way in every payload, so the report prints
// "OP Mainnet" whichever endpoint or file a protocol came from.
func ChainNames(labels []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range labels {
		id := ChainID(l)
		if cw.NormKey(l) == "" || id == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, ChainName(l))
	}
	return out
}

// extraTVLKeys are DefiLlama's non-chain breakdown keys of currentChainTvls; they appear bare
// ("borrowed") or as a chain suffix ("Solana-borrowed").
var extraTVLKeys = []string{"borrowed", "staking", "pool2", "vesting", "offers", "treasury", "doublecounted", "liquidstaking", "dcAndLsOverlap"}

// isChainKey tells a chain key of currentChainTvls from a breakdown key.
func isChainKey(k string) bool {
	for _, x := range extraTVLKeys {
		if k == x || strings.HasSuffix(k, "-"+x) {
			return false
		}
	}
	return strings.TrimSpace(k) != ""
}
