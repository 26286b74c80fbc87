package main

import (
	"context"
	"fmt"
	"io"
)

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", "[flags]", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	return fmt.Errorf("not wired yet")
}
