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
	var out []cw.Batch
	found := 0
	for _, f := range cw.FileFamilies() {
		if st, err := fs.Stat(fsys, f.Dir); err != nil || !st.IsDir() {
			continue
		}
		found++
		bs, err := f.Parse(fsys, f.Dir)
		if err != nil {
			return nil, err
		}
		for i := range bs {
			if err := bs[i].Validate(); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Dir, err)
			}
		}
		out = append(out, bs...)
	}
	if found == 0 {
		return nil, fmt.Errorf("no known data family folder found (expected some of: %s)", strings.Join(Families(), ", "))
	}
	return out, nil
}
