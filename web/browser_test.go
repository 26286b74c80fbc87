package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cryptoweekly/render/pdf"
)

// browser runs headless Chromium (the flags DEVELOPERS.md prescribes, a fresh profile each time)
// on a URL with extra arguments and returns its standard output.
func browser(t *testing.T, url string, args ...string) string {
	t.Helper()
	bin, err := pdf.Chromium()
	if err != nil {
		if os.Getenv("CRYPTOWEEKLY_REQUIRE_CHROMIUM") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append(append(append([]string{}, pdf.Flags...), "--user-data-dir="+t.TempDir()), args...)
	out, err := exec.CommandContext(ctx, bin, append(all, url)...).Output()
	if err != nil {
		t.Fatalf("chromium %s: %v", url, err)
	}
	return string(out)
}

// TestBrowserWalk opens the dashboard in a real browser and walks it as a reader would: the
// latest report, the archive, a past week, a sector, a protocol. Each page's rendered DOM must
// carry its text and the link to the next; each is saved as a screenshot
// ($CRYPTOWEEKLY_SCREENSHOTS, else a temporary folder).
func TestBrowserWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	ts := newServer(t, bundled(t))
	shots := os.Getenv("CRYPTOWEEKLY_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	href := func(dom, pattern string) string {
		m := regexp.MustCompile(`href="(` + pattern + `)"`).FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("no link matching %s", pattern)
		}
		return strings.ReplaceAll(m[1], "&amp;", "&")
	}
	visit := func(n int, path string, wants ...string) string {
		dom := browser(t, ts.URL+path, "--dump-dom")
		for _, w := range wants {
			if !strings.Contains(dom, w) {
				t.Errorf("%s: page lacks %q", path, w)
			}
		}
		browser(t, ts.URL+path, "--window-size=1280,2000", "--hide-scrollbars", "--screenshot="+filepath.Join(shots, fmt.Sprintf("%d.png", n)))
		return dom
	}
	dom := visit(1, "/", "Crypto Market Weekly Report", "1. Market sentiment", "<svg")
	archive := href(dom, `/weeks`)
	dom = visit(2, archive, "Archive", "week ending")
	week := href(dom, `/report/2024-12-13`)
	dom = visit(3, week, "week ending 2024-12-13", "Chain spotlight: Sui", "Suilend Protocol")
	sector := href(dom, `/sector/2024-12-13/[^"]+`)
	visit(4, sector, "Weekly return", "constituents")
	protocol := href(dom, `/entity/protocol:[^"]+`)
	visit(5, protocol, "protocol", "<svg", "tvl")
	for i := 1; i <= 5; i++ {
		st, err := os.Stat(filepath.Join(shots, fmt.Sprintf("%d.png", i)))
		if err != nil || st.Size() < 10_000 {
			t.Errorf("screenshot %d: %v (%d bytes)", i, err, sizeOf(st))
		}
	}
}

func sizeOf(st os.FileInfo) int64 {
	if st == nil {
		return 0
	}
	return st.Size()
}
