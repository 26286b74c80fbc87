// Package render prints a report in each output format. Every format is a folder below this one
// that registers a Format from init; render/all links them all in. Renderers only format: the
// numbers come from the report model and the order from report.Outline, so all formats agree.
package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"cryptoweekly/report"
)

// Format is one output format.
type Format struct {
	Name   string // what --format names ("md")
	Ext    string // the file extension ("md" → report.md)
	Render func(w io.Writer, r *report.Report) error
	// Available says whether the format can run on this machine (nil: always); a format that
	// needs an outside program (PDF: Chromium) says how to get it.
	Available func() error
}

// Usable reports whether the format can run here.
func (f Format) Usable() error {
	if f.Available == nil {
		return nil
	}
	return f.Available()
}

var registry = struct {
	sync.RWMutex
	m map[string]Format
}{m: map[string]Format{}}

// Register adds a format; formats call it from init.
func Register(f Format) {
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.m[f.Name]; dup {
		panic("render: format " + f.Name + " registered twice")
	}
	registry.m[f.Name] = f
}

// Lookup returns the named format.
func Lookup(name string) (Format, error) {
	registry.RLock()
	defer registry.RUnlock()
	f, ok := registry.m[name]
	if !ok {
		return Format{}, fmt.Errorf("unknown format %q (have %s)", name, strings.Join(namesLocked(), ", "))
	}
	return f, nil
}

// Names lists the registered formats, sorted.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	out := make([]string, 0, len(registry.m))
	for n := range registry.m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
