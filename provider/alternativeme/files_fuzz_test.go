package alternativeme

import (
	"strings"
	"testing"
	"testing/fstest"

	"cryptoweekly/importer"
)

// FuzzFearGreedFile feeds arbitrary bytes to a real family parser through ImportDir: it must
// return batches that validate, or an error — never panic.
func FuzzFearGreedFile(f *testing.F) {
	f.Add("date,value,value_classification\n2024-12-13T00:00:00Z,76,Extreme Greed\n2024-12-12T00:00:00Z,83,Extreme Greed\n")
	f.Add("\xef\xbb\xbfdate,value,value_classification\n2024-12-13T00:00:00Z,NaN,Greed\n")
	f.Add("date,value\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, body string) {
		fsys := fstest.MapFS{"alternativeme-fng-MuLancer/fear_and_greed_index_2.csv": {Data: []byte(body)}}
		bs, err := importer.ImportDir(fsys)
		if err != nil {
			if !strings.Contains(err.Error(), "fear_and_greed_index_2.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, b := range bs {
			if err := b.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
