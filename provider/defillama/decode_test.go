package defillama

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
)

const shapes = "/work/shared/api-shapes/"
const rawProtocols = "/work/shared/data/raw/defillama-protocols-bma-d/protocols/"

// fixture returns the body as the API returns it: the "response" member of an api-shapes file,
// optionally nested under a sub-key (the coins file holds "percentage" and "chart").
func fixture(t testing.TB, name string, path ...string) []byte {
	t.Helper()
	raw, err := os.ReadFile(shapes + name)
	if err != nil {
		t.Skipf("fixture %s: %v", name, err)
	}
	for _, p := range path {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		raw = m[p]
	}
	var f struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f.Response
}

// localFixture is fixture for a payload kept in this package's testdata/ (shapes the shared
// api-shapes folder does not hold).
func localFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(raw, &f); err != nil || len(f.Response) == 0 {
		t.Fatalf("%s: no response: %v", name, err)
	}
	return f.Response
}

var fetchDay = time.Date(2026, 1, 11, 14, 30, 0, 0, time.UTC) // fixtures end on 2026-01-11

func day(s string) time.Time {
	d, err := cw.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

func obsMap(b cw.Batch) map[string]float64 {
	m := map[string]float64{}
	for _, o := range b.Observations {
		m[o.Entity+" "+string(o.Metric)+" "+cw.DayString(o.Day)] = o.Value
	}
	return m
}

func entity(b cw.Batch, id string) *cw.Entity {
	for i := range b.Entities {
		if b.Entities[i].ID == id {
			return &b.Entities[i]
		}
	}
	return nil
}

func mustValid(t *testing.T, b cw.Batch) {
	t.Helper()
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, o := range b.Observations {
		if math.IsNaN(o.Value) || o.Value < 0 {
			t.Fatalf("bad value %+v", o)
		}
	}
}

func TestChainID(t *testing.T) {
	cases := map[string]string{
		"Optimism": "optimism", "OP Mainnet": "optimism", "op-mainnet": "optimism",
		"Binance": "bsc", "BSC": "bsc", "bsc": "bsc",
		"Avax": "avalanche", "Avalanche": "avalanche",
		"Polygon": "polygon", "Polygon POS": "polygon",
		"zkSync Era": "zksync-era", "ZKsync Era": "zksync-era", "era": "zksync-era",
		"Hyperliquid L1": "hyperliquid", "Hyperliquid": "hyperliquid",
		"xDai": "gnosis", "Gnosis": "gnosis", "Klaytn": "kaia",
		"Tron": "tron", "Base": "base", "Sui": "sui", "Bitcoin": "bitcoin", "Solana": "solana",
		"Ethereum": "ethereum", "ethereum": "ethereum", "Arbitrum": "arbitrum", "Arbitrum One": "arbitrum",
		"Arbitrum Nova": "arbitrum-nova", "arbitrum_nova": "arbitrum-nova",
		"Some New Chain": "some-new-chain", "  Solana ": "solana",
	}
	for in, want := range cases {
		if got := ChainID(in); got != want {
			t.Errorf("ChainID(%q) = %q, want %q", in, got, want)
		}
	}
	if ChainName("Binance") != "BSC" || ChainName("optimism") != "OP Mainnet" || ChainName("Foo") != "Foo" {
		t.Error("ChainName")
	}
}

func TestDecodeProtocolsFixture(t *testing.T) {
	b, err := DecodeProtocols(fixture(t, "defillama-protocols.json"), fetchDay)
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	aave := entity(b, "protocol:aave-v3")
	if aave == nil || aave.Parent != "protocol:aave" || aave.Category != "Lending" || aave.Symbol != "AAVE" ||
		strings.Join(aave.Chains, ",") != "Ethereum,Arbitrum,Avalanche,BSC" || aave.Attrs["slug"] != "aave-v3" || aave.Attrs["url"] != "https://aave.com" {
		t.Errorf("aave = %+v", aave)
	}
	cex := entity(b, "protocol:binance-cex")
	if cex == nil || cex.Symbol != "" || cex.Attrs["tvl_excluded"] == "" {
		t.Errorf("cex = %+v", cex)
	}
	m := obsMap(b)
	if m["protocol:aave-v3 tvl 2026-01-11"] != 24512345678.12 || m["protocol:lido tvl 2026-01-11"] != 3e10 {
		t.Errorf("obs = %v", m)
	}
	if _, ok := m["protocol:binance-cex tvl 2026-01-11"]; ok || len(b.Observations) != 2 {
		t.Errorf("CEX tvl must be skipped: %v", m)
	}
	if b.Source.ID != "defillama-protocols" || b.Source.Provider != "DefiLlama" || b.Source.Licence != Licence || b.Source.Note == "" {
		t.Errorf("provenance %+v", b.Source)
	}
}

// The real lite protocol list (6,686 rows, Dec 2025) has the /protocols row shape; it must decode.
func TestDecodeProtocolsRealList(t *testing.T) {
	raw, err := os.ReadFile("/work/shared/data/raw/defillama-protocols-bma-d/lite-protocols2.json")
	if err != nil {
		t.Skip(err)
	}
	b, err := DecodeProtocols(raw, fetchDay)
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	if len(b.Entities) < 6000 {
		t.Errorf("only %d entities", len(b.Entities))
	}
	if e := entity(b, "protocol:aave-v3"); e == nil || !strings.Contains(strings.Join(e.Chains, ","), "OP Mainnet") {
		t.Errorf("aave v3 = %+v", e)
	}
}

func TestDecodeProtocolFixtureAndRaw(t *testing.T) {
	b, err := DecodeProtocol(fixture(t, "defillama-protocol-slug.json"), "aave-v3")
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	m := obsMap(b)
	// 2026-01-09 and 2026-01-10 at 00:00; the last point (2026-01-10 13:00, intraday) is dropped
	if len(m) != 2 || m["protocol:aave-v3 tvl 2026-01-10"] != 23610000000 {
		t.Errorf("obs = %v", m)
	}
	if e := entity(b, "protocol:aave-v3"); e == nil || e.Parent != "protocol:aave" || b.Source.ID != SourceProtocolTVL {
		t.Errorf("entity = %+v", e)
	}

	files, _ := filepath.Glob(rawProtocols + "*.json")
	if len(files) == 0 {
		t.Skip("no raw protocol files")
	}
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		slug := strings.TrimSuffix(filepath.Base(f), ".json")
		b, err := DecodeProtocol(raw, slug)
		if err != nil {
			t.Errorf("%s: %v", slug, err)
			continue
		}
		mustValid(t, b)
		var doc struct {
			TVL []struct {
				Date int64 `json:"date"`
			} `json:"tvl"`
		}
		json.Unmarshal(raw, &doc)
		last := doc.TVL[len(doc.TVL)-1].Date
		lastDay := cw.Day(time.Unix(last, 0))
		got := b.Observations[len(b.Observations)-1]
		if last%86400 != 0 {
			// intraday last point dropped; the day keeps its 00:00 value
			if got.Day.After(lastDay) {
				t.Errorf("%s: kept a day after the last point", slug)
			}
			for _, p := range doc.TVL {
				if p.Date == lastDay.Unix() && got.Day.Equal(lastDay) {
					goto ok
				}
			}
			if got.Day.Equal(lastDay) {
				t.Errorf("%s: intraday value kept for %s", slug, cw.DayString(lastDay))
			}
		ok:
		}
	}
	// Kamino Lend real values: ends 2025-12-19 with an intraday point
	raw, _ := os.ReadFile(rawProtocols + "kamino-lend.json")
	kb, err := DecodeProtocol(raw, "kamino-lend")
	if err != nil {
		t.Fatal(err)
	}
	if kb.Entities[0].ID != "protocol:kamino-lend" || kb.Entities[0].Name != "Kamino Lend" {
		t.Errorf("kamino entity %+v", kb.Entities[0])
	}
	if v := obsMap(kb)["protocol:kamino-lend tvl 2023-10-12"]; v != 10252 {
		t.Errorf("kamino first = %v", v)
	}
}

func TestDecodeChainsAndHistory(t *testing.T) {
	b, infos, err := DecodeChains(fixture(t, "defillama-v2-chains.json"))
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	if len(infos) != 4 || infos[0].Name != "Ethereum" || infos[2].ID != "bsc" || infos[3].ID != "hyperevm" {
		t.Errorf("infos = %+v", infos)
	}
	if e := entity(b, "chain:bsc"); e == nil || e.Name != "BSC" || e.Symbol != "BNB" || e.Attrs["gecko_id"] != "binancecoin" || e.Attrs["chain_id"] != "56" {
		t.Errorf("bsc = %+v", e)
	}

	tb, err := DecodeChainTVL(fixture(t, "defillama-v2-historicalChainTvl.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, tb)
	if tb.Source.ID != SourceDefiTVL || len(tb.Observations) != 3 || obsMap(tb)["index:defi-tvl tvl 2026-01-11"] != 121400000000 {
		t.Errorf("defi tvl = %+v", tb.Observations)
	}
	cb, err := DecodeChainTVL(fixture(t, "defillama-v2-historicalChainTvl-chain.json"), "Ethereum")
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, cb)
	m := obsMap(cb)
	// 8 daily points; the intraday 9th (2026-01-11 08:26) is dropped, 2026-01-11 keeps 00:00
	if cb.Source.ID != SourceChainTVL || len(m) != 8 || m["chain:ethereum tvl 2026-01-11"] != 68410000000 {
		t.Errorf("chain tvl = %v", m)
	}
}

func TestDecodeDexFixtures(t *testing.T) {
	b, info, err := DecodeDexOverview(fixture(t, "defillama-overview-dexs.json"), "", fetchDay)
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	if len(info.AllChains) != 5 || obsMap(b)["protocol:uniswap-v3 dex_volume_24h 2026-01-11"] != 1.5e9 {
		t.Errorf("overview: %+v %v", info, obsMap(b))
	}
	idx := entity(b, EntityDexTotal)
	if idx == nil || idx.Attrs["change_7dover7d"] != "10.5" || idx.Attrs["change_7d"] != "9.47" {
		t.Errorf("index attrs %+v", idx)
	}
	if u := entity(b, "protocol:uniswap-v3"); u == nil || u.Parent != "protocol:uniswap" || strings.Join(u.Chains, ",") != "Ethereum,Arbitrum,Base" {
		t.Errorf("uniswap = %+v", u)
	}

	cb, _, err := DecodeDexOverview(fixture(t, "defillama-overview-dexs-chain.json"), "Ethereum", fetchDay)
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, cb)
	m := obsMap(cb)
	// 8 bars 2026-01-04..2026-01-11; fetched on 2026-01-11 -> today's bar dropped
	if len(m) != 7 || m["chain:ethereum dex_volume 2026-01-10"] != 1.55e9 {
		t.Errorf("chain dex = %v", m)
	}
	if _, ok := m["chain:ethereum dex_volume 2026-01-11"]; ok {
		t.Error("partial bar kept")
	}
	for _, o := range cb.Observations {
		if o.Metric == "dex_volume_24h" {
			t.Error("chain overview must not emit protocol snapshots")
		}
	}
	// fetched the next day: the 2026-01-11 bar is complete
	cb2, _, _ := DecodeDexOverview(fixture(t, "defillama-overview-dexs-chain.json"), "Ethereum", fetchDay.Add(24*time.Hour))
	if len(cb2.Observations) != 8 {
		t.Errorf("next-day decode: %d bars", len(cb2.Observations))
	}
}

// /overview/derivatives lands on the bundled export's perps series: same entity, metric and
// definition, its own provenance id.
func TestDecodeDerivativesOverview(t *testing.T) {
	b, err := DecodeDerivativesOverview(localFixture(t, "defillama-overview-derivatives.json"), fetchDay)
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	m := obsMap(b)
	// 15 bars 2025-12-28..2026-01-11, fetched on 2026-01-11: today's partial bar is dropped.
	if len(m) != 14 || m["index:dex-total perps_volume 2026-01-04"] != 24.81e9 || m["index:dex-total perps_volume 2026-01-10"] != 22.65e9 {
		t.Errorf("perps = %v", m)
	}
	if _, ok := m["index:dex-total perps_volume 2026-01-11"]; ok {
		t.Error("partial bar kept")
	}
	for _, o := range b.Observations {
		if o.Metric != MetricPerpsVolume || o.Source != SourcePerpsVolume || o.Entity != EntityDexTotal {
			t.Errorf("observation %+v", o)
		}
	}
	e := entity(b, EntityDexTotal)
	if e == nil || e.Attrs["perps_change_7dover7d"] != "16.31" || e.Attrs["change_7dover7d"] != "" || len(b.Entities) != 1 {
		t.Errorf("entity %+v (the DEX family's attrs must stay its own; protocols are not stored)", e)
	}
	if live, bundled := cw.DefinitionOf(MetricPerpsVolume, SourcePerpsVolume), cw.DefinitionOf(MetricPerpsVolume, SourceDexVolumeExport); live != DefPerpsVolume || bundled != live {
		t.Errorf("definitions live %s, bundled %s", live, bundled)
	}
	for _, c := range []struct{ name, body, want string }{
		{"array", `[]`, "want a JSON object"},
		{"error object", `{"message":"Internal server error"}`, "totalDataChart: missing"},
		{"chart renamed", `{"totalDataChartt":[[1767484800,5]]}`, "totalDataChart: missing"},
		{"chart object", `{"totalDataChart":{"1767484800":5}}`, "want an array of [time, value]"},
		{"bar NaN", `{"totalDataChart":[[1767484800,"NaN"]]}`, "totalDataChart[0][1]"},
		{"bar text", `{"totalDataChart":[[1767484800,"lots"]]}`, "totalDataChart[0][1]"},
		{"bar negative", `{"totalDataChart":[[1767484800,-5]]}`, "totalDataChart[0][1]"},
		{"bar implausible", `{"totalDataChart":[[1767484800,1e16]]}`, "totalDataChart[0][1]: value 1e+16 is outside the plausible range"},
		{"bar short", `{"totalDataChart":[[1767484800]]}`, "want [time, value]"},
		{"bad time", `{"totalDataChart":[["yesterday",5]]}`, "totalDataChart[0][0]"},
		{"conflicting day", `{"totalDataChart":[[1767484800,5],[1767484900,6]]}`, "conflicting"},
		{"empty chart", `{"totalDataChart":[]}`, "no complete day"},
		{"only today", `{"totalDataChart":[[1768089600,5]]}`, "no complete day"},
		{"truncated", `{"totalDataChart":[[1767484800,5]`, "defillama: /overview/derivatives"},
	} {
		_, err := DecodeDerivativesOverview([]byte(c.body), fetchDay)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "defillama: /overview/derivatives") {
			t.Errorf("%s: err %v, want one naming %q", c.name, err, c.want)
		}
	}
	// A null bar is a day without a value, not an error.
	b, err = DecodeDerivativesOverview([]byte(`{"totalDataChart":[[1767484800,null],[1767571200,"7.5e9"]]}`), fetchDay)
	if err != nil || len(b.Observations) != 1 || b.Observations[0].Value != 7.5e9 {
		t.Errorf("null bar: %v %+v", err, b.Observations)
	}
}

func TestDecodeStablecoinFixtures(t *testing.T) {
	b, infos, err := DecodeStablecoins(fixture(t, "defillama-stablecoins.json"), fetchDay)
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	m := obsMap(b)
	if m["stablecoin:usdt circulating_usd 2026-01-11"] != 186512000000 || math.Abs(m["stablecoin:eurc circulating_usd 2026-01-11"]-220000000*1.16) > 1 {
		t.Errorf("snapshot = %v", m)
	}
	usdc := entity(b, "stablecoin:usdc")
	if usdc == nil || usdc.Attrs["defillama_id"] != "2" || usdc.Attrs["pegType"] != "peggedUSD" || usdc.Symbol != "USDC" || usdc.Name != "USD Coin" {
		t.Errorf("usdc = %+v", usdc)
	}
	if eurc := entity(b, "stablecoin:eurc"); eurc.Attrs["circulatingPrevWeek"] != "" {
		t.Errorf("prev week 0 must mean missing: %+v", eurc.Attrs)
	}
	if len(infos) != 3 {
		t.Errorf("infos %+v", infos)
	}

	cb, err := DecodeStablecoinChart(fixture(t, "defillama-stablecoincharts-all.json"), "", "", fetchDay.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, cb)
	cm := obsMap(cb)
	if cm["index:stablecoins-usd-total circulating_usd 2026-01-04"] != 300080000000 || cm["index:stablecoins-usd-total circulating_usd 2026-01-11"] != 301870000000 {
		t.Errorf("total = %v", cm)
	}
	// same day as fetch: the 2026-01-11 point is dropped
	cb, _ = DecodeStablecoinChart(fixture(t, "defillama-stablecoincharts-all.json"), "", "", fetchDay)
	if len(cb.Observations) != 1 {
		t.Errorf("fetch-day point kept: %v", obsMap(cb))
	}
	one, err := DecodeStablecoinChart(fixture(t, "defillama-stablecoincharts-all.json"), "1", "USDT", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if obsMap(one)["stablecoin:usdt circulating_usd 2026-01-04"] != 300780000000 {
		t.Errorf("per-coin sums totalCirculatingUSD: %v", obsMap(one))
	}
}

func TestDecodeCoinsChartFixture(t *testing.T) {
	b, err := DecodeCoinsChart(fixture(t, "defillama-coins-percentage-chart.json", "chart"))
	if err != nil {
		t.Fatal(err)
	}
	mustValid(t, b)
	m := obsMap(b)
	// 1767571190 is 2026-01-04 23:59:50: the nearest midnight is 2026-01-05
	if m["asset:link price 2026-01-04"] != 13.41 || m["asset:link price 2026-01-05"] != 13.88 || m["asset:link price 2026-01-11"] != 14.92 {
		t.Errorf("prices = %v", m)
	}
	if e := entity(b, "asset:link"); e == nil || e.Attrs["coingecko_id"] != "chainlink" || e.Symbol != "LINK" {
		t.Errorf("entity %+v", e)
	}
}

// TestDecoderQuirks is the schema-drift table: every documented quirk, per decoder.
func TestDecoderQuirks(t *testing.T) {
	type dec func(body string) (cw.Batch, error)
	chainTVL := func(chain string) dec {
		return func(s string) (cw.Batch, error) { return DecodeChainTVL([]byte(s), chain) }
	}
	protocol := func(s string) (cw.Batch, error) { return DecodeProtocol([]byte(s), "x") }
	protocols := func(s string) (cw.Batch, error) { return DecodeProtocols([]byte(s), fetchDay) }
	dex := func(chain string) dec {
		return func(s string) (cw.Batch, error) {
			b, _, err := DecodeDexOverview([]byte(s), chain, fetchDay)
			return b, err
		}
	}
	stables := func(s string) (cw.Batch, error) {
		b, _, err := DecodeStablecoins([]byte(s), fetchDay)
		return b, err
	}
	schart := func(s string) (cw.Batch, error) { return DecodeStablecoinChart([]byte(s), "", "", fetchDay) }
	coins := func(s string) (cw.Batch, error) { return DecodeCoinsChart([]byte(s)) }
	chains := func(s string) (cw.Batch, error) {
		b, _, err := DecodeChains([]byte(s))
		return b, err
	}

	cases := []struct {
		name    string
		dec     dec
		body    string
		wantErr string
		want    map[string]float64 // subset of obsMap
		wantN   int                // -1 = don't check
		check   func(t *testing.T, b cw.Batch)
	}{
		// /v2/historicalChainTvl[/chain]
		{name: "chain tvl string numbers", dec: chainTVL("Ethereum"), body: `[{"date":"1767484800","tvl":"66120000000.5"}]`,
			want: map[string]float64{"chain:ethereum tvl 2026-01-04": 66120000000.5}, wantN: 1},
		{name: "chain tvl legacy shape", dec: chainTVL("BSC"), body: `[{"date":"1767484800","totalLiquidityUSD":5}]`,
			want: map[string]float64{"chain:bsc tvl 2026-01-04": 5}, wantN: 1},
		{name: "chain tvl milliseconds", dec: chainTVL("Ethereum"), body: `[{"date":1767484800000,"tvl":1}]`,
			want: map[string]float64{"chain:ethereum tvl 2026-01-04": 1}, wantN: 1},
		{name: "chain tvl money string", dec: chainTVL("Ethereum"), body: `[{"date":1767484800,"tvl":"$1,234.5"}]`,
			want: map[string]float64{"chain:ethereum tvl 2026-01-04": 1234.5}, wantN: 1},
		{name: "chain tvl unsorted", dec: chainTVL("Ethereum"), body: `[{"date":1767571200,"tvl":2},{"date":1767484800,"tvl":1}]`,
			want: map[string]float64{"chain:ethereum tvl 2026-01-04": 1, "chain:ethereum tvl 2026-01-05": 2}, wantN: 2},
		{name: "chain tvl identical duplicate", dec: chainTVL("Ethereum"), body: `[{"date":1767484800,"tvl":1},{"date":1767484800,"tvl":1}]`, wantN: 1},
		{name: "chain tvl conflicting duplicate", dec: chainTVL("Ethereum"), body: `[{"date":1767484800,"tvl":1},{"date":1767484800,"tvl":2}]`,
			wantErr: "defillama: /v2/historicalChainTvl/Ethereum: field tvl[1].tvl: conflicting duplicate timestamp 2026-01-04T00:00:00Z"},
		{name: "chain tvl negative", dec: chainTVL("Ethereum"),
			body:    `[{"date":1767484800,"tvl":1},{"date":1767571200,"tvl":1},{"date":1767657600,"tvl":1},{"date":1767744000,"tvl":1},{"date":1767830400,"tvl":1},{"date":1767916800,"tvl":1},{"date":1768003200,"tvl":1},{"date":1768089600,"tvl":1},{"date":1768176000,"tvl":1},{"date":1768262400,"tvl":1},{"date":1768348800,"tvl":1},{"date":1768435200,"tvl":1},{"date":1768521600,"tvl":-5}]`,
			wantErr: "defillama: /v2/historicalChainTvl/Ethereum: field tvl[12].tvl: negative value -5"},
		{name: "chain tvl NaN", dec: chainTVL("Ethereum"), body: `[{"date":1767484800,"tvl":"NaN"}]`, wantErr: "field tvl[0].tvl: not a finite number"},
		{name: "chain tvl missing field", dec: chainTVL("Ethereum"), body: `[{"date":1767484800}]`, wantErr: "field tvl[0].tvl: missing"},
		{name: "chain tvl null value skipped", dec: chainTVL("Ethereum"), body: `[{"date":1767484800,"tvl":null},{"date":1767571200,"tvl":3}]`, wantN: 1},
		{name: "chain tvl object where number", dec: chainTVL("Ethereum"), body: `[{"date":1767484800,"tvl":{"a":1}}]`, wantErr: "field tvl[0].tvl: want a number"},
		{name: "chain tvl bad date", dec: chainTVL("Ethereum"), body: `[{"date":"yesterday","tvl":1}]`, wantErr: "field tvl[0].date: not a number"},
		{name: "unknown chain error object", dec: chainTVL("Nochain"), body: `{"message":"There is no chain with that name: nochain"}`,
			wantErr: `defillama: /v2/historicalChainTvl/Nochain: chain "Nochain": unknown to DefiLlama`},
		{name: "unknown chain string body", dec: chainTVL("Nochain"), body: `"There is no chain with that name"`, wantErr: `chain "Nochain"`},
		{name: "defi tvl not array", dec: chainTVL(""), body: `{}`, wantErr: "defillama: /v2/historicalChainTvl: want a JSON array"},
		{name: "intraday last point dropped, midnight kept", dec: chainTVL("Ethereum"), body: `[{"date":1767484800,"tvl":1},{"date":1767500000,"tvl":9}]`,
			want: map[string]float64{"chain:ethereum tvl 2026-01-04": 1}, wantN: 1},
		// /protocol/{slug}
		{name: "protocol string numbers + seconds", dec: protocol, body: `{"name":"Foo","tvl":[{"date":"1767484800","totalLiquidityUSD":"12"}]}`,
			want: map[string]float64{"protocol:foo tvl 2026-01-04": 12}, wantN: 1},
		{name: "protocol tvl 0 not array", dec: protocol, body: `{"name":"Foo","tvl":0}`, wantErr: "defillama: /protocol/x: field tvl: want an array"},
		{name: "protocol off-grid old point kept when day has no 00:00", dec: protocol,
			body: `{"name":"Foo","tvl":[{"date":1628809200,"totalLiquidityUSD":1},{"date":1628899200,"totalLiquidityUSD":2}]}`, wantN: 2},
		{name: "protocol HTML name kept as text", dec: protocol, body: `{"name":"<script>alert(1)</script> Fi\u0000\u001b","tvl":[]}`, wantN: 0,
			check: func(t *testing.T, b cw.Batch) {
				if e := b.Entities[0]; e.Name != "<script>alert(1)</script> Fi" || e.ID != "protocol:<script>alert(1)</script>-fi" {
					t.Errorf("entity %+v", e)
				}
			}},
		{name: "protocol invalid UTF-8 name", dec: protocol, body: "{\"name\":\"Bad\xff\",\"tvl\":[]}", wantErr: "field name: invalid UTF-8"},
		{name: "protocol name number", dec: protocol, body: `{"name":5,"tvl":[]}`, wantErr: "field name: want a string"},
		// /protocols
		{name: "protocols tvl string, chains 0, parent", dec: protocols,
			body: `[{"name":"A","tvl":"5","chains":0,"parentProtocol":"parent#a-group","category":"Dexs"}]`,
			want: map[string]float64{"protocol:a tvl 2026-01-11": 5}, wantN: 1,
			check: func(t *testing.T, b cw.Batch) {
				if b.Entities[0].Parent != "protocol:a-group" || b.Entities[0].Chains != nil {
					t.Errorf("%+v", b.Entities[0])
				}
			}},
		{name: "protocols null tvl", dec: protocols, body: `[{"name":"A","tvl":null}]`, wantN: 0},
		{name: "protocols negative tvl flagged, not stored", dec: protocols, body: `[{"name":"A","tvl":1},{"name":"B","tvl":-1}]`, wantN: 1,
			check: func(t *testing.T, b cw.Batch) {
				if b.Entities[1].Attrs["tvl_error"] == "" {
					t.Errorf("%+v", b.Entities[1])
				}
			}},
		{name: "protocols NaN tvl", dec: protocols, body: `[{"name":"A","tvl":"NaN"}]`, wantErr: `field [0].tvl: not a finite number`},
		{name: "protocols chain row skipped", dec: protocols, body: `[{"name":"Ethereum Chain","tvl":1,"category":"Chain"}]`, wantN: 0},
		{name: "protocols row is 0", dec: protocols, body: `[0]`, wantErr: "field [0]: want an object"},
		{name: "protocols not array", dec: protocols, body: `{"message":"error"}`, wantErr: "defillama: /protocols: want a JSON array"},
		{name: "protocols identical dup", dec: protocols, body: `[{"name":"A","tvl":1},{"name":"A","tvl":1}]`, wantN: 1},
		{name: "protocols name collision disambiguated", dec: protocols,
			body: `[{"name":"mETH Protocol","tvl":1,"slug":"meth-restaking","category":"Liquid Restaking"},{"name":"mETH Protocol","tvl":2,"slug":"meth-protocol","category":"Liquid Staking"}]`,
			want: map[string]float64{"protocol:meth-protocol tvl 2026-01-11": 2, "protocol:meth-protocol-meth-restaking tvl 2026-01-11": 1}, wantN: 2},
		{name: "protocols HTML + control chars", dec: protocols, body: `[{"name":"<img src=x onerror=alert(1)>\r\n","tvl":1,"symbol":"<b>"}]`, wantN: 1,
			check: func(t *testing.T, b cw.Batch) {
				if b.Entities[0].Name != "<img src=x onerror=alert(1)>" || b.Entities[0].Symbol != "<b>" {
					t.Errorf("%+v", b.Entities[0])
				}
			}},
		// /v2/chains
		{name: "chains tvl string + null ids", dec: chains, body: `[{"name":"OP Mainnet","tvl":"12","gecko_id":null,"chainId":10}]`, wantN: 0,
			check: func(t *testing.T, b cw.Batch) {
				if b.Entities[0].ID != "chain:optimism" || b.Entities[0].Attrs["tvl_snapshot"] != "12" {
					t.Errorf("%+v", b.Entities[0])
				}
			}},
		{name: "chains negative", dec: chains, body: `[{"name":"X","tvl":-3}]`, wantErr: "field [0].tvl: negative"},
		// /overview/dexs
		{name: "dex optional change keys absent, string bar", dec: dex(""), body: `{"totalDataChart":[[1767484800,"5"],["1767571200",6]],"protocols":[]}`,
			want: map[string]float64{"index:dex-total dex_volume 2026-01-04": 5, "index:dex-total dex_volume 2026-01-05": 6}, wantN: 2},
		{name: "dex unsorted + identical dup", dec: dex("BSC"), body: `{"totalDataChart":[[1767571200,6],[1767484800,5],[1767571200,6]]}`, wantN: 2},
		{name: "dex conflicting dup", dec: dex("BSC"), body: `{"totalDataChart":[[1767484800,5],[1767484800,7]]}`,
			wantErr: "defillama: /overview/dexs/BSC: field totalDataChart[1][1]: conflicting duplicate timestamp"},
		{name: "dex ms timestamps", dec: dex(""), body: `{"totalDataChart":[[1767484800000,5]]}`, wantN: 1},
		{name: "dex missing chart", dec: dex(""), body: `{"total24h":1}`, wantErr: "field totalDataChart: missing"},
		{name: "dex bar not pair", dec: dex(""), body: `{"totalDataChart":[[1767484800]]}`, wantErr: "field totalDataChart[0]: want [time, value]"},
		{name: "dex negative bar", dec: dex(""), body: `{"totalDataChart":[[1767484800,-1]]}`, wantErr: "totalDataChart[0][1]: negative"},
		{name: "dex protocol total24h null", dec: dex(""), body: `{"totalDataChart":[],"protocols":[{"name":"X","total24h":null}]}`, wantN: 0},
		{name: "dex protocol listed twice, first without volume", dec: dex(""), body: `{"totalDataChart":[],"protocols":[{"name":"X","total24h":null},{"name":"X","total24h":3}]}`,
			want: map[string]float64{"protocol:x dex_volume_24h 2026-01-11": 3}, wantN: 1},
		{name: "dex protocol conflicting twice", dec: dex(""), body: `{"totalDataChart":[],"protocols":[{"name":"X","total24h":1},{"name":"X","total24h":3}]}`,
			wantErr: "field protocols[1].name"},
		{name: "dex protocol HTML name", dec: dex(""), body: `{"totalDataChart":[],"protocols":[{"name":"<script>x</script>","total24h":"7"}]}`,
			want: map[string]float64{"protocol:<script>x</script> dex_volume_24h 2026-01-11": 7}, wantN: 1},
		// stablecoins
		{name: "stablecoins prev 0 and string numbers", dec: stables,
			body: `{"peggedAssets":[{"id":1,"name":"Tether","symbol":"USDT","pegType":"peggedUSD","circulating":{"peggedUSD":"10"},"circulatingPrevDay":0,"circulatingPrevWeek":{"peggedUSD":9}}]}`,
			want: map[string]float64{"stablecoin:usdt circulating_usd 2026-01-11": 10}, wantN: 1,
			check: func(t *testing.T, b cw.Batch) {
				if a := b.Entities[0].Attrs; a["defillama_id"] != "1" || a["circulatingPrevWeek"] != "9" || a["circulatingPrevDay"] != "" {
					t.Errorf("%+v", a)
				}
			}},
		{name: "stablecoins circulating 0", dec: stables, body: `{"peggedAssets":[{"id":"9","name":"Dead","symbol":"DED","pegType":"peggedUSD","circulating":0}]}`, wantN: 0},
		{name: "stablecoins circulating string", dec: stables, body: `{"peggedAssets":[{"id":"9","name":"X","symbol":"X","pegType":"peggedUSD","circulating":"lots"}]}`,
			wantErr: "field peggedAssets[0].circulating: want a peg map or 0"},
		{name: "stablecoins non-USD without price", dec: stables, body: `{"peggedAssets":[{"id":"9","name":"X","symbol":"X","pegType":"peggedVAR","circulating":{"peggedVAR":5},"price":null}]}`, wantN: 0},
		// Coins sharing a symbol are all kept (keyed by DefiLlama's id): the largest under the
		// symbol, the other under symbol-id.
		{name: "stablecoins symbol collision keeps every coin", dec: stables,
			body: `{"peggedAssets":[{"id":"7","name":"Small","symbol":"USDX","pegType":"peggedUSD","circulating":{"peggedUSD":1}},{"id":"8","name":"Big","symbol":"usdx","pegType":"peggedUSD","circulating":{"peggedUSD":5}}]}`,
			want: map[string]float64{"stablecoin:usdx circulating_usd 2026-01-11": 5, "stablecoin:usdx-7 circulating_usd 2026-01-11": 1}, wantN: 2},
		{name: "stablecoins no array", dec: stables, body: `{"peggedAssets":0}`, wantErr: "field peggedAssets: want an array"},
		{name: "stablecoin chart string date", dec: schart, body: `[{"date":"1767484800","totalCirculatingUSD":{"peggedUSD":"5","peggedEUR":1}}]`,
			want: map[string]float64{"index:stablecoins-usd-total circulating_usd 2026-01-04": 5}, wantN: 1},
		{name: "stablecoin chart missing map", dec: schart, body: `[{"date":"1767484800","totalCirculating":{"peggedUSD":5}}]`, wantErr: "field [0].totalCirculatingUSD: missing"},
		{name: "stablecoin chart conflicting", dec: schart, body: `[{"date":"1767484800","totalCirculatingUSD":{"peggedUSD":5}},{"date":1767484800,"totalCirculatingUSD":{"peggedUSD":6}}]`,
			wantErr: "conflicting duplicate timestamp"},
		{name: "stablecoin chart negative", dec: schart, body: `[{"date":"1767484800","totalCirculatingUSD":{"peggedUSD":-5}}]`, wantErr: "negative"},
		// coins chart
		{name: "coins two samples one day, closest wins", dec: coins,
			body: `{"coins":{"coingecko:x":{"symbol":"X","prices":[{"timestamp":1767484000,"price":1},{"timestamp":1767484810,"price":2}]}}}`,
			want: map[string]float64{"asset:x price 2026-01-04": 2}, wantN: 1},
		{name: "coins symbol clash", dec: coins, body: `{"coins":{"coingecko:a":{"symbol":"X","prices":[]},"coingecko:b":{"symbol":"x","prices":[]}}}`, wantErr: "symbol \"x\" also used"},
		{name: "coins zero price", dec: coins, body: `{"coins":{"coingecko:a":{"symbol":"A","prices":[{"timestamp":1767484800,"price":0}]}}}`, wantErr: "zero price"},
		{name: "coins missing", dec: coins, body: `{"coins":0}`, wantErr: "field coins: want an object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.dec(tc.body)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v\nwant %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			mustValid(t, b)
			m := obsMap(b)
			for k, v := range tc.want {
				if got, ok := m[k]; !ok || got != v {
					t.Errorf("%s = %v (present %v), want %v; all %v", k, got, ok, v, m)
				}
			}
			if tc.wantN >= 0 && len(b.Observations) != tc.wantN {
				t.Errorf("n = %d, want %d: %v", len(b.Observations), tc.wantN, m)
			}
			if tc.check != nil {
				tc.check(t, b)
			}
		})
	}
}

// /v2/chains lists a renamed chain under its old and new labels; the row with the larger TVL is
// the live one, whatever order the API gives them in.
func TestDecodeChainsKeepsLargestLabel(t *testing.T) {
	for _, body := range []string{
		`[{"name":"Optimism","tvl":1200,"tokenSymbol":"OP"},{"name":"OP Mainnet","tvl":540000000,"tokenSymbol":"OP","chainId":10},{"name":"Base","tvl":900}]`,
		`[{"name":"OP Mainnet","tvl":540000000,"tokenSymbol":"OP","chainId":10},{"name":"Base","tvl":900},{"name":"Optimism","tvl":1200,"tokenSymbol":"OP"}]`,
	} {
		b, infos, err := DecodeChains([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if len(infos) != 2 || infos[0].TVL != 540000000 || infos[0].Name != "OP Mainnet" {
			t.Errorf("%s: infos = %+v", body, infos)
		}
		if len(b.Entities) != 2 || b.Entities[0].Attrs["chain_id"] != "10" && b.Entities[1].Attrs["chain_id"] != "10" {
			t.Errorf("%s: entities = %+v", body, b.Entities)
		}
	}
}
