package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestShownMasksPasswords(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://analyst:s3cret@db:5432/cw":     "postgres://analyst:xxxxx@db:5432/cw",
		"postgres://analyst@db/cw":                 "postgres://analyst@db/cw",
		"host=db user=a password=s3cret dbname=cw": "host=db user=a password=xxxxx dbname=cw",
		"host=db password='a b' dbname=cw":         "host=db password=xxxxx dbname=cw",
		"/home/a/cw.duckdb":                        "/home/a/cw.duckdb",
	} {
		if got := shown(in); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("shown(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestArchiveDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	for in, want := range map[string]string{
		"/srv/cw/cw.duckdb":        "/srv/cw/archive",
		"duckdb:/srv/cw/cw.duckdb": "/srv/cw/archive",
		"postgres://a@db/cw":       filepath.Join("/data", "cryptoweekly", "archive"),
		"host=db dbname=cw user=a": filepath.Join("/data", "cryptoweekly", "archive"),
	} {
		if got := archiveDir(in); got != want {
			t.Errorf("archiveDir(%q) = %q, want %q", in, got, want)
		}
	}
}
