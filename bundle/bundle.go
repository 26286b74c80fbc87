// Package bundle is the project's own compact copy of the bundled real data: the output of the
// importer over ../shared/data/raw, committed under data/ and embedded in the binary, so that a
// fresh clone (or a lone binary) produces a report with no network and no ../shared.
//
// Format: one gzip file per batch, "<source-id>.tsv.gz", holding text lines:
//
//	P <provenance JSON>
//	N <number of O lines>
//	E <entity JSON>
//	O <entity>\t<metric>\t<YYYY-MM-DD>\t<value>
//
// Values are written with the shortest exact float formatting, so Load gives back bit-identical
// numbers. Lines are sorted, so regenerating from the same raw files gives the same bytes.
package bundle

//go:generate go run ../cmd/cryptoweekly bundle --raw ../../shared/data/raw --out data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/fanout"
)

//go:embed data
var embedded embed.FS

// Load returns the embedded dataset's batches.
func Load() ([]cw.Batch, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, err
	}
	return Read(sub)
}

// Read decodes every *.tsv.gz file at the root of fsys.
func Read(fsys fs.FS) ([]cw.Batch, error) {
	names, err := fs.Glob(fsys, "*.tsv.gz")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("bundle: no *.tsv.gz files")
	}
	sort.Strings(names)
	// The files are decoded concurrently (gunzip and parsing are most of the first report's load
	// time); the batches keep the sorted order, and the first failing file's error is returned.
	out := make([]cw.Batch, len(names))
	errs := make([]error, len(names))
	fanout.N(len(names), func(i int) {
		f, err := fsys.Open(names[i])
		if err != nil {
			errs[i] = err
			return
		}
		out[i], errs[i] = decode(f, names[i])
		f.Close()
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decode(r io.Reader, name string) (cw.Batch, error) {
	var b cw.Batch
	zr, err := gzip.NewReader(r)
	if err != nil {
		return b, fmt.Errorf("bundle: %s: %w", name, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	// Entity IDs and metrics repeat on most lines (lines are sorted by them): each distinct one is
	// allocated once, and a line like the one before costs a comparison, not a lookup.
	strs := map[string]string{}
	intern := func(p []byte, prev string) string {
		if string(p) == prev {
			return prev
		}
		if v, ok := strs[string(p)]; ok {
			return v
		}
		v := string(p)
		strs[v] = v
		return v
	}
	var prevE, prevM string
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		if len(raw) > 2 && raw[0] == 'O' && raw[1] == ' ' {
			f := raw[2:]
			var fs [4][]byte
			n := 0
			for n < 3 {
				i := bytes.IndexByte(f, '\t')
				if i < 0 {
					break
				}
				fs[n], f = f[:i], f[i+1:]
				n++
			}
			if n != 3 || bytes.IndexByte(f, '\t') >= 0 {
				return b, fmt.Errorf("bundle: %s:%d: observation has %d fields", name, line, len(strings.Split(string(raw[2:]), "\t")))
			}
			fs[3] = f
			d, ok := parseDay(fs[2])
			if !ok {
				return b, fmt.Errorf("bundle: %s:%d: not a YYYY-MM-DD day: %q", name, line, fs[2])
			}
			v, err := strconv.ParseFloat(string(fs[3]), 64)
			if err != nil {
				return b, fmt.Errorf("bundle: %s:%d: value: %w", name, line, err)
			}
			prevE, prevM = intern(fs[0], prevE), intern(fs[1], prevM)
			b.Observations = append(b.Observations, cw.Observation{Entity: prevE, Metric: cw.Metric(prevM), Day: d, Value: v, Source: b.Source.ID})
			continue
		}
		t := sc.Text()
		if len(t) < 2 {
			return b, fmt.Errorf("bundle: %s:%d: short line", name, line)
		}
		switch t[:2] {
		case "P ":
			if err := json.Unmarshal([]byte(t[2:]), &b.Source); err != nil {
				return b, fmt.Errorf("bundle: %s:%d: provenance: %w", name, line, err)
			}
		case "N ":
			// The count only sizes the slice (growing it was a tenth of the load); a wrong one
			// changes nothing read.
			if n, err := strconv.Atoi(t[2:]); err == nil && n > 0 && n <= 1<<26 {
				b.Observations = make([]cw.Observation, 0, n)
			}
		case "E ":
			var e cw.Entity
			if err := json.Unmarshal([]byte(t[2:]), &e); err != nil {
				return b, fmt.Errorf("bundle: %s:%d: entity: %w", name, line, err)
			}
			b.Entities = append(b.Entities, e)
		case "O ":
			f := strings.Split(t[2:], "\t")
			if len(f) != 4 {
				return b, fmt.Errorf("bundle: %s:%d: observation has %d fields", name, line, len(f))
			}
			d, err := cw.ParseDay(f[2])
			if err != nil {
				return b, fmt.Errorf("bundle: %s:%d: %w", name, line, err)
			}
			v, err := strconv.ParseFloat(f[3], 64)
			if err != nil {
				return b, fmt.Errorf("bundle: %s:%d: value: %w", name, line, err)
			}
			b.Observations = append(b.Observations, cw.Observation{Entity: f[0], Metric: cw.Metric(f[1]), Day: d, Value: v, Source: b.Source.ID})
		default:
			return b, fmt.Errorf("bundle: %s:%d: unknown record %q", name, line, t[:2])
		}
	}
	if err := sc.Err(); err != nil {
		return b, fmt.Errorf("bundle: %s: %w", name, err)
	}
	if b.Source.ID == "" {
		return b, fmt.Errorf("bundle: %s: no provenance record", name)
	}
	return b, b.Validate()
}

// parseDay reads YYYY-MM-DD without time.Parse, which was a fifth of decoding a line.
func parseDay(p []byte) (time.Time, bool) {
	if len(p) != 10 || p[4] != '-' || p[7] != '-' {
		return time.Time{}, false
	}
	num := func(q []byte) (int, bool) {
		n := 0
		for _, c := range q {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(p[:4])
	m, ok2 := num(p[5:7])
	d, ok3 := num(p[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 2024-02-30 would roll over into March
		return time.Time{}, false
	}
	return t, true
}

// Write replaces dir's *.tsv.gz files with one file per batch. Batches sharing a source ID are
// written to one file.
func Write(dir string, batches []cw.Batch) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.tsv.gz"))
	bySrc := map[cw.SourceID]*cw.Batch{}
	var order []cw.SourceID
	for _, b := range batches {
		m, ok := bySrc[b.Source.ID]
		if !ok {
			c := cw.Batch{Source: b.Source}
			bySrc[b.Source.ID] = &c
			order = append(order, b.Source.ID)
			m = &c
		}
		m.Entities = append(m.Entities, b.Entities...)
		m.Observations = append(m.Observations, b.Observations...)
	}
	written := map[string]bool{}
	for _, id := range order {
		name := filepath.Join(dir, string(id)+".tsv.gz")
		if err := writeFile(name, bySrc[id]); err != nil {
			return err
		}
		written[name] = true
	}
	for _, o := range old {
		if !written[o] {
			os.Remove(o)
		}
	}
	return nil
}

func writeFile(name string, b *cw.Batch) error {
	tmp := name + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	p, _ := json.Marshal(b.Source)
	fmt.Fprintf(w, "P %s\n", p)
	fmt.Fprintf(w, "N %d\n", len(b.Observations))
	ents := append([]cw.Entity(nil), b.Entities...)
	sort.SliceStable(ents, func(i, j int) bool { return ents[i].ID < ents[j].ID })
	for _, e := range ents {
		j, _ := json.Marshal(e)
		fmt.Fprintf(w, "E %s\n", j)
	}
	obs := append([]cw.Observation(nil), b.Observations...)
	sort.Slice(obs, func(i, j int) bool {
		a, c := obs[i], obs[j]
		if a.Entity != c.Entity {
			return a.Entity < c.Entity
		}
		if a.Metric != c.Metric {
			return a.Metric < c.Metric
		}
		return a.Day.Before(c.Day)
	})
	for _, o := range obs {
		if strings.ContainsAny(o.Entity+string(o.Metric), "\t\n") {
			f.Close()
			os.Remove(tmp)
			return fmt.Errorf("bundle: %s %s: tab or newline in key", o.Entity, o.Metric)
		}
		fmt.Fprintf(w, "O %s\t%s\t%s\t%s\n", o.Entity, o.Metric, cw.DayString(o.Day), strconv.FormatFloat(o.Value, 'g', -1, 64))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
