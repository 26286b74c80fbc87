// Package importer turns the raw public data files (../shared/data/raw, or any folder laid out
// the same way) into cryptoweekly batches. The parsers belong to the providers (provider/<name>),
// which register their file families in the root package; ImportDir only walks them, and fails as
// a whole if any file is malformed, so a store is never fed a partial set.
package importer

import (
	"fmt"
	"io/fs"
	"strings"

	cw "cryptoweekly"
	"cryptoweekly/internal/fanout"
)

// Families lists the registered family folders, sorted.
func Families() []string {
	var out []string
	for _, f := range cw.FileFamilies() {
		out = append(out, f.Dir)
	}
	return out
}

// ImportDir parses every registered family found under fsys's root. A family folder that is
// absent is skipped (a user folder may hold only some families); a folder that is present but
// malformed fails the whole import. It is an error if no known family is present at all.
func ImportDir(fsys fs.FS) ([]cw.Batch, error) {
	var fams []cw.FileFamily
	for _, f := range cw.FileFamilies() {
		if st, err := fs.Stat(fsys, f.Dir); err == nil && st.IsDir() {
			fams = append(fams, f)
		}
	}
	if len(fams) == 0 {
		return nil, fmt.Errorf("no known data family folder found (expected some of: %s)", strings.Join(Families(), ", "))
	}
	// Families are independent: they are parsed on every core, and their batches kept in family
	// order, so the result (and which error is reported: the first family's in that order) is the
	// same as one after the other.
	out := make([][]cw.Batch, len(fams))
	errs := make([]error, len(fams))
	fanout.N(len(fams), func(i int) { out[i], errs[i] = parseFamily(fsys, fams[i]) })
	var all []cw.Batch
	for i := range fams {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, out[i]...)
	}
	return dedupe(all)
}

func parseFamily(fsys fs.FS, f cw.FileFamily) ([]cw.Batch, error) {
	bs, err := f.Parse(fsys, f.Dir)
	if err != nil {
		return nil, err
	}
	for i := range bs {
		if err := bs[i].Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Dir, err)
		}
	}
	return bs, nil
}

// dedupe checks the batches against each other, as Series checks the rows of one file: two
// files (two batches of one source) giving one entity/metric/day different values are an
// error naming both, because which one a store kept would depend on write order; a value
// given twice alike is kept once, in the first batch.
func dedupe(bs []cw.Batch) ([]cw.Batch, error) {
	type key struct {
		e string
		m cw.Metric
		d int64
		s cw.SourceID
	}
	type first struct {
		v     float64
		batch int
	}
	// A batch's own keys are unique (Validate), so only sources split over several batches
	// (several files) can repeat a key; the others are not looked at.
	batches := map[cw.SourceID]int{}
	for _, b := range bs {
		batches[b.Source.ID]++
	}
	seen := map[key]first{}
	for i := range bs {
		if batches[bs[i].Source.ID] < 2 {
			continue
		}
		obs := bs[i].Observations
		kept := obs[:0:0]
		dropped := false
		for _, o := range obs {
			k := key{o.Entity, o.Metric, o.Day.Unix(), o.Source}
			if f, dup := seen[k]; dup {
				if f.v != o.Value {
					return nil, fmt.Errorf("%s: %s %s %s is %v in %s but %v in %s (conflicting files)",
						o.Source, o.Entity, o.Metric, cw.DayString(o.Day), o.Value, bs[i].Source.Location, f.v, bs[f.batch].Source.Location)
				}
				dropped = true
				continue
			}
			seen[k] = first{o.Value, i}
			kept = append(kept, o)
		}
		if dropped {
			bs[i].Observations = kept
		}
	}
	return bs, nil
}
