package report

import "testing"

func TestValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{8044197741.62, "USD", "$8.04B"},
		{80345.001, "BTC", "80,345.00"},
		{-12345.678, "ETH", "-12,345.68"},
		{2.165, "bp/8h", "2.165"},
		{9999, "SOL", "9,999.00"},
		{999.5, "SOL", "999.5"},
		{42.4, "%", "42.40%"},
		{73, "index", "73"},
	} {
		if got := Value(&c.v, c.unit); got != c.want {
			t.Errorf("Value(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
	for v, want := range map[float64]string{1075.5: "+1,075.50", -26299.75: "-26,299.75", 0.1784: "+0.18", -0.09: "-0.09"} {
		if got := SignedAmount(v); got != want {
			t.Errorf("SignedAmount(%v) = %q, want %q", v, got, want)
		}
	}
	if got := Value(nil, "BTC"); got != "n/a" {
		t.Errorf("Value(nil) = %q", got)
	}
}
