package smoothbrainquant

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
)

// Test helpers, as in provider/coinmarketcap's tests: both datasets hold CMC snapshots.

func cmcTestParse(t *testing.T, fsys fs.FS, dir string) ([]cw.Batch, error) {
	t.Helper()
	for _, f := range cw.FileFamilies() {
		if f.Dir == dir {
			bs, err := f.Parse(fsys, dir)
			if err == nil {
				for i := range bs {
					if verr := bs[i].Validate(); verr != nil {
						t.Fatalf("batch %d (%s) does not validate: %v", i, bs[i].Source.Location, verr)
					}
				}
			}
			return bs, err
		}
	}
	t.Fatalf("family %s not registered", dir)
	return nil, nil
}

func cmcTestDay(s string) time.Time {
	d, err := cw.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

// cmcTestObs returns the value of entity/metric/day across batches; it fails on a repeat.
func cmcTestObs(t *testing.T, bs []cw.Batch, entity, metric, day string) (float64, bool) {
	t.Helper()
	d := cmcTestDay(day)
	found, v := 0, 0.0
	for _, b := range bs {
		for _, o := range b.Observations {
			if o.Entity == entity && string(o.Metric) == metric && o.Day.Equal(d) {
				found++
				v = o.Value
			}
		}
	}
	if found > 1 {
		t.Errorf("%s %s %s: %d observations, want at most 1", entity, metric, day, found)
	}
	return v, found == 1
}

func cmcTestWant(t *testing.T, bs []cw.Batch, entity, metric, day string, want, tol float64) {
	t.Helper()
	v, ok := cmcTestObs(t, bs, entity, metric, day)
	if !ok {
		t.Errorf("%s %s %s: no observation", entity, metric, day)
		return
	}
	if math.Abs(v-want) > tol {
		t.Errorf("%s %s %s = %v, want %v ± %v", entity, metric, day, v, want, tol)
	}
}

func cmcTestEntity(bs []cw.Batch, id string) (cw.Entity, bool) {
	var out cw.Entity
	ok := false
	for _, b := range bs {
		for _, e := range b.Entities {
			if e.ID == id {
				out, ok = e, true
			}
		}
	}
	return out, ok
}

func cmcTestErr(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func cmcTestRaw(t *testing.T) fs.FS {
	t.Helper()
	const root = "../../../shared/data/raw"
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		t.Skip("raw data not present at " + root)
	}
	return os.DirFS(root)
}

// --- A: weekly top-100 ------------------------------------------------------------------------

const cmcWeeklyHeader = "snapshot_date,rank,name,symbol,market_cap,price,circulating,volume_24h\n"

// cmcWeeklySnap renders one snapshot: the given rows (without the date column) first, then
// filler coins up to n rows. Filler units contain digits ("1,000 FIL7 *") like "1INCH".
func cmcWeeklySnap(day string, n int, rows ...string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(day + "," + r + "\n")
	}
	for k := len(rows) + 1; k <= n; k++ {
		fmt.Fprintf(&b, "%s,%d,FIL%dFiller %d,FIL%d,\"$1,000.00\",$1.00,\"1,000 FIL%d *\",\"$10.00\"\n", day, k, k, k, k, k)
	}
	return b.String()
}

const (
	cmcBTCRow  = `1,BTCBitcoin,BTC,"$1,928,353,928,001.88","$97,432.72","19,791,646BTC","$93,612,418,129.38"`
	cmcUSDTRow = `3,USDTTether USDt,USDT,"$138,373,429,153.58",$1.00,"138,367,233,137USDT*","$190,221,306,125.21"`
	cmcRUNERow = `72,RUNETHORChain,RUNE,"$251,942,743.86",$1.5902,"158,432,088 RUNE *","$41,093,946.38"`
	cmc1INCH   = `80,1INCH1inch Network,1INCH,"$500,000,000.00",$0.40,"1,250,000,000 1INCH *","$50,000,000.00"`
)
