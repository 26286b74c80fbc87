package etf

import "time"

// US spot ETFs trade on the New York Stock Exchange's calendar: weekdays less its holidays. The
// section needs it to tell a day a source skipped (DefiLlama's export skips about half) from a
// day the market was closed, and so to say how many of a week's trading days a sum covers.
//
// The rules below are NYSE's (Rule 7.2): New Year's Day (a Saturday one is not moved to the
// Friday before), Martin Luther King Jr. Day, Washington's Birthday, Good Friday, Memorial Day,
// Juneteenth (from 2022), Independence Day, Labor Day, Thanksgiving and Christmas, a Saturday
// holiday moved to Friday and a Sunday one to Monday. Unscheduled closures are listed by hand:
// one not listed shows up as a "missing" day in the notes, never as a zero.

// closures are the unscheduled full-day closures since the first spot ETF (2024-01-11).
var closures = map[string]string{
	"2025-01-09": "national day of mourning for President Carter",
}

func tradingDay(d time.Time) bool {
	d = d.UTC()
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	if _, ok := closures[d.Format("2006-01-02")]; ok {
		return false
	}
	for _, h := range holidays(d.Year()) {
		if h.Equal(d) {
			return false
		}
	}
	// A Saturday New Year's Day of next year is not observed on this year's Dec 31 (NYSE rule),
	// so no look-ahead is needed.
	return true
}

// tradingDays lists the trading days in (from, to].
func tradingDays(from, to time.Time) []time.Time {
	var out []time.Time
	for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
		if tradingDay(d) {
			out = append(out, d)
		}
	}
	return out
}

func holidays(y int) []time.Time {
	date := func(m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	// observed moves a Saturday holiday to Friday and a Sunday one to Monday.
	observed := func(t time.Time) time.Time {
		switch t.Weekday() {
		case time.Saturday:
			return t.AddDate(0, 0, -1)
		case time.Sunday:
			return t.AddDate(0, 0, 1)
		}
		return t
	}
	// nth weekday of a month (n < 0: the last).
	nth := func(m time.Month, wd time.Weekday, n int) time.Time {
		if n < 0 {
			t := date(m+1, 1).AddDate(0, 0, -1)
			for t.Weekday() != wd {
				t = t.AddDate(0, 0, -1)
			}
			return t
		}
		t := date(m, 1)
		for t.Weekday() != wd {
			t = t.AddDate(0, 0, 1)
		}
		return t.AddDate(0, 0, 7*(n-1))
	}
	var out []time.Time
	if ny := date(time.January, 1); ny.Weekday() != time.Saturday {
		out = append(out, observed(ny))
	}
	out = append(out,
		nth(time.January, time.Monday, 3),
		nth(time.February, time.Monday, 3),
		easter(y).AddDate(0, 0, -2),
		nth(time.May, time.Monday, -1),
		observed(date(time.July, 4)),
		nth(time.September, time.Monday, 1),
		nth(time.November, time.Thursday, 4),
		observed(date(time.December, 25)),
	)
	if y >= 2022 {
		out = append(out, observed(date(time.June, 19)))
	}
	return out
}

// easter is Easter Sunday of year y (the anonymous Gregorian algorithm).
func easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
