package duckdb

import (
	"context"
	"io/fs"
	"math/rand"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"testing"

	cw "cryptoweekly"
	"cryptoweekly/bundle"
	"cryptoweekly/importer"
	"cryptoweekly/internal/familytest"
	_ "cryptoweekly/provider/all"
)

// onlyFS shows only some top-level folders of a raw-data tree, as a user's folder holding a
// subset of the families would.
type onlyFS struct {
	fsys fs.FS
	dirs map[string]bool
}

func (o onlyFS) Open(name string) (fs.File, error) {
	if name != "." && !o.dirs[strings.SplitN(name, "/", 2)[0]] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return o.fsys.Open(name)
}

func importInto(t *testing.T, s *Store, fsys fs.FS, dirs []string) {
	t.Helper()
	only := onlyFS{fsys, map[string]bool{}}
	for _, d := range dirs {
		only.dirs[d] = true
	}
	bs, err := importer.ImportDir(only)
	if err != nil {
		t.Fatalf("import %v: %v", dirs, err)
	}
	if _, err := s.Apply(context.Background(), bs...); err != nil {
		t.Fatalf("apply %v: %v", dirs, err)
	}
}

func digest(t *testing.T, s *Store) map[string]string {
	t.Helper()
	d, err := s.Digest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestImportSubsetsGiveOneStore is the property that a store holds the same rows and names
// whatever subsets of the bundled families it was fed, in whatever order: for random partitions
// of the families imported one part at a time in random order, the store equals the one a
// single import of all families makes, and importing everything again changes nothing.
// CRYPTOWEEKLY_SUBSET_RUNS sets the number of random runs (default 3).
func TestImportSubsetsGiveOneStore(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the whole raw tree several times")
	}
	raw := familytest.Raw(t)
	var all []string
	for _, f := range cw.FileFamilies() {
		if st, err := fs.Stat(raw, f.Dir); err == nil && st.IsDir() {
			all = append(all, f.Dir)
		}
	}
	full := mustOpen(t)
	importInto(t, full, raw, all)
	want := digest(t, full)
	importInto(t, full, raw, all)
	if got := digest(t, full); !same(got, want) {
		t.Fatalf("re-importing everything changed the store:\n%s", diffDigest(got, want))
	}
	// The embedded bundle is the importer's output: loading it gives the same store too.
	bs, err := bundle.Load()
	if err != nil {
		t.Fatal(err)
	}
	fromBundle := mustOpen(t)
	if _, err := fromBundle.Apply(context.Background(), bs...); err != nil {
		t.Fatal(err)
	}
	if got := digest(t, fromBundle); !same(got, want) {
		t.Errorf("the embedded bundle loads into a store unlike the raw import:\n%s", diffDigest(got, want))
	}
	runs := 3
	if n, err := strconv.Atoi(os.Getenv("CRYPTOWEEKLY_SUBSET_RUNS")); err == nil && n > 0 {
		runs = n
	}
	// Each family alone first: the subset most unlike the whole.
	var plans [][][]string
	var alone [][]string
	for i := len(all) - 1; i >= 0; i-- {
		alone = append(alone, []string{all[i]})
	}
	plans = append(plans, alone)
	rng := rand.New(rand.NewSource(7))
	for r := 0; r < runs; r++ {
		order := append([]string(nil), all...)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		k := 2 + rng.Intn(3)
		parts := make([][]string, k)
		for i, d := range order {
			p := i % k
			if i >= k {
				p = rng.Intn(k)
			}
			parts[p] = append(parts[p], d)
		}
		plans = append(plans, parts)
	}
	for r, parts := range plans {
		s := mustOpen(t)
		var desc []string
		for _, p := range parts {
			importInto(t, s, raw, p)
			desc = append(desc, "{"+strings.Join(short(p), " ")+"}")
		}
		got := digest(t, s)
		t.Logf("run %d: %d imports %s: %s", r, len(parts), strings.Join(desc, " "), verdict(got, want))
		if !same(got, want) {
			t.Errorf("run %d: the store differs from one import of all families:\n%s", r, diffDigest(got, want))
		}
		s.Close()
	}
}

func mustOpen(t *testing.T) *Store {
	t.Helper()
	s, err := Open(path.Join(t.TempDir(), "s.duckdb"), Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func short(dirs []string) []string {
	out := make([]string, len(dirs))
	for i, d := range dirs {
		out[i] = strings.SplitN(d, "-", 3)[0] + "-" + strings.SplitN(d+"-", "-", 3)[1]
	}
	return out
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func verdict(got, want map[string]string) string {
	if same(got, want) {
		return "same store"
	}
	return "DIFFERENT"
}

func diffDigest(got, want map[string]string) string {
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if got[k] != want[k] {
			b.WriteString("  " + k + ": " + got[k] + ", want " + want[k] + "\n")
		}
	}
	return b.String()
}
