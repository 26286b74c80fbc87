package bundle

import (
	"bytes"
	_ "cryptoweekly/provider/all"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	cw "cryptoweekly"
	"cryptoweekly/importer"
)

// TestBundleIsFresh checks that the committed dataset is exactly what the importer makes of the
// raw files today: a changed parser without `go generate ./bundle` fails here.
func TestBundleIsFresh(t *testing.T) {
	raw := "../../shared/data/raw"
	if _, err := os.Stat(raw); err != nil {
		t.Skip("../shared/data/raw not present")
	}
	want, err := importer.ImportDir(os.DirFS(raw))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Write(dir, want); err != nil {
		t.Fatal(err)
	}
	fresh, _ := filepath.Glob(filepath.Join(dir, "*.tsv.gz"))
	committed, _ := filepath.Glob("data/*.tsv.gz")
	if len(fresh) != len(committed) {
		t.Fatalf("bundle has %d files, the importer makes %d: run go generate ./bundle", len(committed), len(fresh))
	}
	for _, f := range fresh {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join("data", filepath.Base(f)))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the importer's output: run go generate ./bundle", filepath.Base(f))
		}
	}
}

func TestRoundTrip(t *testing.T) {
	d, _ := cw.ParseDay("2024-12-13")
	in := []cw.Batch{{
		Source:   cw.Provenance{ID: "s", Provider: "p", Location: "l", Licence: "none stated", Note: "tab\there"},
		Entities: []cw.Entity{{ID: "asset:x", Kind: cw.KindAsset, Name: `<b>"X"</b>`, Tags: []string{"cmc:memes"}}},
		Observations: []cw.Observation{
			{Entity: "asset:x", Metric: "price", Day: d, Value: 0.1 + 0.2, Source: "s"},
			{Entity: "asset:x", Metric: "price", Day: d.AddDate(0, 0, -1), Value: 1e-9, Source: "s"},
		},
	}}
	dir := t.TempDir()
	if err := Write(dir, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(in[0].Observations, func(i, j int) bool { return in[0].Observations[i].Day.Before(in[0].Observations[j].Day) })
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip:\n%+v\n%+v", in, out)
	}
}

func TestLoadEmbedded(t *testing.T) {
	bs, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range bs {
		n += len(b.Observations)
		if b.Source.Licence == "" || b.Source.Location == "" {
			t.Errorf("%s: provenance lacks licence or location", b.Source.ID)
		}
	}
	if len(bs) < 15 || n < 500000 {
		t.Fatalf("embedded bundle: %d batches, %d observations", len(bs), n)
	}
}
