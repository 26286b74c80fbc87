// Package render prints a report model in each output format. Renderers only format: every number
// they print is already in the model, so all formats agree.
package render

import (
	"encoding/json"
	"io"

	"cryptoweekly/report"
)

// JSON writes the report model as indented JSON.
func JSON(w io.Writer, r *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
