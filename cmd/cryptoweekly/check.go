package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/store"
)

// runCheck runs the store's integrity check (orphan rows, duplicate keys, non-finite or
// implausible values, rows without a committed batch) and exits non-zero on any finding. It
// never loads the bundle or migrates: it looks at the store as it is.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", "[flags]\n\nChecks the store's integrity; exits 1 if anything is wrong.", stderr)
	db := dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	s, err := store.Open(ctx, *db, store.Options{ReadOnly: true, LockWait: lockWait})
	if errors.Is(err, store.ErrSchemaOutdated) {
		return fmt.Errorf("%w (run `cryptoweekly weeks` once to migrate, then check again)", err)
	}
	if err != nil {
		return err
	}
	defer s.Close()
	problems, err := s.Check(ctx)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stdout, "problem: %s\n", p)
		}
		return fmt.Errorf("%s: %d problem(s) found", s.Describe(), len(problems))
	}
	fmt.Fprintf(stdout, "%s: no problems found\n", s.Describe())
	// What the store holds, so that two checks (before and after a refused import, say) show
	// whether anything changed.
	cov, err := s.Coverage(ctx)
	if err != nil {
		return err
	}
	rows, srcs := 0, map[cw.SourceID]bool{}
	var first, last time.Time
	for _, c := range cov {
		rows += c.Rows
		srcs[c.Source] = true
		if first.IsZero() || c.First.Before(first) {
			first = c.First
		}
		if c.Last.After(last) {
			last = c.Last
		}
	}
	if rows > 0 {
		fmt.Fprintf(stdout, "holds %d observations in %d series of %d sources, %s..%s\n", rows, len(cov), len(srcs), cw.DayString(first), cw.DayString(last))
	}
	return nil
}
