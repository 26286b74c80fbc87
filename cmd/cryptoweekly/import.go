package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"cryptoweekly/importer"
	"cryptoweekly/store"
)

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", "[DIR]\n\nWithout DIR, loads the dataset embedded in the binary. With DIR, parses a folder laid out\nlike ../shared/data/raw (any subset of its family folders). Either everything imports or\nnothing is written.", stderr)
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError{fmt.Errorf("at most one DIR")}
	}
	if fs.NArg() == 0 {
		if err := loadBundle(ctx, *db, stderr); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported the bundled dataset into %s\n", shown(*db))
		return nil
	}
	dir := fs.Arg(0)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usageError{fmt.Errorf("%s is not a folder", dir)}
	}
	t0 := time.Now()
	batches, err := importer.ImportDir(os.DirFS(dir))
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was written)", dir, err)
	}
	s, err := store.Open(ctx, *db, store.Options{LockWait: lockWait})
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Apply(ctx, batches...)
	if err != nil {
		return fmt.Errorf("%w (nothing was written)", err)
	}
	fmt.Fprintf(stdout, "imported %s into %s: %d series families, %d entities, %d observations in %s\n",
		dir, shown(*db), st.Batches, st.Entities, st.Observations, time.Since(t0).Round(time.Millisecond))
	return nil
}
