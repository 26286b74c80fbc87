package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/report"
)

func runWeeks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("weeks", "[flags]\n\nLists weeks (ending on Fridays) with each section's coverage: full, partial (detail) or -.", stderr)
	db := dbFlag(fs)
	n := fs.Int("n", 12, "number of weeks to list, newest first (0: all)")
	to := fs.String("to", "", "list weeks ending on or before this day (YYYY-MM-DD)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *n < 0 {
		return usageError{fmt.Errorf("-n %d: want a count of weeks, or 0 for all", *n)}
	}
	var toDay time.Time
	if *to != "" {
		t, err := cw.ParseDay(*to)
		if err != nil {
			return usageError{fmt.Errorf("--to: %w", err)}
		}
		toDay = t
	}
	st, err := openForRead(ctx, *db, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	cov, err := report.LoadCoverage(ctx, st, report.DefaultConfig())
	if err != nil {
		return err
	}
	first, last := cov.Span()
	if first.IsZero() {
		return fmt.Errorf("the store holds no report data")
	}
	// A store written before the plausibility table may hold a day in year -3586956: listing
	// every Friday since would take minutes and gigabytes (`cryptoweekly check` names the row).
	if first.Before(cw.FirstDay) {
		first = cw.FirstDay
	}
	if last.After(cw.LastDay()) {
		last = cw.LastDay()
	}
	if !toDay.IsZero() {
		if toDay.Before(first) {
			return usageError{fmt.Errorf("--to %s: the store's data spans %s..%s", cw.DayString(toDay), cw.DayString(first), cw.DayString(last))}
		}
		last = toDay
	}
	def, defErr := cov.DefaultWeekEnd()
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "week end\t%s\n", strings.Join(cov.Columns(), "\t"))
	for i, d := range report.Fridays(first, last) {
		if *n > 0 && i >= *n {
			break
		}
		st := cov.Week(d)
		cells := []string{cw.DayString(d)}
		for _, s := range cov.Columns() {
			cells = append(cells, cell(st[s]))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	if defErr == nil {
		fmt.Fprintf(stdout, "\ndefault week end (latest day every core series covers): %s (%s)\n", cw.DayString(def), def.Weekday())
	} else {
		fmt.Fprintf(stdout, "\n%v\n", defErr)
	}
	return nil
}

func cell(s report.Status) string {
	switch s.Level {
	case "full":
		if s.Detail != "" {
			return "full (" + s.Detail + ")"
		}
		return "full"
	case "partial":
		return "partial (" + s.Detail + ")"
	}
	return "-"
}
