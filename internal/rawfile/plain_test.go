package rawfile

import (
	"math/rand"
	"regexp"
	"testing"
)

// plainRE is the grammar isPlain implements, kept here as its specification.
var plainRE = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

func TestIsPlainMatchesRE(t *testing.T) {
	cases := []string{"", "1", "-1", "+1", "1.", ".5", ".", "-.", "1.5e9", "1e", "1e+", "1e-3", "e3", "+-1",
		"1.2.3", "1,5", "$1", "1_000", "0x10", "Inf", "NaN", "12abc", " 1", "1 ", "٣", "1.5E+10", "-.5e-3"}
	r := rand.New(rand.NewSource(1))
	const alphabet = "0123456789+-.eE,$ x"
	for i := 0; i < 20000; i++ {
		b := make([]byte, r.Intn(8))
		for j := range b {
			b[j] = alphabet[r.Intn(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, c := range cases {
		if got, want := isPlain(c), plainRE.MatchString(c); got != want {
			t.Errorf("isPlain(%q) = %v, the grammar says %v", c, got, want)
		}
	}
}
