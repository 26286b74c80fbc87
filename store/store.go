// Package store opens a cryptoweekly.Store by its address. Each backend lives in store/<name>,
// registers itself from init and passes store/storetest; store/all links every backend in.
//
// An address is a DuckDB file path (the default backend), "duckdb:PATH", or a URL whose scheme a
// backend registered ("postgres://…").
package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	cw "cryptoweekly"
)

// Options tune Open.
type Options struct {
	// ReadOnly opens for reading only: reports and the dashboard never take the write lock.
	ReadOnly bool
	// LockWait is how long Open waits while another process holds a conflicting lock.
	LockWait time.Duration
}

// Backend is one storage engine.
type Backend struct {
	// Name is the scheme that selects it ("duckdb" selects it as "duckdb:PATH").
	Name string
	// Schemes are URL schemes it also answers to ("postgres", "postgresql").
	Schemes []string
	// Default marks the backend a bare path opens.
	Default bool
	// Open opens the store at the address with the scheme prefix as given.
	Open func(ctx context.Context, addr string, o Options) (cw.Store, error)
}

// ErrSchemaOutdated is returned by a read-only Open of a store written by an older binary: one
// read-write Open migrates it.
var ErrSchemaOutdated = errors.New("open it once read-write to migrate")

// ErrNotFound is returned by a read-only Open of a store that does not exist yet.
var ErrNotFound = errors.New("store does not exist")

var registry = struct {
	sync.Mutex
	backends []Backend
}{}

// Register adds a backend; backends call it from init.
func Register(b Backend) {
	registry.Lock()
	defer registry.Unlock()
	registry.backends = append(registry.backends, b)
}

// Backends lists the registered backends' names, sorted.
func Backends() []string {
	registry.Lock()
	defer registry.Unlock()
	var out []string
	for _, b := range registry.backends {
		out = append(out, b.Name)
	}
	sort.Strings(out)
	return out
}

// Open opens the store at addr with the backend its scheme names.
func Open(ctx context.Context, addr string, o Options) (cw.Store, error) {
	b, rest, err := backendFor(addr)
	if err != nil {
		return nil, err
	}
	return b.Open(ctx, rest, o)
}

func backendFor(addr string) (Backend, string, error) {
	registry.Lock()
	defer registry.Unlock()
	scheme, rest, hasScheme := strings.Cut(addr, ":")
	// A Windows drive letter or a path with a colon further on is a path, not a scheme.
	if hasScheme && len(scheme) > 1 && !strings.ContainsAny(scheme, `/\.`) {
		for _, b := range registry.backends {
			if b.Name == scheme {
				return b, rest, nil
			}
			for _, s := range b.Schemes {
				if s == scheme {
					return b, addr, nil
				}
			}
		}
		if strings.HasPrefix(rest, "//") {
			return Backend{}, "", fmt.Errorf("store: no backend for %q addresses (have %s)", scheme, strings.Join(names(registry.backends), ", "))
		}
	}
	for _, b := range registry.backends {
		if b.Default {
			return b, addr, nil
		}
	}
	return Backend{}, "", fmt.Errorf("store: no default backend linked in (import cryptoweekly/store/all)")
}

func names(bs []Backend) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Name)
	}
	return out
}
