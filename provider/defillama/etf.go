package defillama

// DefiLlama's spot ETF data: the bundled export of its ETF dashboard (defillama-etf-moltovy) and
// the Pro API's /etfs/flows and /etfs/snapshot (etf_live.go). Both store on the shared ETF
// vocabulary (cw.MetricETFFlow on index:spot-etf-<asset> and fund:<ticker>) under ids of their
// own, so the ETF section can splice them with Farside's tables and say which one it used.
//
// Real-data notes (raw/SOURCES.md, checked against the files):
//   - etf-history.csv: date,gecko_id,total_flow_usd in USD (not millions), bitcoin and ethereum
//     from their launch days (2024-01-11, 2024-07-23), solana from 2026-01-12, to 2026-04-14.
//     Every date has exactly one row, of one asset: from 2024-07-23, when a second asset's funds
//     listed, the export kept one asset per day, so on each day the other assets' flows are
//     missing (no row, not zero) — about half the trading days of each. Where Farside's tables have
//     the day, the two are equal: 543 shared days, the largest difference $1.2e-7 (float
//     rounding). So it is not an independent source, and the section uses it only for the days
//     Farside lacks (ETH 2026-04-13 and 04-14, SOL before 2026-03-25).
//   - etf-overview.csv: Ticker,Issuer,Coin,Flows,AUM,Volume, one row per fund, 25 funds. It
//     carries no date (SOURCES.md: "about 2026-04-17"), and its Flows column (GBTC 15.5M, every
//     other fund 0) matches no day of Farside's tables, so its flows, AUM and volume cannot be
//     dated: they are checked but not stored. What is stored is what does not go stale: each
//     fund's issuer and the asset it holds.

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/rawfile"
)

const (
	// SourceETFHistory is the bundled daily flow per asset of DefiLlama's ETF dashboard.
	SourceETFHistory cw.SourceID = "defillama-etf-history"
	// SourceETFOverview is the bundled fund list (issuer, asset) of the same dashboard.
	SourceETFOverview cw.SourceID = "defillama-etf-overview"

	// DefETFFlow is DefiLlama's daily flow per asset, bundled or live (/etfs/flows).
	DefETFFlow cw.DefinitionID = "etf.flow.defillama"

	dlETFDir      = "defillama-etf-moltovy"
	dlETFHistory  = "etf-history.csv"
	dlETFOverview = "etf-overview.csv"
)

// dlETFFetched is the day the moltovy repository's ETF export was taken (raw/SOURCES.md: the
// overview is "about 2026-04-17"; the history's last day is 2026-04-14).
var dlETFFetched = time.Date(2026, 4, 17, 0, 0, 0, 0, time.UTC)

// etfAssets maps DefiLlama's asset names (CoinGecko ids on the API, capitalised on the
// dashboard's export) to the asset keys the ETF entities use.
var etfAssets = map[string]string{
	"bitcoin": "btc", "ethereum": "eth", "solana": "sol", "ripple": "xrp", "xrp": "xrp",
	"litecoin": "ltc", "dogecoin": "doge", "hedera-hashgraph": "hbar", "hedera": "hbar",
}

// ETFAsset is the asset key ("btc") of a DefiLlama asset name ("bitcoin", "Bitcoin").
func ETFAsset(name string) (string, bool) {
	a, ok := etfAssets[strings.ToLower(strings.TrimSpace(name))]
	return a, ok
}

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: dlETFDir, Parse: parseETF})
	for _, d := range []cw.Definition{
		{ID: DefETFFlow, Source: SourceETFHistory, Metric: cw.MetricETFFlow,
			Text: "Net flow of an asset's US spot ETFs in USD per US trading day as DefiLlama's ETF dashboard publishes it (/etfs/flows total_flow_usd: the sum of the funds' flows); a week sums its trading days. Equal to Farside's totals on every day both publish."},
		{ID: DefETFFlow, Source: SourceETFFlows, Metric: cw.MetricETFFlow},
		{ID: DefETFFundFlow, Source: SourceETFSnapshot, Metric: cw.MetricETFFlow,
			Text: "A fund's net flow in USD on one US trading day from DefiLlama's /etfs/snapshot, dated to the /etfs/flows day whose asset total the snapshot's funds add up to (a snapshot whose funds match no day is not stored)."},
		{ID: DefETFAUM, Source: SourceETFSnapshot, Metric: cw.MetricETFAUM,
			Text: "A fund's assets under management in USD from DefiLlama's /etfs/snapshot, dated on the snapshot's own timestamp (UTC day)."},
	} {
		cw.RegisterDefinition(d)
	}
}

func etfProvenance(id cw.SourceID, file, note string) cw.Provenance {
	p := NewProvenance(id)
	p.Location = file
	p.FetchedAt = dlETFFetched
	p.Licence = dlLicence
	p.Note = note
	return p
}

func parseETF(fsys fs.FS, dir string) ([]cw.Batch, error) {
	var out []cw.Batch
	found := 0
	for _, x := range []struct {
		file  string
		parse func(fs.FS, string) (cw.Batch, error)
	}{{dlETFHistory, parseETFHistory}, {dlETFOverview, parseETFOverview}} {
		name := path.Join(dir, x.file)
		if _, err := fs.Stat(fsys, name); err != nil {
			continue
		}
		found++
		b, err := x.parse(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	if found == 0 {
		return nil, fmt.Errorf("%s: neither %s nor %s", dir, dlETFHistory, dlETFOverview)
	}
	return out, nil
}

func parseETFHistory(fsys fs.FS, name string) (cw.Batch, error) {
	f, err := rawfile.ReadCSV(fsys, name, ',', "date", "gecko_id", "total_flow_usd")
	if err != nil {
		return cw.Batch{}, fmt.Errorf("defillama etf history: %w", err)
	}
	if len(f.Rows) == 0 {
		return cw.Batch{}, fmt.Errorf("%s: no data rows", f.Name)
	}
	s := rawfile.NewSeries(SourceETFHistory)
	first, last := map[string]time.Time{}, map[string]time.Time{}
	for i := range f.Rows {
		day, err := dlDayCol(f, i, "date")
		if err != nil {
			return cw.Batch{}, err
		}
		asset, ok := ETFAsset(f.Get(i, "gecko_id"))
		if !ok {
			return cw.Batch{}, f.Err(i, "gecko_id", fmt.Errorf("unknown asset %s (known: bitcoin, ethereum, solana, …)", cw.Quote(f.Get(i, "gecko_id"))))
		}
		v, err := f.Plain(i, "total_flow_usd")
		if err != nil {
			return cw.Batch{}, err
		}
		if err := s.Add(cw.ETFTotalEntity(asset), cw.MetricETFFlow, day, v, rawfile.At(f.Name, f.Lines[i])); err != nil {
			return cw.Batch{}, err
		}
		if f, ok := first[asset]; !ok || day.Before(f) {
			first[asset] = day
		}
		if day.After(last[asset]) {
			last[asset] = day
		}
	}
	var ents []cw.Entity
	var spans []string
	for _, a := range sortedKeys(first) {
		ents = append(ents, cw.ETFTotal(a))
		spans = append(spans, fmt.Sprintf("%s %s..%s", strings.ToUpper(a), cw.DayString(first[a]), cw.DayString(last[a])))
	}
	note := "DefiLlama's ETF dashboard export (the /etfs/flows series) in the moltovy research repository: the daily net flow of each asset's US spot ETFs in USD (" +
		strings.Join(spans, ", ") + "). The export has one row per date, of one asset: from 2024-07-23 the other assets' flows of each day are missing (no row, not zero), about half the trading days of each. Where Farside publishes the day the two are equal."
	return cw.Batch{Source: etfProvenance(SourceETFHistory, name, note), Entities: ents, Observations: s.Obs()}, nil
}

func parseETFOverview(fsys fs.FS, name string) (cw.Batch, error) {
	cols := []string{"Ticker", "Issuer", "Coin", "Flows", "AUM", "Volume"}
	f, err := rawfile.ReadCSV(fsys, name, ',', cols...)
	if err != nil {
		return cw.Batch{}, fmt.Errorf("defillama etf overview: %w", err)
	}
	if len(f.Rows) == 0 {
		return cw.Batch{}, fmt.Errorf("%s: no data rows", f.Name)
	}
	var ents []cw.Entity
	seen := map[string]int{}
	for i := range f.Rows {
		tk, err := rawfile.Symbol(f, i, "Ticker")
		if err != nil {
			return cw.Batch{}, err
		}
		if j, dup := seen[strings.ToUpper(tk)]; dup {
			return cw.Batch{}, f.Err(i, "Ticker", fmt.Errorf("duplicate fund %s (also line %d)", cw.Quote(tk), j))
		}
		seen[strings.ToUpper(tk)] = f.Lines[i]
		asset, ok := ETFAsset(f.Get(i, "Coin"))
		if !ok {
			return cw.Batch{}, f.Err(i, "Coin", fmt.Errorf("unknown asset %s", cw.Quote(f.Get(i, "Coin"))))
		}
		issuer, err := cleanName(f.Get(i, "Issuer"))
		if err != nil || issuer == "" {
			return cw.Batch{}, f.Err(i, "Issuer", fmt.Errorf("want the issuer's name, got %s", cw.Quote(f.Get(i, "Issuer"))))
		}
		// The numbers are undated and not stored, but a file whose numbers do not parse is not
		// the file this parser was checked against.
		if _, err := f.Plain(i, "Flows"); err != nil {
			return cw.Batch{}, err
		}
		for _, c := range []string{"AUM", "Volume"} {
			if f.Get(i, c) == "" {
				continue // BSOL and FSOL publish no AUM
			}
			v, err := f.Plain(i, c)
			if err != nil {
				return cw.Batch{}, err
			}
			if err := rawfile.CheckNonNegative(f, i, c, v); err != nil {
				return cw.Batch{}, err
			}
		}
		e := cw.ETFFund(tk, asset)
		e.Attrs = map[string]string{"issuer": issuer}
		ents = append(ents, e)
	}
	note := "DefiLlama's ETF dashboard fund list in the moltovy research repository (about 2026-04-17): each fund's issuer and the asset it holds. " +
		"Its Flows, AUM and Volume columns carry no date and are not stored."
	return cw.Batch{Source: etfProvenance(SourceETFOverview, name, note), Entities: ents}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
