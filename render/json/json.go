// Package json writes the report model as indented JSON: the data behind every figure, for
// machines and for the dashboard.
package json

import (
	"encoding/json"
	"io"

	"cryptoweekly/render"
	"cryptoweekly/report"
)

func init() { render.Register(render.Format{Name: "json", Ext: "json", Render: Write}) }

// Write writes the report model as indented JSON. HTML characters in data are escaped (\u003c),
// so the document is safe to embed in a page.
func Write(w io.Writer, r *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
