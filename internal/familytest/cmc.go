package familytest

import (
	"fmt"
	"strings"
)

// CoinMarketCap weekly top-100 snapshots in the shape both bundled CMC datasets hold
// (provider/coinmarketcap and provider/smoothbrainquant test against the same rows).

// CMCWeeklyHeader is the header of a weekly top-100 CSV.
const CMCWeeklyHeader = "snapshot_date,rank,name,symbol,market_cap,price,circulating,volume_24h\n"

// CMCWeeklySnap renders one snapshot: the given rows (without the date column) first, then
// filler coins up to n rows. Filler units contain digits ("1,000 FIL7 *") like "1INCH".
func CMCWeeklySnap(day string, n int, rows ...string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(day + "," + r + "\n")
	}
	for k := len(rows) + 1; k <= n; k++ {
		fmt.Fprintf(&b, "%s,%d,FIL%dFiller %d,FIL%d,\"$1,000.00\",$1.00,\"1,000 FIL%d *\",\"$10.00\"\n", day, k, k, k, k, k)
	}
	return b.String()
}

// Real rows of the 2024-12-09 snapshot (1INCH's is made up to carry a digit-led unit).
const (
	CMCBTCRow   = `1,BTCBitcoin,BTC,"$1,928,353,928,001.88","$97,432.72","19,791,646BTC","$93,612,418,129.38"`
	CMCUSDTRow  = `3,USDTTether USDt,USDT,"$138,373,429,153.58",$1.00,"138,367,233,137USDT*","$190,221,306,125.21"`
	CMCRUNERow  = `72,RUNETHORChain,RUNE,"$251,942,743.86",$1.5902,"158,432,088 RUNE *","$41,093,946.38"`
	CMC1INCHRow = `80,1INCH1inch Network,1INCH,"$500,000,000.00",$0.40,"1,250,000,000 1INCH *","$50,000,000.00"`
)
