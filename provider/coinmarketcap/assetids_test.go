package coinmarketcap

import (
	"os"
	"testing"

	"cryptoweekly/internal/familytest"
)

// TestAssetIDTableFresh: the embedded table is what both bundled snapshot files give together.
func TestAssetIDTableFresh(t *testing.T) {
	raw := familytest.Raw(t)
	obs, err := cmcSightings(raw, WeeklyDir)
	if err != nil {
		t.Fatal(err)
	}
	got := buildAssetIDs(obs).tsv()
	if os.Getenv("CRYPTOWEEKLY_UPDATE_ASSETIDS") == "1" {
		if err := os.WriteFile("assetids.tsv", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != assetIDsTSV {
		t.Fatal("assetids.tsv is stale: run CRYPTOWEEKLY_UPDATE_ASSETIDS=1 go test ./provider/coinmarketcap -run AssetIDTable")
	}
}
