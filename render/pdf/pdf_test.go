package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"cryptoweekly/render/rendertest"
)

// needChromium skips where Chromium is missing, except in CI (CRYPTOWEEKLY_REQUIRE_CHROMIUM=1),
// where .ci/run installs it and a skip would hide a broken PDF path.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := Chromium(); err != nil {
		if os.Getenv("CRYPTOWEEKLY_REQUIRE_CHROMIUM") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

func TestPrintsPages(t *testing.T) {
	needChromium(t)
	var b bytes.Buffer
	if err := Write(&b, rendertest.Charted()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) || b.Len() < 5000 {
		t.Fatalf("not a PDF (%d bytes)", b.Len())
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CRYPTOWEEKLY_REQUIRE_CHROMIUM") != "" {
			t.Fatal("pdftoppm missing (scripts/chromium.sh installs poppler-utils)")
		}
		t.Skip("pdftoppm missing")
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(pdf, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
	pages, _ := strconv.Atoi(string(m[1]))
	// The contents page breaks after the table of contents: at least two A4 pages.
	if pages < 2 || !regexp.MustCompile(`Page size:\s+59[45]\.\d* x 841\.\d* pts \(A4\)`).Match(info) {
		t.Errorf("pdfinfo:\n%s", info)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", pdf, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	png, err := os.ReadFile(filepath.Join(dir, "p-1.png"))
	if err != nil {
		t.Fatal(err)
	}
	// A blank page compresses to almost nothing; text and charts do not.
	if len(png) < 4000 {
		t.Errorf("first page looks blank (%d bytes of PNG)", len(png))
	}
}

// A hostile name prints as its characters in the PDF: the markup is text, never a tag.
func TestHostileNamePrintsAsText(t *testing.T) {
	needChromium(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext missing")
	}
	var b bytes.Buffer
	if err := Write(&b, rendertest.Hostile()); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "h.pdf")
	if err := os.WriteFile(pdf, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command("pdftotext", "-raw", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(txt, []byte(`<script>alert("x")</script>`)) {
		t.Errorf("the hostile name is not printed as text:\n%s", txt)
	}
}
