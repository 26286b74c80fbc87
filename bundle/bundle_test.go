package bundle

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	cw "cryptoweekly"
	"cryptoweekly/importer"
	_ "cryptoweekly/provider/all"
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

// TestDecodeRejects feeds the decoder damaged files: each is refused naming the file and line,
// and a wrong count record (it only sizes a slice) changes nothing read.
func TestDecodeRejects(t *testing.T) {
	const p = "P {\"id\":\"x\"}\n"
	cases := []struct{ name, body, want string }{
		{"day out of the calendar", p + "O index:a\tvalue\t2024-02-30\t1\n", "x.tsv.gz:2: not a YYYY-MM-DD day"},
		{"month 13", p + "O index:a\tvalue\t2024-13-01\t1\n", "not a YYYY-MM-DD day"},
		{"short day", p + "O index:a\tvalue\t2024-1-01\t1\n", "not a YYYY-MM-DD day"},
		{"letters in the day", p + "O index:a\tvalue\t2024-0a-01\t1\n", "not a YYYY-MM-DD day"},
		{"five fields", p + "O index:a\tvalue\t2024-01-01\t1\t2\n", "observation has 5 fields"},
		{"bad value", p + "O index:a\tvalue\t2024-01-01\t1,5\n", "x.tsv.gz:2: value"},
		{"duplicate day", p + "O index:a\tvalue\t2024-01-01\t1\nO index:a\tvalue\t2024-01-01\t2\n", "duplicate day 2024-01-01"},
		{"no provenance", "O index:a\tvalue\t2024-01-01\t1\n", "no provenance"},
	}
	for _, c := range cases {
		_, err := decode(gz(t, c.body), "x.tsv.gz")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	for _, n := range []string{"N 0\n", "N 1\n", "N -5\n", "N 999999999999\n", "N x\n"} {
		b, err := decode(gz(t, p+n+"O index:a\tvalue\t2024-01-01\t1\nO index:a\tvalue\t2024-01-02\t2\n"), "x.tsv.gz")
		if err != nil || len(b.Observations) != 2 || b.Observations[1].Value != 2 {
			t.Errorf("count record %q: %v, %+v", n, err, b.Observations)
		}
	}
}

func gz(t *testing.T, s string) io.Reader {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return &buf
}
