package cryptoweekly

import "time"

// KeySet finds a repeated (entity, metric, day) key among a batch's observations: the check
// every write and every file parser makes once per row, a million times for the bundle, where a
// map of string-and-time keys was the largest cost of an import.
//
// Sources write each series in day order (a file of one coin's days, a table with a row per
// day), so per (entity, metric) it keeps only the last day and the direction: a day that
// continues the direction is new without a lookup. The first day out of order switches the whole
// set to a map of every key given so far, so correctness never depends on the order.
type KeySet struct {
	pairs    map[pairKey]int32
	state    []pairState
	lastE    string
	lastM    Metric
	lastPair int32
	adds     []dayKey         // every key added, in order: the fallback map is built from it
	all      map[dayKey]int32 // nil until a day comes out of order; key -> index of its first Add
}

type pairKey struct {
	e string
	m Metric
}

type pairState struct {
	last    int32 // the pair's last day, in days since 1970
	lastAdd int32 // the index of that Add
	dir     int8  // +1 rising, -1 falling, 0 one day so far
}

type dayKey struct{ pair, day int32 }

// NewKeySet starts an empty set sized for about n keys.
func NewKeySet(n int) *KeySet {
	return &KeySet{pairs: map[pairKey]int32{}, adds: make([]dayKey, 0, n), lastPair: -1}
}

// Add records the key and reports whether it was already there; first is the index (in Add
// order, from 0) of the Add that recorded it.
func (k *KeySet) Add(entity string, m Metric, day time.Time) (first int, dup bool) {
	p := k.lastPair
	if p < 0 || entity != k.lastE || m != k.lastM {
		var ok bool
		if p, ok = k.pairs[pairKey{entity, m}]; !ok {
			p = int32(len(k.state))
			k.pairs[pairKey{entity, m}] = p
			k.state = append(k.state, pairState{last: -1 << 31})
		}
		k.lastE, k.lastM, k.lastPair = entity, m, p
	}
	d := int32(floorDiv(day.Unix(), 86400))
	key := dayKey{p, d}
	idx := int32(len(k.adds))
	if k.all == nil {
		st := &k.state[p]
		switch {
		case st.last == -1<<31:
			st.last, st.lastAdd = d, idx
			k.adds = append(k.adds, key)
			return 0, false
		case d == st.last:
			return int(st.lastAdd), true
		case st.dir == 0 || (st.dir > 0) == (d > st.last):
			if st.dir == 0 {
				st.dir = 1
				if d < st.last {
					st.dir = -1
				}
			}
			st.last, st.lastAdd = d, idx
			k.adds = append(k.adds, key)
			return 0, false
		}
		// Out of order: from here on, every key goes through a map.
		k.toMap()
	}
	if f, ok := k.all[key]; ok {
		return int(f), true
	}
	k.all[key] = idx
	k.adds = append(k.adds, key)
	return 0, false
}

// Find returns the index of the Add that recorded the key, if one did. A lookup needs the map,
// so the set switches to it (rare: replacing a value already added).
func (k *KeySet) Find(entity string, m Metric, day time.Time) (int, bool) {
	p, ok := k.pairs[pairKey{entity, m}]
	if !ok {
		return 0, false
	}
	if k.all == nil {
		k.toMap()
	}
	f, ok := k.all[dayKey{p, int32(floorDiv(day.Unix(), 86400))}]
	return int(f), ok
}

func (k *KeySet) toMap() {
	k.all = make(map[dayKey]int32, cap(k.adds))
	for i, a := range k.adds {
		k.all[a] = int32(i)
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
