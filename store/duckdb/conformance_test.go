package duckdb

import (
	"path/filepath"
	"testing"

	cw "cryptoweekly"
	"cryptoweekly/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) cw.Store {
		s, err := Open(filepath.Join(t.TempDir(), "cw.duckdb"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
