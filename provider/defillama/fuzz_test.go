package defillama

import (
	"math"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	cw "cryptoweekly"
)

// checkBatch is the invariant every successful decode must satisfy.
func checkBatch(t *testing.T, b cw.Batch, err error, metricsNonNeg bool) {
	if err != nil {
		if !strings.HasPrefix(err.Error(), "defillama: ") {
			t.Fatalf("error without source prefix: %v", err)
		}
		return
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("decoded batch fails Validate: %v", err)
	}
	for _, o := range b.Observations {
		if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) || (metricsNonNeg && o.Value < 0) {
			t.Fatalf("bad value %+v", o)
		}
	}
	for _, e := range b.Entities {
		for _, s := range []string{e.ID, e.Name, e.Symbol, e.Category, e.Parent} {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\n\r\x1b") {
				t.Fatalf("unclean text %q in %+v", s, e)
			}
		}
	}
}

func seedRaw(f *testing.F) {
	if raw, err := os.ReadFile(rawProtocols + "etherfuse.json"); err == nil {
		f.Add(raw)
	}
}

func FuzzDecodeProtocols(f *testing.F) {
	f.Add(fixture(f, "defillama-protocols.json"))
	f.Add([]byte(`[{"name":"<script>x</script>","tvl":"-1","chains":0,"parentProtocol":"parent#a"},{"name":"A","tvl":null}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := DecodeProtocols(body, fetchDay)
		checkBatch(t, b, err, true)
	})
}

func FuzzDecodeProtocol(f *testing.F) {
	f.Add(fixture(f, "defillama-protocol-slug.json"))
	seedRaw(f)
	f.Add([]byte(`{"name":"Foo","tvl":[{"date":"1767484800","totalLiquidityUSD":"12"},{"date":1767484800000,"totalLiquidityUSD":12}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := DecodeProtocol(body, "slug")
		checkBatch(t, b, err, true)
	})
}

func FuzzDecodeChains(f *testing.F) {
	f.Add(fixture(f, "defillama-v2-chains.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, _, err := DecodeChains(body)
		checkBatch(t, b, err, true)
	})
}

func FuzzDecodeChainTVL(f *testing.F) {
	f.Add(fixture(f, "defillama-v2-historicalChainTvl.json"), "")
	f.Add(fixture(f, "defillama-v2-historicalChainTvl-chain.json"), "Ethereum")
	f.Add([]byte(`[{"date":"1767484800","totalLiquidityUSD":"$1,000"}]`), "OP Mainnet")
	f.Add([]byte(`{"message":"There is no chain with that name"}`), "Bad")
	f.Fuzz(func(t *testing.T, body []byte, chain string) {
		b, err := DecodeChainTVL(body, chain)
		checkBatch(t, b, err, true)
	})
}

func FuzzDecodeDerivativesOverview(f *testing.F) {
	f.Add(localFixture(f, "defillama-overview-derivatives.json"))
	f.Add([]byte(`{"totalDataChart":[[1767484800,"5"],["1767571200",6],[1767657600,null]],"change_7dover7d":"1e400"}`))
	f.Add([]byte(`{"totalDataChart":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := DecodeDerivativesOverview(body, fetchDay)
		checkBatch(t, b, err, true)
		for _, o := range b.Observations {
			if o.Metric != MetricPerpsVolume || o.Entity != EntityDexTotal || !o.Day.Before(day("2026-01-11")) {
				t.Fatalf("observation %+v", o)
			}
		}
	})
}

func FuzzDecodeDexOverview(f *testing.F) {
	f.Add(fixture(f, "defillama-overview-dexs.json"), "")
	f.Add(fixture(f, "defillama-overview-dexs-chain.json"), "Ethereum")
	f.Add([]byte(`{"totalDataChart":[[1767484800,"5"],["1767571200",6]],"protocols":[{"name":"X","total24h":"1"}]}`), "")
	f.Fuzz(func(t *testing.T, body []byte, chain string) {
		b, _, err := DecodeDexOverview(body, chain, fetchDay)
		checkBatch(t, b, err, true)
		for _, o := range b.Observations {
			if o.Metric == "dex_volume" && !o.Day.Before(day("2026-01-11")) {
				t.Fatalf("partial bar kept: %+v", o)
			}
		}
	})
}

func FuzzDecodeStablecoins(f *testing.F) {
	f.Add(fixture(f, "defillama-stablecoins.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, _, err := DecodeStablecoins(body, fetchDay)
		checkBatch(t, b, err, true)
	})
}

func FuzzDecodeStablecoinChart(f *testing.F) {
	f.Add(fixture(f, "defillama-stablecoincharts-all.json"), "")
	f.Add(fixture(f, "defillama-stablecoincharts-all.json"), "1")
	f.Fuzz(func(t *testing.T, body []byte, id string) {
		b, err := DecodeStablecoinChart(body, id, "USDT", fetchDay)
		checkBatch(t, b, err, true)
	})
}

func FuzzDecodeCoinsChart(f *testing.F) {
	f.Add(fixture(f, "defillama-coins-percentage-chart.json", "chart"))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := DecodeCoinsChart(body)
		checkBatch(t, b, err, true)
	})
}
