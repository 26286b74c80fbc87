package coingecko

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	cw "cryptoweekly"
	"cryptoweekly/internal/familytest"
)

func TestTop100Bundled(t *testing.T) {
	raw := familytest.Raw(t)
	bs, err := familytest.Parse(t, raw, Top100Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 || bs[0].Source.ID != SourceTop100Daily {
		t.Fatalf("batches %+v", bs)
	}
	// 231 files of 100 rows: a price and a rank each, nothing else.
	if n := len(bs[0].Observations); n != 2*231*100 {
		t.Errorf("%d observations, want %d", n, 2*231*100)
	}
	for _, o := range bs[0].Observations {
		if o.Metric != cw.MetricPrice && o.Metric != MetricRank {
			t.Fatalf("stored %s: the files have prices and ranks only", o.Metric)
		}
	}
	price := string(cw.MetricPrice)
	for _, c := range []struct {
		id, day string
		v       float64
	}{
		{"asset:btc", "2025-09-12", 115127}, // prices_2025-09-12.csv:2
		{"asset:btc", "2025-09-19", 116932}, // prices_2025-09-19.csv:2
		{"asset:btc", "2025-12-19", 88009},
		// Two coins under WETH in one file: WETH (rank 24) and Binance-Peg WETH (rank 60).
		{"asset:weth", "2025-09-19", 4537.27},
		{"asset:weth-binance-peg-weth", "2025-09-19", 4536.97},
		// "Cosmos Hub" is CoinMarketCap's "Cosmos": the table's one ATOM coin.
		{"asset:atom", "2025-09-19", 4.67},
		// "Canton Network" on 2025-11-10, "Canton" from 2025-11-11: one coin renamed.
		{"asset:cc", "2025-11-10", 0.15711},
		{"asset:cc", "2025-11-11", 0.110512},
		// "\u200b\u200bStable": the zero-width spaces are not part of the name.
		{"asset:stable", "2026-04-01", 0.02919121},
	} {
		familytest.Want(t, bs, c.id, price, c.day, c.v, 0)
	}
	familytest.Want(t, bs, "asset:usdt-polygon-bridged-usdt-(polygon)", string(MetricRank), "2025-09-19", 100, 0)
	familytest.Want(t, bs, "asset:usdt", string(MetricRank), "2025-09-19", 4, 0)
	for id, want := range map[string][2]string{
		"asset:atom":            {"Cosmos", "ATOM"},      // the CMC families' name for the entity
		"asset:stable":          {"Stable", "STABLE"},    // format characters dropped
		"asset:sol-wrapped-sol": {"Wrapped SOL", "SOL"},  // never Solana's series
		"asset:strk":            {"Starknet", "STRK"},    // the table's Starknet, not Strike
		"asset:cc":              {"Canton", "CC"},        // the latest name
		"asset:usde":            {"Ethena USDe", "USDe"}, // the table's spelling of the ticker
	} {
		e, ok := familytest.Entity(bs, id)
		if !ok || e.Name != want[0] || e.Symbol != want[1] {
			t.Errorf("%s: %+v, want name %q symbol %q", id, e, want[0], want[1])
		}
	}
	if !strings.Contains(bs[0].Source.Note, "SOL Wrapped SOL as asset:sol-wrapped-sol") {
		t.Errorf("the note does not list the coins kept apart: %s", bs[0].Source.Note)
	}
}

// top100File renders one file: the given rows (rank,name,symbol,price) first, then filler coins
// up to n rows.
func top100Body(n int, rows ...string) string {
	var b strings.Builder
	b.WriteString("rank,name,symbol,price\r\n")
	for _, r := range rows {
		b.WriteString(r + "\r\n")
	}
	for k := len(rows) + 1; k <= n; k++ {
		fmt.Fprintf(&b, "%d,Filler %d,FIL%d,1.5\r\n", k, k, k)
	}
	return b.String()
}

func top100FS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for day, body := range files {
		m[Top100Dir+"/prices_"+day+".csv"] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

// Rows of prices_2025-09-19.csv: names, tickers and prices as in the file, WETH's two coins
// renumbered to ranks 2 and 3 (they are 24 and 60 there).
const (
	top100BTC  = "1,Bitcoin,BTC,116932"
	top100ETH  = "2,Ethereum,ETH,4539.85"
	top100WETH = "2,WETH,WETH,4537.27"
	top100BPW  = "3,Binance-Peg WETH,WETH,4536.97"
)

func TestTop100Rejects(t *testing.T) {
	good := top100Body(100, top100BTC, top100ETH)
	if _, err := familytest.Parse(t, top100FS(map[string]string{"2025-09-19": good}), Top100Dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, day, body string
		want            []string
	}{
		{"bad number", "2025-09-19", top100Body(100, "1,Bitcoin,BTC,116.932.0"), []string{"prices_2025-09-19.csv:2", "price", "116.932.0"}},
		{"thousands separator", "2025-09-19", top100Body(100, `1,Bitcoin,BTC,"116,932"`), []string{"prices_2025-09-19.csv:2", "price"}},
		{"NaN price", "2025-09-19", top100Body(100, "1,Bitcoin,BTC,NaN"), []string{"prices_2025-09-19.csv:2", "not a finite number"}},
		{"zero price", "2025-09-19", top100Body(100, "1,Bitcoin,BTC,0"), []string{"prices_2025-09-19.csv:2", "positive"}},
		{"duplicate row", "2025-09-19", top100Body(100, top100BTC, "2,Bitcoin,BTC,116933"), []string{"prices_2025-09-19.csv:3", "listed twice (first at line 2)"}},
		{"unknown column", "2025-09-19", strings.Replace(strings.ReplaceAll(top100Body(100, top100BTC), "\r\n", ",1\r\n"), "price,1", "price,market_cap", 1),
			[]string{"prices_2025-09-19.csv:1", "unknown column", "market_cap"}},
		{"renamed column", "2025-09-19", strings.Replace(top100Body(100, top100BTC), "price", "current_price", 1), []string{"prices_2025-09-19.csv:1", "missing column", "price"}},
		{"hostile HTML name", "2025-09-19", top100Body(100, "1,<script>alert(1)</script>,BTC,116932"), []string{"prices_2025-09-19.csv:2", "field name", "markup", "<script>"}},
		{"hostile HTML symbol", "2025-09-19", top100Body(100, "1,Bitcoin,<b>BTC</b>,116932"), []string{"prices_2025-09-19.csv:2", "field symbol", "markup"}},
		{"control character", "2025-09-19", top100Body(100, "1,Bit\x07coin,BTC,116932"), []string{"prices_2025-09-19.csv:2", "control character"}},
		{"empty name", "2025-09-19", top100Body(100, "1,\u200b,BTC,116932"), []string{"prices_2025-09-19.csv:2", "empty name"}},
		{"truncated", "2025-09-19", top100Body(99, top100BTC), []string{"prices_2025-09-19.csv", "99 rows, want 100"}},
		{"ranks out of order", "2025-09-19", top100Body(100, top100ETH, top100BTC), []string{"prices_2025-09-19.csv:2", "rank 2 on row 1"}},
		{"short row", "2025-09-19", top100Body(100, "1,Bitcoin,BTC"), []string{"prices_2025-09-19.csv:2", "3 fields, header has 4"}},
		{"far-future file", "2999-09-19", good, []string{"prices_2999-09-19.csv:2", "outside"}},
		{"bad file day", "2025-13-01", good, []string{"prices_2025-13-01.csv", "file name"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := familytest.Parse(t, top100FS(map[string]string{c.day: c.body}), Top100Dir)
			familytest.Err(t, err, c.want...)
		})
	}
	_, err := familytest.Parse(t, fstest.MapFS{Top100Dir + "/README.md": {Data: []byte("x")}}, Top100Dir)
	familytest.Err(t, err, "no prices_YYYY-MM-DD.csv file")
}

func TestTop100AssetIDs(t *testing.T) {
	files := map[string]string{
		// Two coins share WETH on both days; WETH ranks better, so it is the main coin. "Old
		// Name" becomes "New Name" at a held price: one coin. "Jumpy" is followed by "Other Coin"
		// at 50× its price under the same ticker: a different coin. STRK's table has Strike and
		// Starknet; "Stark Fork" is neither, so it is not guessed onto either.
		"2025-09-18": top100Body(100, top100BTC, top100WETH, top100BPW, "4,Old Name,ONX,2.0", "5,Jumpy,JMP,1.0", "6,Stark Fork,STRK,0.2", "7,Cosmos Hub,ATOM,4.6"),
		"2025-09-19": top100Body(100, top100BTC, top100WETH, top100BPW, "4,New Name,ONX,2.1", "5,Other Coin,JMP,50", "6,Stark Fork,STRK,0.21", "7,Cosmos Hub,ATOM,4.67"),
	}
	bs, err := familytest.Parse(t, top100FS(files), Top100Dir)
	if err != nil {
		t.Fatal(err)
	}
	price := string(cw.MetricPrice)
	familytest.Want(t, bs, "asset:weth", price, "2025-09-19", 4537.27, 0)
	familytest.Want(t, bs, "asset:weth-binance-peg-weth", price, "2025-09-19", 4536.97, 0)
	familytest.Want(t, bs, "asset:onx", price, "2025-09-18", 2.0, 0)
	familytest.Want(t, bs, "asset:onx", price, "2025-09-19", 2.1, 0)
	// One row each at the same rank: the tie falls to the first name in order, Jumpy.
	familytest.Want(t, bs, "asset:jmp", price, "2025-09-18", 1.0, 0)
	familytest.Want(t, bs, "asset:jmp-other-coin", price, "2025-09-19", 50, 0)
	familytest.Want(t, bs, "asset:strk-stark-fork", price, "2025-09-19", 0.21, 0)
	familytest.Want(t, bs, "asset:atom", price, "2025-09-19", 4.67, 0)
	if _, ok := familytest.Obs(t, bs, "asset:strk", price, "2025-09-19"); ok {
		t.Error("Stark Fork was put on Starknet's series")
	}
	if e, _ := familytest.Entity(bs, "asset:onx"); e.Name != "New Name" {
		t.Errorf("renamed coin carries %q, want its latest name", e.Name)
	}
	note := bs[0].Source.Note
	for _, want := range []string{"WETH Binance-Peg WETH as asset:weth-binance-peg-weth (a second coin of its ticker)",
		"STRK Stark Fork as asset:strk-stark-fork (its ticker belongs to several coins in CoinMarketCap's table, none of this name)"} {
		if !strings.Contains(note, want) {
			t.Errorf("note lacks %q: %s", want, note)
		}
	}
}
