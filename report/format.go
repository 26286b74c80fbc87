package report

import (
	"fmt"
	"math"
	"strings"
)

// USD formats a dollar amount the way the desk writes it: $246.01B, $570.7M, $97,432.72.
func USD(v float64) string {
	a := math.Abs(v)
	sign := ""
	if v < 0 {
		sign = "-"
	}
	switch {
	case a >= 1e12:
		return fmt.Sprintf("%s$%.2fT", sign, a/1e12)
	case a >= 1e9:
		return fmt.Sprintf("%s$%.2fB", sign, a/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%s$%.2fM", sign, a/1e6)
	case a >= 1000:
		return sign + "$" + thousands(a)
	case a >= 1:
		return fmt.Sprintf("%s$%.2f", sign, a)
	case a == 0:
		return "$0"
	}
	// Sub-dollar prices keep four significant digits in plain notation: $0.03139, $0.00002042.
	return fmt.Sprintf("%s$%.*f", sign, int(math.Ceil(-math.Log10(a)))+3, a)
}

// SignedUSD is USD with an explicit + for gains.
func SignedUSD(v float64) string {
	if v > 0 {
		return "+" + USD(v)
	}
	return USD(v)
}

func thousands(a float64) string {
	s := fmt.Sprintf("%.2f", a)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac
}

// Pct formats a percent change with its sign: +3.28%, -1.10%.
func Pct(v float64) string {
	if math.Abs(v) < 0.005 {
		return "0.00%"
	}
	return fmt.Sprintf("%+.2f%%", v)
}

// PctPtr formats a possibly missing percent.
func PctPtr(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return Pct(*v)
}

// Value formats a figure's value by its unit.
func Value(v *float64, unit string) string {
	if v == nil {
		return "n/a"
	}
	switch unit {
	case "USD":
		return USD(*v)
	case "%":
		return fmt.Sprintf("%.2f%%", *v)
	case "index":
		return fmt.Sprintf("%.0f", *v)
	}
	// Amounts in coins or other units: "80,345.00", not %g's "8.035e+04".
	if a := math.Abs(*v); a >= 1e3 && a < 1e15 {
		if *v < 0 {
			return "-" + thousands(a)
		}
		return thousands(a)
	}
	return fmt.Sprintf("%.4g", *v)
}

// SignedAmount is a change in a unit other than USD: "+1,075.50", "-0.09".
func SignedAmount(v float64) string {
	if a := math.Abs(v); a >= 1e3 && a < 1e15 {
		if v < 0 {
			return "-" + thousands(a)
		}
		return "+" + thousands(a)
	}
	return fmt.Sprintf("%+.2f", v)
}

// Movement says "rose", "fell" or "was flat" for a percent change.
func Movement(pct float64) string {
	switch {
	case pct >= 0.05:
		return "rose"
	case pct <= -0.05:
		return "fell"
	}
	return "was flat"
}

// ShortUSD writes a floor or threshold as set ("$30M", "$1B"), not as a measured figure.
func ShortUSD(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("$%gB", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("$%gM", v/1e6)
	}
	return fmt.Sprintf("$%g", v)
}
