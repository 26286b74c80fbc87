// Package pdf prints the HTML report to PDF with headless Chromium (Debian's chromium package;
// scripts/chromium.sh installs it). The PDF is the HTML article as a browser prints it on A4, so
// the two never differ; without Chromium the format says how to get it and the others are still
// written.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"cryptoweekly/render"
	rhtml "cryptoweekly/render/html"
	"cryptoweekly/report"
)

func init() {
	render.Register(render.Format{Name: "pdf", Ext: "pdf", Render: Write, Available: func() error { _, err := Chromium(); return err }})
}

// Timeout bounds one print: a hung browser must not hang the report.
var Timeout = 2 * time.Minute

// ErrNoChromium says how to get PDF output.
var ErrNoChromium = errors.New("pdf needs Chromium: run scripts/chromium.sh (Debian package chromium) or set CRYPTOWEEKLY_CHROMIUM to a Chromium binary")

// Chromium finds the browser: $CRYPTOWEEKLY_CHROMIUM, else chromium or a Chrome on PATH.
func Chromium() (string, error) {
	if p := os.Getenv("CRYPTOWEEKLY_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("CRYPTOWEEKLY_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Flags are the headless flags DEVELOPERS.md prescribes: no sandbox (root in CI), no GPU, and no
// background traffic on a machine with no network.
var Flags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions", "--no-default-browser-check"}

// Write renders the report's HTML and prints it to PDF.
func Write(w io.Writer, r *report.Report) error {
	var page bytes.Buffer
	if err := rhtml.Write(&page, r); err != nil {
		return err
	}
	pdf, err := Print(page.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(pdf)
	return err
}

// Print turns an HTML document into PDF bytes, with a fresh browser profile each time.
func Print(html []byte) ([]byte, error) {
	bin, err := Chromium()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cryptoweekly-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, html, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	args := append(append([]string{}, Flags...), "--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+in)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdf: chromium did not finish within %s", Timeout)
		}
		return nil, fmt.Errorf("pdf: chromium: %w: %s", err, lastLine(stderr.String()))
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		return nil, fmt.Errorf("pdf: chromium wrote no PDF (%v): %s", err, lastLine(stderr.String()))
	}
	return b, nil
}

func lastLine(s string) string {
	s = string(bytes.TrimSpace([]byte(s)))
	if i := bytes.LastIndexByte([]byte(s), '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
