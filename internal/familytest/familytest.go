// Package familytest is test support for the bundled file families under provider/: parse a
// registered family, look up what it produced, check errors, and find the real raw data. It is
// imported only from _test.go files.
package familytest

import (
	"io/fs"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	cw "cryptoweekly"
)

// Parse runs the registered family of dir over fsys; every batch it returns must validate.
func Parse(t *testing.T, fsys fs.FS, dir string) ([]cw.Batch, error) {
	t.Helper()
	for _, f := range cw.FileFamilies() {
		if f.Dir == dir {
			bs, err := f.Parse(fsys, dir)
			if err == nil {
				for i := range bs {
					if verr := bs[i].Validate(); verr != nil {
						t.Fatalf("batch %d (%s) does not validate: %v", i, bs[i].Source.Location, verr)
					}
				}
			}
			return bs, err
		}
	}
	t.Fatalf("family %s not registered", dir)
	return nil, nil
}

// Day parses YYYY-MM-DD or panics (test constants only).
func Day(s string) time.Time {
	d, err := cw.ParseDay(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Obs returns the value of entity/metric/day across batches; it fails on a repeat.
func Obs(t *testing.T, bs []cw.Batch, entity, metric, day string) (float64, bool) {
	t.Helper()
	d := Day(day)
	found, v := 0, 0.0
	for _, b := range bs {
		for _, o := range b.Observations {
			if o.Entity == entity && string(o.Metric) == metric && o.Day.Equal(d) {
				found++
				v = o.Value
			}
		}
	}
	if found > 1 {
		t.Errorf("%s %s %s: %d observations, want at most 1", entity, metric, day, found)
	}
	return v, found == 1
}

// Want checks one observation's value within tol.
func Want(t *testing.T, bs []cw.Batch, entity, metric, day string, want, tol float64) {
	t.Helper()
	v, ok := Obs(t, bs, entity, metric, day)
	if !ok {
		t.Errorf("%s %s %s: no observation", entity, metric, day)
		return
	}
	if math.Abs(v-want) > tol {
		t.Errorf("%s %s %s = %v, want %v ± %v", entity, metric, day, v, want, tol)
	}
}

// Entity finds an entity (the last description wins, as in the store).
func Entity(bs []cw.Batch, id string) (cw.Entity, bool) {
	var out cw.Entity
	ok := false
	for _, b := range bs {
		for _, e := range b.Entities {
			if e.ID == id {
				out, ok = e, true
			}
		}
	}
	return out, ok
}

// Err checks that err names every want.
func Err(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// Raw is the real raw data beside the repository (../shared/data/raw), or a skip.
func Raw(t *testing.T) fs.FS {
	t.Helper()
	const root = "../../../shared/data/raw"
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		t.Skip("raw data not present at " + root)
	}
	return os.DirFS(root)
}
