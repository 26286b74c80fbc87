package section

import (
	"strings"

	cw "cryptoweekly"
	"cryptoweekly/provider/defillama"
	"cryptoweekly/report"
)

// ProtocolSet is every protocol with TVL at both ends of the week, with its metadata.
type ProtocolSet struct {
	List []report.Protocol
	// Partial counts protocols with history that miss one end of the week.
	Partial int
	// ParentsSkipped are parent protocols left out because their children are in the list.
	ParentsSkipped []string
}

// ProtocolSources are the protocol TVL series in order of preference: the /protocol/{slug}
// histories, then the /protocols snapshots.
var ProtocolSources = []cw.SourceID{defillama.SourceProtocolTVL, defillama.SourceProtocols}

// Protocols reads the week's protocol changes once per report.
func Protocols(env *report.Env) (*ProtocolSet, error) {
	v, err := env.Memo("protocols", func() (any, error) { return readProtocols(env) })
	if err != nil {
		return nil, err
	}
	return v.(*ProtocolSet), nil
}

func readProtocols(env *report.Env) (*ProtocolSet, error) {
	ps, err := WeekPrefix(env, "protocol:", cw.MetricTVL)
	if err != nil {
		return nil, err
	}
	bs := Best(ps, []cw.Metric{cw.MetricTVL}, ProtocolSources)
	ids := SortedKeys(bs)
	info, err := env.Reader.Entities(env.Ctx, ids)
	if err != nil {
		return nil, err
	}
	set := &ProtocolSet{}
	var out []report.Protocol
	for _, id := range ids {
		e := info[id]
		name := e.Name
		if name == "" {
			name = strings.TrimPrefix(id, "protocol:")
		}
		c := env.Change(name, "USD", bs[id], env.Start, env.End)
		if !c.Available() {
			set.Partial++
			continue
		}
		out = append(out, report.Protocol{Change: c, Category: e.Category, Chains: e.Chains})
	}
	// A parent protocol's TVL includes its children's: when a child has figures, rank and sum the
	// children, never the parent on top of them.
	hasChild := map[string]bool{}
	for _, p := range out {
		if par := info[p.Entity].Parent; par != "" {
			hasChild[par] = true
		}
	}
	for _, p := range out {
		if hasChild[p.Entity] {
			set.ParentsSkipped = append(set.ParentsSkipped, p.Label)
			continue
		}
		set.List = append(set.List, p)
	}
	return set, nil
}
