package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestPublishSet (defect 11): report files get the umask's mode (0644 under 022, not 0600), are
// published together, and a failed rename puts back the files already replaced and leaves no
// temp file.
func TestPublishSet(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	if err := publish(dir, []outFile{{"report.md", []byte("new md")}, {"report.json", []byte("{}")}}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"report.md", "report.json"} {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v, mode %v; want 0644", n, err, st.Mode().Perm())
		}
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}

	// report.json cannot be replaced (a non-empty folder holds its name): report.md must keep
	// its old content.
	os.WriteFile(filepath.Join(dir, "report.md"), []byte("old md"), 0o644)
	os.Remove(filepath.Join(dir, "report.json"))
	os.MkdirAll(filepath.Join(dir, "report.json", "x"), 0o755)
	err := publish(dir, []outFile{{"report.md", []byte("new md")}, {"report.json", []byte("{}")}})
	if err == nil || !strings.Contains(err.Error(), "no file of this report was changed") {
		t.Fatalf("got %v, want a publish error", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "report.md")); string(b) != "old md" {
		t.Errorf("report.md = %q after a failed publish, want the old content", b)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}

	// A new file (no old version) is removed again when a later one fails.
	os.Remove(filepath.Join(dir, "report.md"))
	if err := publish(dir, []outFile{{"report.md", []byte("new md")}, {"report.json", []byte("{}")}}); err == nil {
		t.Fatal("publish succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "report.md")); err == nil {
		t.Error("report.md of a failed publish is left in place")
	}
}
