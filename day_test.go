package cryptoweekly

import (
	"strings"
	"testing"
	"time"
)

// TestParseDayFastPath checks the hand-written YYYY-MM-DD reader against time.Parse.
func TestParseDayFastPath(t *testing.T) {
	for _, s := range []string{"2024-12-13", "2024-02-29", "2023-02-29", "2024-02-30", "2024-13-01", "2024-00-10",
		"2024-01-00", "2024-1-01", " 2024-01-01", "2024-01-01 ", "2024/01/01", "20a4-01-01", "0000-01-01", "9999-12-31", ""} {
		got, gerr := ParseDay(s)
		want, werr := time.Parse("2006-01-02", strings.TrimSpace(s))
		if (gerr == nil) != (werr == nil) || !got.Equal(want) || (gerr == nil && got.Location() != time.UTC) {
			t.Errorf("ParseDay(%q) = %v, %v; time.Parse gives %v, %v", s, got, gerr, want, werr)
		}
	}
}
