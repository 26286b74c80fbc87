// Package assetid hands out asset entity IDs when several coins of one provider share a symbol:
// the first coin of a symbol (callers feed coins in their ranking order) owns "asset:<symbol>",
// later ones get "asset:<symbol>-<suffix>" and, should that be taken too, "-2", "-3", ...
package assetid

import (
	"strconv"

	cw "cryptoweekly"
)

// Allocator remembers the IDs it handed out. The zero value is not usable; call New.
type Allocator struct {
	byProvider map[string]string // provider coin id -> entity id (Assign only)
	used       map[string]bool   // entity ids handed out
}

// New returns an empty allocator.
func New() *Allocator {
	return &Allocator{byProvider: map[string]string{}, used: map[string]bool{}}
}

// Claim returns the first free ID of cw.EntityID(cw.KindAsset, key), then key+"-"+suffix,
// then key+"-"+suffix+"-N" for N = 2, 3, ..., and marks it used. key is a normalised symbol.
func (a *Allocator) Claim(key, suffix string) string {
	id := cw.EntityID(cw.KindAsset, key)
	if a.used[id] {
		id = cw.EntityID(cw.KindAsset, key+"-"+suffix)
		for n := 2; a.used[id]; n++ {
			id = cw.EntityID(cw.KindAsset, key+"-"+suffix+"-"+strconv.Itoa(n))
		}
	}
	a.used[id] = true
	return id
}

// Reserve marks an ID as taken without handing it out: an ID another provider's table already
// gives a different coin, which Claim must then skip.
func (a *Allocator) Reserve(id string) { a.used[id] = true }

// Assign is Claim(key, providerID) remembered per provider coin id: a coin seen again keeps the
// ID it was first given, whatever key it comes with.
func (a *Allocator) Assign(key, providerID string) string {
	return a.AssignAs(key, providerID, providerID)
}

// AssignAs is Claim(key, suffix) remembered per provider coin id, for providers whose suffix is
// not their coin id (CoinMarketCap suffixes the coin's name, which its snapshot files also carry).
func (a *Allocator) AssignAs(key, suffix, providerID string) string {
	if id, ok := a.byProvider[providerID]; ok {
		return id
	}
	id := a.Claim(key, suffix)
	a.byProvider[providerID] = id
	return id
}

// Lookup returns the ID already given to a provider coin id by Assign.
func (a *Allocator) Lookup(providerID string) (string, bool) {
	id, ok := a.byProvider[providerID]
	return id, ok
}
