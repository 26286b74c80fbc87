package defillama

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
)

// Provenance IDs, one per endpoint family. The bundled files use the same id where they hold the
// same series (chain TVL, protocol TVL, per-coin stablecoin supply).
const (
	SourceProtocols   = cw.SourceID("defillama-protocols")
	SourceProtocolTVL = cw.SourceID("defillama-protocol-tvl")
	SourceDefiTVL     = cw.SourceID("defillama-defi-tvl")
	SourceChainTVL    = cw.SourceID("defillama-chain-tvl")
	SourceDexVolume   = cw.SourceID("defillama-dex-volume")
	SourcePerpsVolume = cw.SourceID("defillama-perps-volume")
	SourceStablecoins = cw.SourceID("defillama-stablecoins")
	SourceCoins       = cw.SourceID("defillama-coins")

	// Bundled only (provider/defillama/files.go): series no live endpoint of ours stores.
	SourceProtocolsList        = cw.SourceID("defillama-protocols-list")
	SourceDefiTVLLegacy        = cw.SourceID("defillama-defi-tvl-legacy")
	SourceStablecoinsTotal     = cw.SourceID("defillama-stablecoins-total")
	SourceChainTVLSolanaCharts = cw.SourceID("defillama-chain-tvl-solana-charts")
)

// Entity IDs of the aggregate series.
const (
	EntityDefiTVL          = "index:defi-tvl"
	EntityDexTotal         = "index:dex-total"
	EntityStablecoinsTotal = "index:stablecoins-usd-total"
)

const (
	Provider = "DefiLlama"
	Licence  = "DefiLlama API: free, open data; attribution"
)

// ExcludedSnapshotCategories are /protocols rows that get an entity but no tvl observation: CEX
// rows are exchange reserves (custodial wallets, not DeFi deposits) and Chain rows restate a chain's
// own TVL. DefiLlama itself drops both from its rankings (storeGetProtocols filters Chain) and
// its charts (excludeProtocolInCharts: Chain, CEX, Infrastructure, Staking Pool, Bridge). The other
// chart-excluded categories keep their tvl (they are real protocol deposits); metrics filter them
// by category when ranking "DeFi".
var ExcludedSnapshotCategories = map[string]bool{"CEX": true, "Chain": true}

var notes = map[cw.SourceID]string{
	SourceProtocols: "Snapshot of api.llama.fi/protocols on the fetch day: tvl = the protocol's latest hourly TVL (USD), " +
		"excluding staking, pool2 and borrowed, INCLUDING assets double counted across protocols; " +
		"rows of category CEX and Chain have no tvl observation. Chains are DefiLlama's OLD labels mapped to chain ids.",
	SourceProtocolTVL: "Daily protocol TVL (USD) from api.llama.fi/protocol/{slug} tvl[].totalLiquidityUSD at 00:00 UTC; " +
		"excludes staking, pool2 and borrowed; the latest hourly (intraday) point is dropped so a day's value never changes.",
	SourceDefiTVL: "DefiLlama default (v2) total DeFi TVL, api.llama.fi/v2/historicalChainTvl: tvl - doublecounted - liquid staking + overlap; " +
		"excludes categories Chain, CEX, Infrastructure, Staking Pool, Bridge and (chain TVL) RWA, Basis Trading, CeDeFi. " +
		"Daily at 00:00 UTC; the intraday last point is dropped.",
	SourceChainTVL: "DefiLlama default (v2) chain TVL, api.llama.fi/v2/historicalChainTvl/{chain}: excludes liquid staking and double counting " +
		"(tvl - doublecounted - liquidstaking + overlap) and categories Chain, CEX, Infrastructure, Staking Pool, Bridge, RWA, Basis Trading, CeDeFi. " +
		"Daily at 00:00 UTC; the intraday last point is dropped. Chain entities from /v2/chains (new labels).",
	SourceDexVolume: "DEX spot volume (USD) from api.llama.fi/overview/dexs[/{chain}]: dex_volume = daily bar of totalDataChart (UTC day); " +
		"bars for the fetch day or later are partial and dropped. dex_volume_24h = each protocol's rolling total24h at fetch time " +
		"(global overview only), stored on the fetch day. Aggregators and perps are not included. " +
		"change_7d attrs compare one day with the same day a week earlier; change_7dover7d is the week-over-week figure.",
	SourcePerpsVolume: "Perpetual futures volume (USD), all chains, from api.llama.fi/overview/derivatives: perps_volume = daily bar of totalDataChart (UTC day) " +
		"under index:dex-total, as the bundled export's Perps Volume column; bars for the fetch day or later are partial and dropped. " +
		"Kept apart from DEX spot volume; perps_change_7dover7d is DefiLlama's own week-over-week figure.",
	SourceStablecoins: "Stablecoin circulating supply in USD from stablecoins.llama.fi: circulating_usd series from stablecoincharts/all " +
		"(index = USD-pegged coins only, totalCirculatingUSD.peggedUSD; per coin = sum of its totalCirculatingUSD) at 00:00 UTC, " +
		"fetch-day points dropped; snapshot from /stablecoins (USD pegs 1:1, other pegs x price) only for coins without a fetched series. " +
		"Doublecounted assets are excluded from the totals by DefiLlama.",
	SourceCoins: "Daily USD price from coins.llama.fi/chart (period=1d, CoinGecko-sourced): samples lie near 00:00 UTC and are assigned " +
		"to the nearest UTC midnight; the closest sample wins.",
}

// NewProvenance returns the provenance record of a family; the caller sets Location and FetchedAt.
func NewProvenance(id cw.SourceID) cw.Provenance {
	return cw.Provenance{ID: id, Provider: Provider, Licence: Licence, Note: notes[id]}
}

func newBatch(id cw.SourceID) cw.Batch { return cw.Batch{Source: NewProvenance(id)} }

// ---------------------------------------------------------------------------------------------
// /protocols

type protocolRow struct {
	ID             json.RawMessage `json:"id"`
	Name           json.RawMessage `json:"name"`
	Symbol         json.RawMessage `json:"symbol"`
	URL            json.RawMessage `json:"url"`
	Category       json.RawMessage `json:"category"`
	Slug           json.RawMessage `json:"slug"`
	Chains         json.RawMessage `json:"chains"`
	ParentProtocol json.RawMessage `json:"parentProtocol"`
	GeckoID        json.RawMessage `json:"gecko_id"`
	TVL            json.RawMessage `json:"tvl"`
	Change1d       json.RawMessage `json:"change_1d"`
	Change7d       json.RawMessage `json:"change_7d"`
	Mcap           json.RawMessage `json:"mcap"`
}

func decodeArray(endpoint string, body []byte) ([]json.RawMessage, error) {
	if err := topLevel(endpoint, body, '[', "array"); err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return nil, derr(endpoint, "", "%v", err)
	}
	return items, nil
}

func decodeObject(endpoint, field string, raw json.RawMessage, v any) error {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '{' {
		return derr(endpoint, field, "want an object, got %s", describe(b))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return derr(endpoint, field, "%v", err)
	}
	return nil
}

func chainList(raw json.RawMessage) []string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil // null, 0, or another type: no chains
	}
	var labels []string
	for _, it := range items {
		labels = append(labels, cleanText(flexString(it)))
	}
	return ChainNames(labels)
}

// currentChains lists the chain keys of a /protocol/{slug} currentChainTvls object, sorted, for
// payloads without a chains list (trimmed caches keep only currentChainTvls).
func currentChains(raw json.RawMessage) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var keys []string
	for k := range m {
		if isChainKey(k) {
			keys = append(keys, cleanText(k))
		}
	}
	sort.Strings(keys)
	return ChainNames(keys)
}

func parentID(raw json.RawMessage) string {
	p := cleanText(flexString(raw))
	p = strings.TrimPrefix(p, "parent#")
	if cw.NormKey(p) == "" {
		return ""
	}
	return cw.EntityID(cw.KindProtocol, p)
}

func setAttr(attrs map[string]string, k, v string) {
	if v = cleanText(v); v != "" {
		attrs[k] = v
	}
}

// protocolEntity builds the protocol entity shared by /protocols, /protocol/{slug} and the DEX
// overview. Field paths are for errors.
func protocolEntity(endpoint, field string, name, symbol, category, chains, parent json.RawMessage) (cw.Entity, error) {
	return protocolEntityWith(chainList, endpoint, field, name, symbol, category, chains, parent)
}

// protocolEntityWith is protocolEntity with the chains list decoded by chainsOf (DecodeProtocols
// passes a memoised chainList: thousands of rows share a few hundred distinct chain lists).
func protocolEntityWith(chainsOf func(json.RawMessage) []string, endpoint, field string, name, symbol, category, chains, parent json.RawMessage) (cw.Entity, error) {
	if isMissing(name) || isNull(name) || bytes.TrimSpace(name)[0] != '"' {
		return cw.Entity{}, derr(endpoint, field+"name", "want a string, got %s", describe(name))
	}
	n, err := cleanName(flexString(name))
	if err != nil {
		return cw.Entity{}, derr(endpoint, field+"name", "%v", err)
	}
	if cw.NormKey(n) == "" {
		return cw.Entity{}, derr(endpoint, field+"name", "empty")
	}
	e := cw.Entity{
		ID: cw.EntityID(cw.KindProtocol, n), Kind: cw.KindProtocol, Name: n,
		Category: cleanText(flexString(category)), Chains: chainsOf(chains), Parent: parentID(parent),
		Attrs: map[string]string{},
	}
	if s := cleanText(flexString(symbol)); s != "-" {
		e.Symbol = s
	}
	if e.Parent == e.ID {
		e.Parent = ""
	}
	return e, nil
}

// DecodeProtocols decodes api.llama.fi/protocols (a bare array) into protocol entities and a tvl
// snapshot on the UTC day of fetchedAt. Rows in ExcludedSnapshotCategories get no observation;
// a null tvl gives no observation; a non-numeric or non-finite tvl is an error; a NEGATIVE tvl
// (present in the real list) gives no observation and an attr tvl_error instead of failing the
// whole snapshot. Histories (/protocol, /v2/historicalChainTvl) still reject negatives.
//
// Name collisions: identical rows are merged. Distinct protocols can share a display name (the
// real list has two "mETH Protocol" rows, Liquid Staking and Liquid Restaking); the one with the
// larger tvl keeps protocol:<name>, the others get protocol:<name>-<slug|id|category> and an attr
// name_collision naming the winner, so no row is lost and IDs stay deterministic.
func DecodeProtocols(body []byte, fetchedAt time.Time) (cw.Batch, error) {
	const ep = "/protocols"
	// Fast path: the whole array in one pass (the per-item path validated and walked every
	// byte three times). It is used only when every item decoded as an object; otherwise the
	// item-by-item path below runs and reports exactly as before.
	if err := topLevel(ep, body, '[', "array"); err != nil {
		return cw.Batch{}, err
	}
	var fast []*protocolRow
	if json.Unmarshal(body, &fast) != nil || slices.Contains(fast, nil) {
		fast = nil
	}
	var items []json.RawMessage
	n := len(fast)
	if fast == nil {
		var err error
		if items, err = decodeArray(ep, body); err != nil {
			return cw.Batch{}, err
		}
		n = len(items)
	}
	chainMemo := map[string][]string{}
	chainsOf := func(raw json.RawMessage) []string {
		l, ok := chainMemo[string(raw)]
		if !ok {
			l = chainList(raw)
			chainMemo[string(raw)] = l
		}
		return slices.Clone(l)
	}
	type row struct {
		e      cw.Entity
		tvl    float64
		hasTVL bool
		idx    int
		disamb string
	}
	var rows []row
	for i := 0; i < n; i++ {
		f := fmt.Sprintf("[%d].", i)
		var r protocolRow
		if fast != nil {
			r = *fast[i]
		} else if err := decodeObject(ep, fmt.Sprintf("[%d]", i), items[i], &r); err != nil {
			return cw.Batch{}, err
		}
		e, err := protocolEntityWith(chainsOf, ep, f, r.Name, r.Symbol, r.Category, r.Chains, r.ParentProtocol)
		if err != nil {
			return cw.Batch{}, err
		}
		setAttr(e.Attrs, "slug", flexString(r.Slug))
		setAttr(e.Attrs, "url", flexString(r.URL))
		setAttr(e.Attrs, "defillama_id", flexString(r.ID))
		setAttr(e.Attrs, "gecko_id", flexString(r.GeckoID))
		for _, kv := range [...]struct {
			k   string
			raw json.RawMessage
		}{{"change_1d", r.Change1d}, {"change_7d", r.Change7d}, {"mcap", r.Mcap}} {
			if v, err := flexFloat(kv.raw); err == nil {
				e.Attrs[kv.k] = fmtFloat(v)
			}
		}
		tvl, terr := flexFloat(r.TVL)
		hasTVL := terr == nil
		switch {
		case terr == errNull || terr == errMissing:
			tvl = -1
		case terr != nil:
			return cw.Batch{}, derr(ep, f+"tvl", "%v (protocol %q)", terr, e.Name)
		case tvl < 0:
			// One bad row must not sink the ~7k-row snapshot: the real list carries negative
			// TVLs (a -1,322 USD "Market" row in Dec 2025). DefiLlama's app clamps them to 0; we
			// keep the entity, store no value and flag it.
			e.Attrs["tvl_error"] = "negative tvl " + fmtFloat(tvl) + " reported; not stored"
			hasTVL, tvl = false, -1
		}
		if ExcludedSnapshotCategories[e.Category] {
			e.Attrs["tvl_excluded"] = "category " + e.Category + " is not DeFi TVL"
			hasTVL = false
		}
		disamb := e.Attrs["slug"]
		if disamb == "" || cw.NormKey(disamb) == strings.TrimPrefix(e.ID, "protocol:") {
			disamb = e.Attrs["defillama_id"]
		}
		if disamb == "" {
			disamb = e.Category
		}
		if disamb == "" {
			disamb = fmt.Sprint(i)
		}
		rows = append(rows, row{e: e, tvl: tvl, hasTVL: hasTVL, idx: i, disamb: disamb})
	}
	groups := map[string][]int{}
	for i, r := range rows {
		groups[r.e.ID] = append(groups[r.e.ID], i)
	}
	drop := map[int]bool{}
	for id, g := range groups {
		if len(g) < 2 {
			continue
		}
		sort.SliceStable(g, func(a, b int) bool { return rows[g[a]].tvl > rows[g[b]].tvl })
		winner := rows[g[0]]
		used := map[string]bool{id: true}
		for _, k := range g[1:] {
			r := &rows[k]
			if r.tvl == winner.tvl && reflect.DeepEqual(r.e, winner.e) {
				drop[k] = true // identical duplicate row
				continue
			}
			nid := id + "-" + cw.NormKey(r.disamb)
			for n := 2; used[nid]; n++ {
				nid = fmt.Sprintf("%s-%s-%d", id, cw.NormKey(r.disamb), n)
			}
			used[nid] = true
			r.e.ID = nid
			r.e.Attrs["name_collision"] = "shares its name with " + id
		}
	}
	b := newBatch(SourceProtocols)
	day := cw.Day(fetchedAt)
	for i, r := range rows {
		if drop[i] {
			continue
		}
		b.Entities = append(b.Entities, r.e)
		if r.hasTVL {
			b.Observations = append(b.Observations, cw.Observation{Entity: r.e.ID, Metric: cw.MetricTVL, Day: day, Value: r.tvl, Source: SourceProtocols})
		}
	}
	return b, nil
}

// ---------------------------------------------------------------------------------------------
// /protocol/{slug}

type protocolDetail struct {
	Name           json.RawMessage `json:"name"`
	Symbol         json.RawMessage `json:"symbol"`
	Category       json.RawMessage `json:"category"`
	Chains         json.RawMessage `json:"chains"`
	ParentProtocol json.RawMessage `json:"parentProtocol"`
	URL            json.RawMessage `json:"url"`
	ID             json.RawMessage `json:"id"`
	TVL            json.RawMessage `json:"tvl"`
	ChainTVLs      json.RawMessage `json:"currentChainTvls"`
}

// decodeSeries decodes an array of objects holding a time and a value field. A null value skips
// the point; a missing one is an error (schema drift); negatives are errors when nonNeg.
func decodeSeries(ep, arrField string, raw json.RawMessage, timeKey string, valueKeys []string, nonNeg bool) ([]point, error) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || b[0] != '[' {
		return nil, derr(ep, arrField, "want an array, got %s", describe(b))
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, derr(ep, arrField, "%v", err)
	}
	pts := make([]point, 0, len(items))
	for i, it := range items {
		if it == nil {
			return nil, derr(ep, fmt.Sprintf("%s[%d]", arrField, i), "null element")
		}
		t, err := flexTime(it[timeKey])
		if err != nil {
			return nil, derr(ep, fmt.Sprintf("%s[%d].%s", arrField, i, timeKey), "%v", err)
		}
		key := valueKeys[0]
		for _, k := range valueKeys {
			if _, ok := it[k]; ok {
				key = k
				break
			}
		}
		field := fmt.Sprintf("%s[%d].%s", arrField, i, key)
		v, err := flexFloat(it[key])
		if err == errNull {
			continue
		}
		if err != nil {
			return nil, derr(ep, field, "%v", err)
		}
		if nonNeg {
			if err := nonNegative(ep, field, v); err != nil {
				return nil, err
			}
		}
		pts = append(pts, point{t: t, v: v, field: field})
	}
	return pts, nil
}

// DecodeProtocol decodes api.llama.fi/protocol/{slug}: the protocol entity and its daily tvl
// (tvl[].date seconds, totalLiquidityUSD) under policyDailyClose. The bundled protocol files are
// trimmed responses of the same endpoint and go through it too, so both keep the same days;
// chains come from currentChainTvls when the payload has no chains list. Parents come from
// parentProtocol; LinkParentsBySlug fills the ones a payload does not name.
func DecodeProtocol(body []byte, slug string) (cw.Batch, error) {
	ep := "/protocol/" + slug
	if err := topLevel(ep, body, '{', "object"); err != nil {
		return cw.Batch{}, err
	}
	var d protocolDetail
	if err := json.Unmarshal(body, &d); err != nil {
		return cw.Batch{}, derr(ep, "", "%v", err)
	}
	if isMissing(d.Name) && slug != "" { // trimmed caches may omit metadata
		d.Name, _ = json.Marshal(slug)
	}
	e, err := protocolEntity(ep, "", d.Name, d.Symbol, d.Category, d.Chains, d.ParentProtocol)
	if err != nil {
		return cw.Batch{}, err
	}
	if len(e.Chains) == 0 {
		e.Chains = currentChains(d.ChainTVLs)
	}
	setAttr(e.Attrs, "slug", slug)
	setAttr(e.Attrs, "url", flexString(d.URL))
	setAttr(e.Attrs, "defillama_id", flexString(d.ID))
	pts, err := decodeSeries(ep, "tvl", d.TVL, "date", []string{"totalLiquidityUSD", "tvl"}, true)
	if err != nil {
		return cw.Batch{}, err
	}
	days, err := reduceDays(ep, pts, policyDailyClose, time.Time{})
	if err != nil {
		return cw.Batch{}, err
	}
	b := newBatch(SourceProtocolTVL)
	b.Entities = []cw.Entity{e}
	obs, err := checkedObservations(ep, e.ID, cw.MetricTVL, SourceProtocolTVL, days)
	if err != nil {
		return cw.Batch{}, err
	}
	b.Observations = obs
	return b, nil
}

// ---------------------------------------------------------------------------------------------
// /v2/chains and /v2/historicalChainTvl[/{chain}]

// ChainInfo is one /v2/chains row.
type ChainInfo struct {
	Name string // DefiLlama's (new) label, as the per-chain endpoints expect it
	ID   string // ChainID(Name)
	TVL  float64
}

// DecodeChains decodes api.llama.fi/v2/chains into chain entities (in a SourceChainTVL batch with no
// observations) and the rows sorted by TVL descending.
func DecodeChains(body []byte) (cw.Batch, []ChainInfo, error) {
	const ep = "/v2/chains"
	items, err := decodeArray(ep, body)
	if err != nil {
		return cw.Batch{}, nil, err
	}
	type row struct {
		id  string
		e   cw.Entity
		tvl float64
	}
	// Two labels for one chain ("Optimism" and "OP Mainnet" both normalise to one id): the row
	// with the larger TVL is the live one, whatever order the API lists them in.
	best := map[string]int{}
	var rows []row
	for i, raw := range items {
		var r map[string]json.RawMessage
		if err := decodeObject(ep, fmt.Sprintf("[%d]", i), raw, &r); err != nil {
			return cw.Batch{}, nil, err
		}
		if isMissing(r["name"]) || bytes.TrimSpace(r["name"])[0] != '"' {
			return cw.Batch{}, nil, derr(ep, fmt.Sprintf("[%d].name", i), "want a string, got %s", describe(r["name"]))
		}
		name, err := cleanName(flexString(r["name"]))
		if err != nil || cw.NormKey(name) == "" {
			return cw.Batch{}, nil, derr(ep, fmt.Sprintf("[%d].name", i), "bad chain name: %v", err)
		}
		tvl, err := flexFloat(r["tvl"])
		if err == errNull {
			tvl = 0
		} else if err != nil {
			return cw.Batch{}, nil, derr(ep, fmt.Sprintf("[%d].tvl", i), "%v", err)
		}
		if err := nonNegative(ep, fmt.Sprintf("[%d].tvl", i), tvl); err != nil {
			return cw.Batch{}, nil, err
		}
		id := ChainID(name)
		e := cw.Entity{ID: ChainEntityID(id), Kind: cw.KindChain, Name: name, Symbol: cleanText(flexString(r["tokenSymbol"])),
			Attrs: map[string]string{"defillama_name": name, "tvl_snapshot": fmtFloat(tvl)}}
		setAttr(e.Attrs, "gecko_id", flexString(r["gecko_id"]))
		setAttr(e.Attrs, "cmc_id", flexString(r["cmcId"]))
		setAttr(e.Attrs, "chain_id", flexString(r["chainId"]))
		if k, ok := best[id]; ok {
			if tvl > rows[k].tvl {
				rows[k] = row{id, e, tvl}
			}
			continue
		}
		best[id] = len(rows)
		rows = append(rows, row{id, e, tvl})
	}
	b := newBatch(SourceChainTVL)
	var infos []ChainInfo
	for _, r := range rows {
		b.Entities = append(b.Entities, r.e)
		infos = append(infos, ChainInfo{Name: r.e.Name, ID: r.id, TVL: r.tvl})
	}
	sort.SliceStable(infos, func(i, j int) bool { return infos[i].TVL > infos[j].TVL })
	return b, infos, nil
}

// DecodeChainTVL decodes /v2/historicalChainTvl (chain == "": entity index:defi-tvl, provenance
// defillama-defi-tvl) or /v2/historicalChainTvl/{chain} (chain:<id>, defillama-chain-tvl).
// Items are {date, tvl} or the legacy {date:"string", totalLiquidityUSD}. A non-array body (the
// unknown-chain error object some deployments answer with 200) is an error naming the chain.
func DecodeChainTVL(body []byte, chain string) (cw.Batch, error) {
	ep, prov, ent := "/v2/historicalChainTvl", SourceDefiTVL, EntityDefiTVL
	if chain != "" {
		ep, prov, ent = ep+"/"+chain, SourceChainTVL, ChainEntityID(chain)
		if err := checkChainLabel(ep, chain); err != nil {
			return cw.Batch{}, err
		}
	}
	if err := topLevel(ep, body, '[', "array"); err != nil {
		if chain != "" {
			return cw.Batch{}, derr(ep, "", "chain %q: unknown to DefiLlama or error answer: %s", chain, describe(body))
		}
		return cw.Batch{}, err
	}
	pts, err := decodeSeries(ep, "tvl", body, "date", []string{"tvl", "totalLiquidityUSD"}, true)
	if err != nil {
		return cw.Batch{}, err
	}
	days, err := reduceDays(ep, pts, policyDailyClose, time.Time{})
	if err != nil {
		return cw.Batch{}, err
	}
	b := newBatch(prov)
	if chain == "" {
		b.Entities = []cw.Entity{{ID: EntityDefiTVL, Kind: cw.KindIndex, Name: "Total DeFi TVL",
			Attrs: map[string]string{"definition": "tvl.defillama.default"}}}
	} else {
		b.Entities = []cw.Entity{ChainEntity(chain)}
	}
	if b.Observations, err = checkedObservations(ep, ent, cw.MetricTVL, prov, days); err != nil {
		return cw.Batch{}, err
	}
	return b, nil
}

// ---------------------------------------------------------------------------------------------
// /overview/dexs[/{chain}]

// DexOverview carries what Fetch needs besides the batch.
type DexOverview struct {
	AllChains []string // labels accepted by /overview/dexs/{chain}
}

var dexChangeKeys = []string{"change_1d", "change_7d", "change_1m", "change_7dover7d", "change_30dover30d", "total24h", "total7d", "total14dto7d", "total30d"}

// DecodeDexOverview decodes /overview/dexs (chain == "": index:dex-total plus per-protocol
// dex_volume_24h snapshots on fetchedAt's day) or /overview/dexs/{chain} (chain:<id>; protocols
// are ignored there because their total24h is chain-specific and would collide with the global
// figure). totalDataChart bars on or after fetchedAt's UTC day are dropped as partial (the server
// patches today's bar with yesterday's values for late adapters). change_* keys are optional.
func DecodeDexOverview(body []byte, chain string, fetchedAt time.Time) (cw.Batch, DexOverview, error) {
	ep, ent := "/overview/dexs", EntityDexTotal
	var info DexOverview
	if chain != "" {
		ep, ent = ep+"/"+chain, ChainEntityID(chain)
		if err := checkChainLabel(ep, chain); err != nil {
			return cw.Batch{}, info, err
		}
	}
	r, days, err := dimensionChart(ep, body, fetchedAt, cw.MetricDEXVolume)
	if err != nil {
		return cw.Batch{}, info, err
	}
	for _, c := range chainLabels(r["allChains"]) {
		info.AllChains = append(info.AllChains, c)
	}
	b := newBatch(SourceDexVolume)
	e := cw.Entity{ID: ent, Kind: cw.KindIndex, Name: "DEX volume, all chains (DefiLlama)", Attrs: map[string]string{}}
	prefix := ""
	if chain != "" {
		e = cw.Entity{ID: ent, Kind: cw.KindChain, Name: ChainName(chain), Attrs: map[string]string{}}
		prefix = "dex_"
	}
	for _, k := range dexChangeKeys {
		if v, err := flexFloat(r[k]); err == nil {
			e.Attrs[prefix+k] = fmtFloat(v)
		}
	}
	b.Entities = append(b.Entities, e)
	b.Observations = observations(ent, cw.MetricDEXVolume, SourceDexVolume, days)
	if chain != "" {
		return b, info, nil
	}
	var protos []map[string]json.RawMessage
	if p, ok := r["protocols"]; ok && !isNull(p) {
		if err := json.Unmarshal(p, &protos); err != nil {
			return cw.Batch{}, info, derr(ep, "protocols", "want an array of objects: %v", err)
		}
	}
	day := cw.Day(fetchedAt)
	seen := map[string]float64{}
	for i, p := range protos {
		f := fmt.Sprintf("protocols[%d].", i)
		if p == nil {
			return cw.Batch{}, info, derr(ep, fmt.Sprintf("protocols[%d]", i), "null element")
		}
		name := p["name"]
		if isMissing(name) || isNull(name) {
			name = p["displayName"]
		}
		pe, err := protocolEntity(ep, f, name, nil, p["category"], p["chains"], p["parentProtocol"])
		if err != nil {
			return cw.Batch{}, info, err
		}
		setAttr(pe.Attrs, "slug", flexString(p["slug"]))
		setAttr(pe.Attrs, "defillama_id", flexString(p["defillamaId"]))
		for _, k := range dexChangeKeys {
			if v, err := flexFloat(p[k]); err == nil {
				pe.Attrs["dex_"+k] = fmtFloat(v)
			}
		}
		v, err := flexFloat(p["total24h"])
		if err == errNull || err == errMissing {
			if _, dup := seen[pe.ID]; !dup {
				b.Entities = append(b.Entities, pe)
				seen[pe.ID] = math.NaN()
			}
			continue
		}
		if err != nil {
			return cw.Batch{}, info, derr(ep, f+"total24h", "%v", err)
		}
		if err := nonNegative(ep, f+"total24h", v); err != nil {
			return cw.Batch{}, info, err
		}
		if old, dup := seen[pe.ID]; dup && !math.IsNaN(old) {
			if old != v {
				return cw.Batch{}, info, derr(ep, f+"name", "%q listed twice with different total24h (%v vs %v)", pe.Name, old, v)
			}
			continue
		}
		if _, dup := seen[pe.ID]; !dup {
			b.Entities = append(b.Entities, pe)
		}
		seen[pe.ID] = v
		b.Observations = append(b.Observations, cw.Observation{Entity: pe.ID, Metric: MetricDEXVolume24h, Day: day, Value: v, Source: SourceDexVolume})
	}
	return b, info, nil
}

// dimensionChart reads the body of a DefiLlama dimension overview (/overview/dexs,
// /overview/derivatives, …: one shape) and its totalDataChart as one value per UTC day of metric
// m; bars on or after fetchedAt's day are partial and dropped, a null bar is no value, and a bar
// the plausibility table refuses for m is an error naming it (found by fuzzing: 1e16 got as far
// as the batch's validation).
func dimensionChart(ep string, body []byte, fetchedAt time.Time, m cw.Metric) (map[string]json.RawMessage, map[time.Time]float64, error) {
	if err := topLevel(ep, body, '{', "object"); err != nil {
		return nil, nil, err
	}
	var r map[string]json.RawMessage
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, nil, derr(ep, "", "%v", err)
	}
	tdc, ok := r["totalDataChart"]
	if !ok {
		return nil, nil, derr(ep, "totalDataChart", "missing")
	}
	var bars []json.RawMessage
	if !isNull(tdc) {
		if err := json.Unmarshal(tdc, &bars); err != nil {
			return nil, nil, derr(ep, "totalDataChart", "want an array of [time, value]: %v", err)
		}
	}
	pts := make([]point, 0, len(bars))
	for i, bar := range bars {
		var pair []json.RawMessage
		if err := json.Unmarshal(bar, &pair); err != nil || len(pair) < 2 {
			return nil, nil, derr(ep, fmt.Sprintf("totalDataChart[%d]", i), "want [time, value], got %s", describe(bar))
		}
		t, err := flexTime(pair[0])
		if err != nil {
			return nil, nil, derr(ep, fmt.Sprintf("totalDataChart[%d][0]", i), "%v", err)
		}
		field := fmt.Sprintf("totalDataChart[%d][1]", i)
		v, err := flexFloat(pair[1])
		if err == errNull {
			continue
		}
		if err != nil {
			return nil, nil, derr(ep, field, "%v", err)
		}
		if err := nonNegative(ep, field, v); err != nil {
			return nil, nil, err
		}
		if err := cw.CheckValue(m, v); err != nil {
			return nil, nil, derr(ep, field, "%v", err)
		}
		pts = append(pts, point{t: t, v: v, field: field})
	}
	days, err := reduceDays(ep, pts, policyDayBar, fetchedAt)
	if err != nil {
		return nil, nil, err
	}
	return r, days, nil
}

// DecodeDerivativesOverview decodes /overview/derivatives, DefiLlama's perpetual futures volume
// (the dimension shape of /overview/dexs). Its all-chains daily bars become perps_volume of
// index:dex-total — the entity and metric of the bundled export's Perps Volume column, so a week
// read live shows the same line as one read from the bundle. Bars on or after fetchedAt's day
// are partial and dropped; the week-over-week figures go to perps_* attrs; per-protocol rows
// are not stored.
func DecodeDerivativesOverview(body []byte, fetchedAt time.Time) (cw.Batch, error) {
	const ep = "/overview/derivatives"
	r, days, err := dimensionChart(ep, body, fetchedAt, MetricPerpsVolume)
	if err != nil {
		return cw.Batch{}, err
	}
	if len(days) == 0 {
		// An empty chart is what the server answers for a type it does not know: no figure,
		// and a failing family rather than a silently empty one.
		return cw.Batch{}, derr(ep, "totalDataChart", "no complete day")
	}
	b := newBatch(SourcePerpsVolume)
	// The name is the one the DEX family and the bundle give this entity: one entity, one name.
	e := cw.Entity{ID: EntityDexTotal, Kind: cw.KindIndex, Name: "DEX volume, all chains (DefiLlama)", Attrs: map[string]string{}}
	for _, k := range dexChangeKeys {
		if v, err := flexFloat(r[k]); err == nil {
			e.Attrs["perps_"+k] = fmtFloat(v)
		}
	}
	b.Entities = []cw.Entity{e}
	b.Observations = observations(EntityDexTotal, MetricPerpsVolume, SourcePerpsVolume, days)
	return b, nil
}

// checkChainLabel rejects chain labels that cannot name an entity (found by fuzzing: a blank or
// non-UTF-8 label produced "chain:" or "chain:\xba").
func checkChainLabel(ep, chain string) error {
	c, err := cleanName(chain)
	if err != nil {
		return derr(ep, "", "chain label: %v", err)
	}
	if c != chain || ChainID(c) == "" {
		return derr(ep, "", "chain label %q is blank or has control characters", chain)
	}
	return nil
}

func chainLabels(raw json.RawMessage) []string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []string
	for _, it := range items {
		if s := cleanText(flexString(it)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ---------------------------------------------------------------------------------------------
// stablecoins.llama.fi

// pegMap decodes a peg-keyed map ({"peggedUSD": n}) or the NUMBER 0 the server emits when a
// previous record is missing (-> empty map). Anything else is an error.
func pegMap(raw json.RawMessage) (map[string]float64, error) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 || string(b) == "null" {
		return map[string]float64{}, nil
	}
	if b[0] != '{' {
		if v, err := flexFloat(b); err == nil && v == 0 {
			return map[string]float64{}, nil
		}
		return nil, fmt.Errorf("want a peg map or 0, got %s", describe(b))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		f, err := flexFloat(v)
		if err == errNull {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		if f < 0 {
			return nil, fmt.Errorf("%s: negative value %v", k, f)
		}
		out[k] = f
	}
	return out, nil
}

// StablecoinInfo is one /stablecoins asset (the entity winner for its symbol).
type StablecoinInfo struct {
	ID      string // DefiLlama id ("1" = USDT); the stablecoin query param of stablecoincharts
	Entity  string // stablecoin:<symbol> for the largest coin of a symbol, stablecoin:<symbol>-<id> for the others
	Symbol  string
	Name    string
	PegType string
	USD     float64 // circulating in USD (NaN when not convertible)
}

// StablecoinEntityID is "stablecoin:" + NormKey(symbol).
func StablecoinEntityID(symbol string) string { return cw.EntityID(cw.KindStablecoin, symbol) }

// DecodeStablecoins decodes stablecoins.llama.fi/stablecoins?includePrices=true into stablecoin
// entities and a circulating_usd snapshot on fetchedAt's day: USD pegs 1:1 (as DefiLlama's own
// totals), other pegs x price when a price is given, otherwise no observation. When several assets
// share a symbol the largest (then lowest id) owns stablecoin:<symbol>; the others are skipped.
func DecodeStablecoins(body []byte, fetchedAt time.Time) (cw.Batch, []StablecoinInfo, error) {
	const ep = "/stablecoins"
	if err := topLevel(ep, body, '{', "object"); err != nil {
		return cw.Batch{}, nil, err
	}
	var r struct {
		PeggedAssets json.RawMessage `json:"peggedAssets"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return cw.Batch{}, nil, derr(ep, "", "%v", err)
	}
	b := bytes.TrimSpace(r.PeggedAssets)
	if len(b) == 0 || b[0] != '[' {
		return cw.Batch{}, nil, derr(ep, "peggedAssets", "want an array, got %s", describe(b))
	}
	var assets []map[string]json.RawMessage
	if err := json.Unmarshal(b, &assets); err != nil {
		return cw.Batch{}, nil, derr(ep, "peggedAssets", "%v", err)
	}
	type cand struct {
		info StablecoinInfo
		ent  cw.Entity
	}
	// Coins are keyed by DefiLlama's id: a shared symbol (GUSD, USDM, USDF…) is a display
	// matter, so every coin is kept, the largest of a symbol under stablecoin:<symbol> (what the
	// report and the bundled history call it), the others under stablecoin:<symbol>-<id>.
	bySymbol := map[string][]cand{}
	for i, a := range assets {
		f := fmt.Sprintf("peggedAssets[%d].", i)
		if a == nil {
			return cw.Batch{}, nil, derr(ep, fmt.Sprintf("peggedAssets[%d]", i), "null element")
		}
		sym, err := cleanName(flexString(a["symbol"]))
		if err != nil || cw.NormKey(sym) == "" {
			return cw.Batch{}, nil, derr(ep, f+"symbol", "bad symbol %s: %v", describe(a["symbol"]), err)
		}
		name, err := cleanName(flexString(a["name"]))
		if err != nil {
			return cw.Batch{}, nil, derr(ep, f+"name", "%v", err)
		}
		id := cleanText(flexString(a["id"]))
		if id == "" {
			return cw.Batch{}, nil, derr(ep, f+"id", "missing")
		}
		peg := cleanText(flexString(a["pegType"]))
		circ, err := pegMap(a["circulating"])
		if err != nil {
			return cw.Batch{}, nil, derr(ep, f+"circulating", "%v", err)
		}
		usd := math.NaN()
		if v, ok := circ[peg]; ok {
			if peg == "peggedUSD" {
				usd = v
			} else if price, err := flexFloat(a["price"]); err == nil && price > 0 {
				usd = v * price
			}
		}
		e := cw.Entity{ID: StablecoinEntityID(sym), Kind: cw.KindStablecoin, Name: name, Symbol: sym,
			Attrs: map[string]string{"defillama_id": id}}
		setAttr(e.Attrs, "pegType", peg)
		setAttr(e.Attrs, "peg_mechanism", flexString(a["pegMechanism"]))
		setAttr(e.Attrs, "gecko_id", flexString(a["gecko_id"]))
		if p, err := flexFloat(a["price"]); err == nil {
			e.Attrs["price"] = fmtFloat(p)
		}
		for _, k := range []string{"circulatingPrevDay", "circulatingPrevWeek", "circulatingPrevMonth"} {
			m, err := pegMap(a[k])
			if err != nil {
				return cw.Batch{}, nil, derr(ep, f+k, "%v", err)
			}
			if v, ok := m[peg]; ok {
				e.Attrs[k] = fmtFloat(v)
			}
		}
		if d := strings.ToLower(flexString(a["delisted"])); d == "true" || d == "1" || string(bytes.TrimSpace(a["delisted"])) == "true" {
			e.Attrs["delisted"] = "true"
		}
		c := cand{info: StablecoinInfo{ID: id, Symbol: sym, Name: name, PegType: peg, USD: usd}, ent: e}
		bySymbol[e.ID] = append(bySymbol[e.ID], c)
	}
	usdOf := func(c cand) float64 {
		if math.IsNaN(c.info.USD) {
			return -1
		}
		return c.info.USD
	}
	best := map[string]cand{}
	for key, cs := range bySymbol {
		sort.SliceStable(cs, func(i, j int) bool {
			if usdOf(cs[i]) != usdOf(cs[j]) {
				return usdOf(cs[i]) > usdOf(cs[j])
			}
			return idLess(cs[i].info.ID, cs[j].info.ID)
		})
		for i, c := range cs {
			eid := key
			if i > 0 {
				eid = key + "-" + cw.NormKey(c.info.ID)
				c.ent.Attrs["shares_symbol_with"] = key
			}
			c.ent.ID, c.info.Entity = eid, eid
			best[eid] = c
		}
	}
	out := newBatch(SourceStablecoins)
	var infos []StablecoinInfo
	ids := make([]string, 0, len(best))
	for id := range best {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	day := cw.Day(fetchedAt)
	for _, id := range ids {
		c := best[id]
		out.Entities = append(out.Entities, c.ent)
		infos = append(infos, c.info)
		if !math.IsNaN(c.info.USD) {
			out.Observations = append(out.Observations, cw.Observation{Entity: id, Metric: cw.MetricCirculatingUSD, Day: day, Value: c.info.USD, Source: SourceStablecoins})
		}
	}
	return out, infos, nil
}

func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// DecodeStablecoinChart decodes stablecoins.llama.fi/stablecoincharts/all (stablecoinID == "":
// index:stablecoins-usd-total = totalCirculatingUSD.peggedUSD) or ...?stablecoin={id}
// (stablecoin:<symbol> = sum of totalCirculatingUSD). date is a STRING of unix seconds. Points on
// or after fetchedAt's UTC day are dropped (the current day's value moves during the day).
func DecodeStablecoinChart(body []byte, stablecoinID, symbol string, fetchedAt time.Time) (cw.Batch, error) {
	ep, ent := "/stablecoincharts/all", EntityStablecoinsTotal
	if stablecoinID != "" {
		// The id goes into a URL and onto the stored entity: it must be clean text.
		if id, err := cleanName(stablecoinID); err != nil || id != stablecoinID {
			return cw.Batch{}, derr(ep, "stablecoin", "bad stablecoin id %q", strings.ToValidUTF8(stablecoinID, "?"))
		}
		ep, ent = ep+"?stablecoin="+stablecoinID, StablecoinEntityID(symbol)
		if cw.NormKey(symbol) == "" {
			return cw.Batch{}, derr(ep, "", "no symbol for stablecoin %s", stablecoinID)
		}
	}
	items, err := decodeArray(ep, body)
	if err != nil {
		return cw.Batch{}, err
	}
	pts := make([]point, 0, len(items))
	for i, raw := range items {
		var it map[string]json.RawMessage
		if err := decodeObject(ep, fmt.Sprintf("[%d]", i), raw, &it); err != nil {
			return cw.Batch{}, err
		}
		t, err := flexTime(it["date"])
		if err != nil {
			return cw.Batch{}, derr(ep, fmt.Sprintf("[%d].date", i), "%v", err)
		}
		field := fmt.Sprintf("[%d].totalCirculatingUSD", i)
		if isMissing(it["totalCirculatingUSD"]) {
			return cw.Batch{}, derr(ep, field, "missing")
		}
		m, err := pegMap(it["totalCirculatingUSD"])
		if err != nil {
			return cw.Batch{}, derr(ep, field, "%v", err)
		}
		var v float64
		if stablecoinID == "" {
			x, ok := m["peggedUSD"]
			if !ok {
				continue // no USD-pegged supply recorded that day
			}
			v, field = x, field+".peggedUSD"
		} else {
			if len(m) == 0 {
				continue
			}
			for _, x := range m {
				v += x
			}
		}
		pts = append(pts, point{t: t, v: v, field: field})
	}
	days, err := reduceDays(ep, pts, policyDayBar, fetchedAt)
	if err != nil {
		return cw.Batch{}, err
	}
	b := newBatch(SourceStablecoins)
	if stablecoinID == "" {
		b.Entities = []cw.Entity{{ID: ent, Kind: cw.KindIndex, Name: "USD-pegged stablecoins, total circulating (DefiLlama)"}}
	} else {
		b.Entities = []cw.Entity{{ID: ent, Kind: cw.KindStablecoin, Symbol: cleanText(symbol), Attrs: map[string]string{"defillama_id": stablecoinID}}}
	}
	obs, err := checkedObservations(ep, ent, cw.MetricCirculatingUSD, SourceStablecoins, days)
	if err != nil {
		return cw.Batch{}, err
	}
	b.Observations = obs
	return b, nil
}

// ---------------------------------------------------------------------------------------------
// coins.llama.fi/chart

// DecodeCoinsChart decodes coins.llama.fi/chart/{coins}?start&span&period=1d:
// {coins:{"coingecko:<id>":{symbol, confidence, prices:[{timestamp, price}]}}} into asset:<symbol>
// price series (policyNearestMidnight). Two coins with one symbol are an error.
func DecodeCoinsChart(body []byte) (cw.Batch, error) {
	const ep = "/chart"
	if err := topLevel(ep, body, '{', "object"); err != nil {
		return cw.Batch{}, err
	}
	var r struct {
		Coins json.RawMessage `json:"coins"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return cw.Batch{}, derr(ep, "", "%v", err)
	}
	var coins map[string]json.RawMessage
	if err := decodeObject(ep, "coins", r.Coins, &coins); err != nil {
		return cw.Batch{}, err
	}
	keys := make([]string, 0, len(coins))
	for k := range coins {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := newBatch(SourceCoins)
	owner := map[string]string{}
	for _, k := range keys {
		f := "coins[" + k + "]"
		var c map[string]json.RawMessage
		if err := decodeObject(ep, f, coins[k], &c); err != nil {
			return cw.Batch{}, err
		}
		sym, err := cleanName(flexString(c["symbol"]))
		if err != nil || cw.NormKey(sym) == "" {
			return cw.Batch{}, derr(ep, f+".symbol", "bad symbol %s", describe(c["symbol"]))
		}
		id := cw.EntityID(cw.KindAsset, sym)
		if o, dup := owner[id]; dup {
			return cw.Batch{}, derr(ep, f+".symbol", "symbol %q also used by %s", sym, o)
		}
		owner[id] = k
		pts, err := decodeSeries(ep, f+".prices", c["prices"], "timestamp", []string{"price"}, true)
		if err != nil {
			return cw.Batch{}, err
		}
		for _, p := range pts {
			if p.v == 0 {
				return cw.Batch{}, derr(ep, p.field, "zero price")
			}
		}
		days, err := reduceDays(ep, pts, policyNearestMidnight, time.Time{})
		if err != nil {
			return cw.Batch{}, err
		}
		e := cw.Entity{ID: id, Kind: cw.KindAsset, Symbol: strings.ToUpper(sym), Attrs: map[string]string{"defillama_coin": cleanText(k)}}
		if g, ok := strings.CutPrefix(k, "coingecko:"); ok {
			setAttr(e.Attrs, "coingecko_id", g)
		}
		if v, err := flexFloat(c["confidence"]); err == nil {
			e.Attrs["confidence"] = fmtFloat(v)
		}
		b.Entities = append(b.Entities, e)
		obs, err := checkedObservations(ep, id, cw.MetricPrice, SourceCoins, days)
		if err != nil {
			return cw.Batch{}, err
		}
		b.Observations = append(b.Observations, obs...)
	}
	return b, nil
}
