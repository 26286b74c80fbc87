package provnote

import "testing"

func TestJoin(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"", ""}, ""},
		{[]string{"a.", "", "b."}, "a. b."},
	} {
		if got := Join(tc.in...); got != tc.want {
			t.Errorf("Join(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSkipped(t *testing.T) {
	if got := Skipped(0); got != "" {
		t.Errorf("Skipped(0) = %q", got)
	}
	if got := Skipped(3); got != "3 malformed rows skipped." {
		t.Errorf("Skipped(3) = %q", got)
	}
}
