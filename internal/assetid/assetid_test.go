package assetid

import "testing"

func TestClaim(t *testing.T) {
	a := New()
	for _, tc := range []struct{ key, suffix, want string }{
		{"btc", "bitcoin", "asset:btc"},
		{"btc", "wrapped", "asset:btc-wrapped"},
		{"btc", "wrapped", "asset:btc-wrapped-2"},
		{"btc", "wrapped", "asset:btc-wrapped-3"},
		{"btc-wrapped", "x", "asset:btc-wrapped-x"}, // an ID taken by a suffix collides like any other
		{"eth", "lc-2", "asset:eth"},
	} {
		if got := a.Claim(tc.key, tc.suffix); got != tc.want {
			t.Errorf("Claim(%q, %q) = %q, want %q", tc.key, tc.suffix, got, tc.want)
		}
	}
}

func TestAssign(t *testing.T) {
	a := New()
	for _, tc := range []struct{ key, id, want string }{
		{"btc", "bitcoin", "asset:btc"},
		{"btc", "bitcoin-wormhole", "asset:btc-bitcoin-wormhole"},
		{"wbtc", "bitcoin", "asset:btc"}, // a known provider id keeps its first ID
		{"btc", "bitcoin-wormhole", "asset:btc-bitcoin-wormhole"},
		{"btc-bitcoin-wormhole", "other", "asset:btc-bitcoin-wormhole-other"},
	} {
		if got := a.Assign(tc.key, tc.id); got != tc.want {
			t.Errorf("Assign(%q, %q) = %q, want %q", tc.key, tc.id, got, tc.want)
		}
	}
	if id, ok := a.Lookup("bitcoin"); !ok || id != "asset:btc" {
		t.Errorf("Lookup(bitcoin) = %q, %v", id, ok)
	}
	if _, ok := a.Lookup("never"); ok {
		t.Error("Lookup(never) found")
	}
	// Claim does not remember provider ids.
	if _, ok := a.Lookup("btc"); ok {
		t.Error("Claim suffix remembered")
	}
}

func TestReserve(t *testing.T) {
	a := New()
	a.Reserve("asset:sol")
	a.Reserve("asset:sol-wrapped-sol")
	if got := a.Claim("sol", "wrapped-sol"); got != "asset:sol-wrapped-sol-2" {
		t.Errorf("Claim after Reserve = %q", got)
	}
}
