package technicals

import (
	"math"
	"testing"
)

func TestRSI(t *testing.T) {
	up := make([]float64, 40)
	for i := range up {
		up[i] = float64(100 + i)
	}
	if r := rsiAt(up, 39); r != 100 {
		t.Errorf("only gains: RSI %v, want 100", r)
	}
	// Alternating +2/-1: average gain 1 and loss 0.5 per day, RSI 100-100/(1+2) = 66.7 on average;
	// Wilder's smoothing leaves it a little above after a gain day (the last change is +2).
	alt := []float64{100}
	for i := 1; i < 300; i++ {
		d := 2.0
		if i%2 == 0 {
			d = -1
		}
		alt = append(alt, alt[i-1]+d)
	}
	if r := rsiAt(alt, 299); r < 66.67 || r > 69.5 {
		t.Errorf("alternating: RSI %v, want about 66.7", r)
	}
	if r := rsiAt(up, 13); !math.IsNaN(r) {
		t.Errorf("14 closes are not enough: %v", r)
	}
}

func TestSMADistance(t *testing.T) {
	v := make([]float64, 200)
	for i := range v {
		v[i] = 100
	}
	v[199] = 110 // average (199×100 + 110)/200 = 100.05
	if d := smaDistance(v, 199); math.Abs(d-(110/100.05-1)*100) > 1e-9 {
		t.Errorf("distance %v", d)
	}
	if d := smaDistance(v, 198); !math.IsNaN(d) {
		t.Errorf("199 closes are not enough: %v", d)
	}
}
