package coinmarketcap

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cw "cryptoweekly"
	"cryptoweekly/internal/sourcetest"
)

// The fuzz targets check that decoders never panic and that anything they accept becomes a
// batch that passes Validate with clean text.

func checkBatch(t *testing.T, b cw.Batch) {
	t.Helper()
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, e := range b.Entities {
		for _, s := range append([]string{e.ID, e.Name, e.Symbol}, e.Tags...) {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\n\r\t") {
				t.Fatalf("unclean text %q", s)
			}
		}
	}
}

func FuzzDecodeListings(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coinmarketcap-listings-latest.json"))
	f.Add([]byte(`{"status":{"error_code":"0"},"data":[{"id":1,"symbol":"a"},{"id":2,"symbol":"A"},{"id":3,"symbol":"a-2"},{"id":"1","symbol":"b"}]}`))
	f.Add([]byte(`{"status":{"error_code":"1002","error_message":"x"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		DecodeStatus(body)
		rows, _, _, err := DecodeListings(body)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "coinmarketcap: ") {
				t.Fatalf("error does not name the source: %v", err)
			}
			return
		}
		checkBatch(t, ListingsBatch(cw.Provenance{ID: SourceListings}, SortListings(rows), fetchDay))
	})
}

func FuzzDecodeFearGreed(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "coinmarketcap-fear-and-greed.json", "historical"))
	f.Add(sourcetest.Fixture(f, "coinmarketcap-fear-and-greed.json", "latest"))
	f.Add([]byte(`{"status":{"error_code":0},"data":[{"timestamp":"1768003200","value":35},{"timestamp":1768003200000,"value":"36"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		latest, _, _ := DecodeFearGreedLatest(body)
		hist, _, _, _ := DecodeFearGreedHistorical(body)
		checkBatch(t, FearGreedBatch(cw.Provenance{ID: SourceFearGreed}, hist, latest, time.Time{}))
	})
}
