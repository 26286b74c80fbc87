package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"cryptoweekly/bundle"
	"cryptoweekly/importer"
)

// runBundle regenerates bundle/data from the raw files (go generate ./bundle does the same).
func runBundle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bundle", "--raw DIR --out DIR", stderr)
	raw := fs.String("raw", "../shared/data/raw", "raw data folder")
	out := fs.String("out", "bundle/data", "where to write the compact dataset")
	if err := parse(fs, args); err != nil {
		return err
	}
	batches, err := importer.ImportDir(os.DirFS(*raw))
	if err != nil {
		return err
	}
	if err := bundle.Write(*out, batches); err != nil {
		return err
	}
	n := 0
	for _, b := range batches {
		n += len(b.Observations)
	}
	fmt.Fprintf(stdout, "wrote %d batches, %d observations to %s\n", len(batches), n, *out)
	return nil
}
