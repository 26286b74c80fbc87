// Package provnote builds the human-readable Note of a connector's provenance from parts.
package provnote

import (
	"fmt"
	"strings"
)

// Join joins the non-empty parts with single spaces.
func Join(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

// Skipped reports n malformed rows ("" when none were skipped).
func Skipped(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d malformed rows skipped.", n)
}
