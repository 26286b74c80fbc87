package coingecko

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// marketsPayload generates a full /coins/markets page (per_page=250, the maximum, with
// price_change_percentage=24h,7d as the provider asks) from the documented row shape in
// testdata/coingecko-coins-markets.json, varying ids, names and numbers per row.
func marketsPayload(tb testing.TB, n int) []byte {
	raw, err := os.ReadFile("testdata/coingecko-coins-markets.json")
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct{ Response []map[string]any }
	if err := json.Unmarshal(raw, &doc); err != nil || len(doc.Response) == 0 {
		tb.Fatalf("example: %v", err)
	}
	rows := make([]map[string]any, n)
	for i := range rows {
		r := map[string]any{}
		for k, v := range doc.Response[i%len(doc.Response)] {
			if f, ok := v.(float64); ok {
				v = f * (0.5 + math.Mod(math.Abs(math.Sin(float64(i*7+len(k)))), 1))
			}
			r[k] = v
		}
		r["id"], r["symbol"], r["name"] = fmt.Sprintf("coin-%d", i), fmt.Sprintf("c%d", i), fmt.Sprintf("Coin %d", i)
		r["image"] = fmt.Sprintf("https://coin-images.coingecko.com/coins/images/%d/large/coin-%d.png", 1000+i, i)
		r["market_cap_rank"] = i + 1
		rows[i] = r
	}
	b, err := json.Marshal(rows)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkDecodeMarkets decodes a full 250-row /coins/markets page; MB/s is of the raw JSON.
// "json-valid" is the baseline measured in the same run: json.Valid over the same bytes.
func BenchmarkDecodeMarkets(b *testing.B) {
	body := marketsPayload(b, 250)
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			rows, _, err := DecodeMarkets(body)
			if err != nil {
				b.Fatal(err)
			}
			if len(rows) != 250 {
				b.Fatalf("%d rows", len(rows))
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
