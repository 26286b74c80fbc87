package rawfile

import (
	"math"
	"testing"
)

// FuzzParseNumber: any input either parses to a finite number or errors; never panics.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"$1,928,353,928,001.88", "19,791,646BTC", "158,432,088 RUNE *", "-$3.5", "1e9", "NaN", "", "$", "1,2,3", "0x10", "Inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseNumber(s)
		if err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("%q parsed to %v", s, v)
		}
	})
}
