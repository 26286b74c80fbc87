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
		{9999, "SOL", "9999"},
		{42.4, "%", "42.40%"},
		{73, "index", "73"},
	} {
		if got := Value(&c.v, c.unit); got != c.want {
			t.Errorf("Value(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
	if got := Value(nil, "BTC"); got != "n/a" {
		t.Errorf("Value(nil) = %q", got)
	}
}
