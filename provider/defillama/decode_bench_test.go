package defillama

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"
)

// protocolsPayload generates a /protocols response of the live size and shape: a bare array of
// n protocol objects with every field the real list carries (the shape of
// ../shared/api-shapes/defillama-protocols.json, from defillama-server getProtocols.ts):
// descriptions, chain lists, per-chain TVL maps with -borrowed/-staking keys, null fields, and a
// few parent protocols. n = 7,000 gives ~6 MB, the size of the live list.
func protocolsPayload(n int) []byte {
	chains := []string{"Ethereum", "Arbitrum", "Base", "Solana", "Binance", "Polygon", "Avalanche", "Optimism", "Tron", "Sui", "Aptos", "Blast", "Linea", "Scroll", "zkSync Era"}
	cats := []string{"Dexs", "Lending", "Liquid Staking", "Bridge", "CDP", "Yield", "Derivatives", "RWA", "Restaking", "Yield Aggregator"}
	items := make([]map[string]any, n)
	for i := range items {
		h := func(k int) float64 { return math.Mod(math.Abs(math.Sin(float64(i*31+k*17)))*10000, 1) }
		nc := 1 + i%7
		var cs []string
		ctvl := map[string]any{}
		tvl := math.Pow(10, 2+8*h(1))
		for j := 0; j < nc; j++ {
			c := chains[(i+j*3)%len(chains)]
			cs = append(cs, c)
			ctvl[c] = tvl / float64(nc)
			if j%2 == 0 {
				ctvl[c+"-borrowed"] = tvl / float64(nc) / 3
				ctvl[c+"-staking"] = tvl / 50
			}
		}
		var parent any
		if i%9 == 0 {
			parent = fmt.Sprintf("parent#family-%d", i/9)
		}
		var gecko any
		if i%4 == 0 {
			gecko = fmt.Sprintf("protocol-token-%d", i)
		}
		items[i] = map[string]any{
			"id": fmt.Sprint(100 + i), "name": fmt.Sprintf("Protocol %d V%d", i, 1+i%3), "address": nil,
			"symbol": fmt.Sprintf("P%d", i), "url": fmt.Sprintf("https://protocol-%d.example.org", i),
			"description": fmt.Sprintf("Protocol %d is a decentralised %s protocol where users can supply, borrow, swap and stake assets across %d chains, with governance by its token holders.", i, cats[i%len(cats)], nc),
			"chain":       map[bool]string{true: "Multi-Chain", false: cs[0]}[nc > 1], "logo": fmt.Sprintf("https://icons.llama.fi/protocol-%d.png", i),
			"audits": fmt.Sprint(i % 4), "audit_note": nil, "gecko_id": gecko, "cmcId": nil,
			"category": cats[i%len(cats)], "chains": cs, "oracles": []string{"Chainlink", "Pyth"}[:i%3%2+1],
			"forkedFrom": []string{}, "module": fmt.Sprintf("protocol-%d/index.js", i), "twitter": fmt.Sprintf("protocol%d", i),
			"audit_links":    []string{fmt.Sprintf("https://github.com/protocol-%d/audits", i)},
			"parentProtocol": parent, "listedAt": 1600000000 + i*3600, "methodology": "Counts the tokens locked in the protocol's contracts.",
			"slug": fmt.Sprintf("protocol-%d-v%d", i, 1+i%3), "tvl": tvl, "chainTvls": ctvl,
			"change_1h": h(2) - 0.5, "change_1d": 10 * (h(3) - 0.5), "change_7d": 30 * (h(4) - 0.5),
			"tokenBreakdowns": map[string]any{}, "mcap": map[bool]any{true: tvl * 2, false: nil}[i%4 == 0],
			"staking": tvl / 50, "pool2": nil,
		}
	}
	b, err := json.Marshal(items)
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkDecodeProtocols decodes a full-size /protocols payload; MB/s is of the raw JSON.
// "json-valid" is the baseline measured in the same run: json.Valid over the same bytes, the
// least any encoding/json decoder does.
func BenchmarkDecodeProtocols(b *testing.B) {
	body := protocolsPayload(7000)
	at := time.Date(2025, 6, 13, 12, 0, 0, 0, time.UTC)
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			bt, err := DecodeProtocols(body, at)
			if err != nil {
				b.Fatal(err)
			}
			if len(bt.Entities) != 7000 {
				b.Fatalf("%d entities", len(bt.Entities))
			}
		}
	})
	b.Run("json-valid", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			if !json.Valid(body) {
				b.Fatal("invalid")
			}
		}
	})
}
