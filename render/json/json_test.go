package json

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"cryptoweekly/render/rendertest"
	"cryptoweekly/report"
	_ "cryptoweekly/section/all" // reading report.json back needs the sections' block types
	"cryptoweekly/section/tokens"
)

func TestJSONIsTheModel(t *testing.T) {
	var b bytes.Buffer
	r := rendertest.Hostile()
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "<script>") {
		t.Error("JSON should escape < for safe embedding in HTML")
	}
	var back report.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	tok, ok := back.Block("tokens").(*tokens.Block)
	if !ok || len(tok.TopGainers) != 1 {
		t.Fatalf("round trip lost the tokens block: %#v", back.Block("tokens"))
	}
	if tok.TopGainers[0].Name != rendertest.HostileName || *tok.TopGainers[0].Pct != 100 {
		t.Errorf("round trip lost data: %+v", tok.TopGainers[0])
	}
	// The sections keep their report order and the document stays one flat object.
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(b.Bytes()))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	if got := strings.Join(keys, ","); got != "title,week_start,week_end,generated_at,store,overview,chains,tokens,events,outlook,methodology,sources" {
		t.Errorf("keys %s", got)
	}
}
