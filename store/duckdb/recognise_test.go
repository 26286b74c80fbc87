package duckdb

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"

	"cryptoweekly/store"
)

// TestRefusesForeignFiles (defect 12): a store is recognised by its schema table; another
// program's DuckDB file, a SQLite file, a path DuckDB would read options from, and an empty
// address are refused by name and left untouched.
func TestRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()

	other := filepath.Join(dir, "other.duckdb")
	c, err := duckdb.NewConnector(other, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	if _, err := db.Exec(`CREATE TABLE customers (id INTEGER)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, ro := range []bool{false, true} {
		_, err := Open(other, Options{ReadOnly: ro})
		if err == nil || !strings.Contains(err.Error(), "DuckDB database of another program (tables customers") {
			t.Errorf("read-only %v: got %v", ro, err)
		}
	}
	c, _ = duckdb.NewConnector(other+"?access_mode=read_only", nil)
	db = sql.OpenDB(c)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the other program's file now has %d tables (%v), want its 1", n, err)
	}
	db.Close()

	sqlite := filepath.Join(dir, "app.sqlite")
	os.WriteFile(sqlite, append([]byte("SQLite format 3\x00"), make([]byte, 4080)...), 0o644)
	before, _ := os.ReadFile(sqlite)
	if _, err := Open(sqlite, Options{}); err == nil || !strings.Contains(err.Error(), "is a SQLite database") {
		t.Errorf("sqlite: got %v", err)
	}
	if after, _ := os.ReadFile(sqlite); string(after) != string(before) {
		t.Error("the SQLite file was changed")
	}

	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello, this is not a database"), 0o644)
	if _, err := Open(text, Options{}); err == nil || !strings.Contains(err.Error(), "not a DuckDB file") {
		t.Errorf("text: got %v", err)
	}

	for _, p := range []string{filepath.Join(dir, "a.duckdb?access_mode=read_only"), filepath.Join(dir, "b%zz.duckdb")} {
		if _, err := Open(p, Options{}); err == nil || !strings.Contains(err.Error(), "may not contain") {
			t.Errorf("%s: got %v", p, err)
		}
	}
	if _, err := store.Open(context.Background(), "", store.Options{}); err == nil || !strings.Contains(err.Error(), "empty path") {
		t.Errorf("empty address: got %v", err)
	}

	empty := filepath.Join(dir, "empty.duckdb")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Open(empty, Options{}); err == nil || !strings.Contains(err.Error(), "is an empty file") {
		t.Errorf("empty file: got %v", err)
	}

	// A new file, and our own store, open.
	for _, p := range []string{filepath.Join(dir, "new.duckdb")} {
		s, err := Open(p, Options{})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		s.Close()
		s, err = Open(p, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("%s read-only: %v", p, err)
		}
		s.Close()
	}
}
