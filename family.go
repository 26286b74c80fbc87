package cryptoweekly

import (
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

// FileFamily is one family of bundled raw files: a folder of the raw data tree
// (../shared/data/raw) and how to parse it. The provider whose data the files hold registers it,
// so the bundled import and the live connector of one provider share one owner.
type FileFamily struct {
	Dir   string // folder under the raw root, e.g. "alternativeme-fng-MuLancer"
	Parse func(fsys fs.FS, dir string) ([]Batch, error)
}

var families = struct {
	sync.Mutex
	list []FileFamily
}{}

// RegisterFamily adds a file family; providers call it from init. Two families claiming one
// folder is a programming error and panics.
func RegisterFamily(f FileFamily) {
	families.Lock()
	defer families.Unlock()
	if f.Dir == "" || f.Parse == nil {
		panic("cryptoweekly: file family without a folder or parser")
	}
	for _, g := range families.list {
		if g.Dir == f.Dir {
			panic(fmt.Sprintf("cryptoweekly: file family %s registered twice", f.Dir))
		}
	}
	families.list = append(families.list, f)
}

// FileFamilies lists the registered file families sorted by folder, so an import runs in the
// same order whatever the init order of the providers.
func FileFamilies() []FileFamily {
	families.Lock()
	defer families.Unlock()
	out := append([]FileFamily(nil), families.list...)
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out
}
