package importer_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"cryptoweekly/importer"
	_ "cryptoweekly/provider/all"
)

const weekly = "coinmarketcap-weekly-top100-frla18cz/"

// weeklyRows is one weekly snapshot: 100 rows, BGB at rank 2.
var weeklyRows = func() string {
	var b strings.Builder
	b.WriteString("snapshot_date,rank,name,symbol,market_cap,price,circulating,volume_24h\n")
	b.WriteString("2024-12-09,1,BTCBitcoin,BTC,\"$1,000,000,000,000.00\",\"$50,000.00\",\"20,000,000BTC\",\"$1,000,000.00\"\n")
	b.WriteString("2024-12-09,2,BGBBitget Token,BGB,\"$2,500,000,000.00\",$2.5132,\"1,000,000,000 BGB\",\"$1,000,000.00\"\n")
	for r := 3; r <= 100; r++ {
		fmt.Fprintf(&b, "2024-12-09,%d,TK%dToken %d,TK%d,\"$1,000,000.00\",$1.00,\"1,000,000 TK%d\",\"$1,000.00\"\n", r, r, r, r, r)
	}
	return b.String()
}()

// TestConflictingFilesOfOneFamily: two files of one family that disagree on a day are an error
// naming both (defect 4: which value won changed between identical runs); the same value given
// twice is kept once.
func TestConflictingFilesOfOneFamily(t *testing.T) {
	other := strings.Replace(weeklyRows, "$2.5132", "$9.9999", 1)
	_, err := importer.ImportDir(fstest.MapFS{
		weekly + "top100_weekly_data.csv":   {Data: []byte(weeklyRows)},
		weekly + "top100_weekly_data_b.csv": {Data: []byte(other)},
	})
	if err == nil || !strings.Contains(err.Error(), "conflicting files") || !strings.Contains(err.Error(), "asset:bgb price 2024-12-09") {
		t.Fatalf("got %v, want a conflict naming asset:bgb price 2024-12-09", err)
	}
	bs, err := importer.ImportDir(fstest.MapFS{
		weekly + "top100_weekly_data.csv":   {Data: []byte(weeklyRows)},
		weekly + "top100_weekly_data_b.csv": {Data: []byte(weeklyRows)},
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range bs {
		for _, o := range b.Observations {
			if o.Entity == "asset:bgb" && o.Metric == "price" {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("%d asset:bgb price rows, want the overlap kept once", n)
	}
}
