package importer_test

import (
	"io/fs"
	"os"
	"testing"

	"cryptoweekly/importer"
	_ "cryptoweekly/provider/all"
)

// rawDir is the bundled raw data folder (../shared/data/raw from the module root); the benchmark
// skips without it. $CRYPTOWEEKLY_RAW overrides it.
func rawDir(b *testing.B) string {
	d := os.Getenv("CRYPTOWEEKLY_RAW")
	if d == "" {
		d = "../../shared/data/raw"
	}
	if _, err := os.Stat(d); err != nil {
		b.Skipf("no raw data folder at %s", d)
	}
	return d
}

// familyBytes is the size of the files under the registered family folders: the raw input an
// import reads (documentation files and unknown folders excluded).
func familyBytes(b *testing.B, fsys fs.FS) int64 {
	var n int64
	for _, f := range importer.Families() {
		fs.WalkDir(fsys, f, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, err := d.Info(); err == nil {
					n += info.Size()
				}
			}
			return nil
		})
	}
	if n == 0 {
		b.Skip("no family folder in the raw data folder")
	}
	return n
}

// BenchmarkImportDir parses the raw folder into batches ("parse", what `cryptoweekly import`
// does before writing); MB/s is of the raw input. "read" is the same-run baseline: reading the
// same files, nothing else. Writing the batches is BenchmarkApplyBundle (store/duckdb).
func BenchmarkImportDir(b *testing.B) {
	fsys := os.DirFS(rawDir(b))
	size := familyBytes(b, fsys)
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(size)
		rows := 0
		for i := 0; i < b.N; i++ {
			bs, err := importer.ImportDir(fsys)
			if err != nil {
				b.Fatal(err)
			}
			rows = 0
			for _, x := range bs {
				rows += len(x.Observations)
			}
		}
		b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("read", func(b *testing.B) {
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			for _, f := range importer.Families() {
				fs.WalkDir(fsys, f, func(p string, d fs.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						if _, err := fs.ReadFile(fsys, p); err != nil {
							b.Fatal(err)
						}
					}
					return nil
				})
			}
		}
	})
}
