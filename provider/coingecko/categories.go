package coingecko

// The bundled category snapshots (Fedric-Reform/MarketDataResearch):
// CategoryPerformance__YYYY-MM-DD__<commit>.csv, CoinGecko's /coins/categories (Category,
// Market Cap, 24h Volume, 24h % Change) as the repository committed it on that day. Stored per
// category and day: the market cap and the 24h volume (cw.MetricMarketCap, cw.MetricVolume24h)
// on category:cg-<name>; the 24h change is checked but not kept, since a weekly figure compares
// market caps a week apart instead. A category CoinGecko lists without figures (an empty row:
// about 2,600 of them, ecosystems with no priced coin) has no observation, never a zero.

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/rawfile"
)

// CategoriesDir is the bundled folder of category snapshots.
const CategoriesDir = "coingecko-categories-Fedric-Reform"

// CategoryNames are the names /coins/categories gives the categories DefaultCategories maps
// (the snapshot files name categories, not ids): the bridge from a sector's "cg:<id>" tag to
// its category's market cap.
var CategoryNames = map[string]string{
	"decentralized-finance-defi": "Decentralized Finance (DeFi)",
	"meme-token":                 "Meme",
	"artificial-intelligence":    "Artificial Intelligence (AI)",
	"layer-1":                    "Layer 1 (L1)",
	"layer-2":                    "Layer 2 (L2)",
	"gaming":                     "Gaming (GameFi)",
	"real-world-assets-rwa":      "Real World Assets (RWA)",
	"exchange-based-tokens":      "Exchange-based Tokens",
	"infrastructure":             "Infrastructure",
	"stablecoins":                "Stablecoins",
}

// CategoryEntity is the entity of a CoinGecko category by its name. The "cg-" prefix keeps it
// apart from CoinMarketCap's categories, which share names ("Layer 1") but not members.
func CategoryEntity(name string) string { return cw.EntityID(cw.KindCategory, "cg-"+name) }

var (
	categoriesFile   = regexp.MustCompile(`^CategoryPerformance__([0-9]{4}-[0-9]{2}-[0-9]{2})__[0-9a-f]{10}\.csv$`)
	categoriesHeader = []string{"Category", "Market Cap", "24h Volume", "24h % Change"}
)

func init() {
	cw.RegisterFamily(cw.FileFamily{Dir: CategoriesDir, Parse: parseCategories})
	cw.RegisterDefinition(cw.Definition{ID: DefCategoryMarketCap, Source: SourceCategoryCaps, Metric: cw.MetricMarketCap,
		Text: "A CoinGecko category's market cap (/coins/categories): the summed market cap of the coins CoinGecko tags with the category at the snapshot's time. Categories overlap (a coin is in many) and their membership changes, so it is a size, not an investable index."})
	cw.RegisterDefinition(cw.Definition{ID: DefCategoryVolume, Source: SourceCategoryCaps, Metric: cw.MetricVolume24h,
		Text: "A CoinGecko category's 24h trading volume (/coins/categories): the summed 24h volume of its coins at the snapshot's time."})
}

func parseCategories(fsys fs.FS, dir string) ([]cw.Batch, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "CategoryPerformance__*.csv"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no CategoryPerformance__YYYY-MM-DD__<commit>.csv file", dir)
	}
	sort.Strings(names)
	s := rawfile.NewSeries(SourceCategoryCaps)
	ents := map[string]cw.Entity{}
	fileOf := map[time.Time]string{}
	var first, last time.Time
	for _, name := range names {
		m := categoriesFile.FindStringSubmatch(path.Base(name))
		if m == nil {
			return nil, fmt.Errorf("%s: not a CategoryPerformance__YYYY-MM-DD__<commit>.csv file name", name)
		}
		day, err := cw.ParseDay(m[1])
		if err != nil {
			return nil, fmt.Errorf("%s: file name: %w", name, err)
		}
		// One snapshot a day: the repository kept the last commit of each UTC day.
		if prev, dup := fileOf[day]; dup {
			return nil, fmt.Errorf("%s: a second snapshot of %s (first %s)", name, m[1], prev)
		}
		fileOf[day] = name
		if first.IsZero() || day.Before(first) {
			first = day
		}
		if day.After(last) {
			last = day
		}
		if err := readCategoriesFile(fsys, name, day, s, ents); err != nil {
			return nil, err
		}
	}
	ids := make([]string, 0, len(ents))
	for id := range ents {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	list := make([]cw.Entity, len(ids))
	for i, id := range ids {
		list[i] = ents[id]
	}
	prov := cw.Provenance{ID: SourceCategoryCaps, Provider: "CoinGecko", Location: path.Join(dir, "CategoryPerformance__YYYY-MM-DD__<commit>.csv"),
		FetchedAt: last, Licence: "none stated by the repository; " + Licence,
		Note: fmt.Sprintf("Fedric-Reform/MarketDataResearch, CategoryPerformance.csv as committed on %d days %s..%s (the last commit of each UTC day; snapshot times vary): "+
			"CoinGecko /coins/categories with market cap and 24h volume in USD. The files list only the top 10 categories by market cap until 2025-09-25 and about 620 after; "+
			"categories listed without figures are not stored. Category market caps overlap and are not investable indices.", len(names), cw.DayString(first), cw.DayString(last))}
	return []cw.Batch{{Source: prov, Entities: list, Observations: s.Obs()}}, nil
}

// readCategoriesFile checks one snapshot: the exact header, a plain-text name on every row, no
// category twice, and either all three figures (plain numbers, non-negative market cap and
// volume, a change of at least -100%) or none.
func readCategoriesFile(fsys fs.FS, name string, day time.Time, s *rawfile.Series, ents map[string]cw.Entity) error {
	f, err := rawfile.ReadCSV(fsys, name, ',', categoriesHeader...)
	if err != nil {
		return fmt.Errorf("coingecko: %w", err)
	}
	for _, h := range f.Header {
		if !contains(categoriesHeader, strings.TrimSpace(h)) {
			return &rawfile.LineError{File: name, Line: 1, Err: fmt.Errorf("unknown column %s (schema drift? the files have %s)", cw.Quote(h), strings.Join(categoriesHeader, ","))}
		}
	}
	seen := map[string]int{}
	for i := range f.Rows {
		// Names come with stray blanks (" DN-404", a trailing tab): Get trims them.
		cname, err := coinName(f.Get(i, "Category"))
		if err != nil {
			return f.Err(i, "Category", err)
		}
		id := CategoryEntity(cname)
		if j, dup := seen[id]; dup {
			return f.Err(i, "Category", fmt.Errorf("category %s listed twice (first at line %d)", cw.Quote(cname), f.Lines[j]))
		}
		seen[id] = i
		empty := 0
		for _, c := range categoriesHeader[1:] {
			if f.Get(i, c) == "" {
				empty++
			}
		}
		switch empty {
		case len(categoriesHeader) - 1:
			continue // listed without figures
		case 0:
		default:
			return f.Err(i, "Market Cap", fmt.Errorf("%d of the three figures empty: a category has all of them or none", empty))
		}
		vals, err := rawfile.Floats(f, i, categoriesHeader[1:3], true)
		if err != nil {
			return err
		}
		chg, err := f.Plain(i, "24h % Change")
		if err != nil {
			return err
		}
		if chg < -100 {
			return f.Err(i, "24h % Change", fmt.Errorf("%v%%: a market cap cannot fall more than 100%%", chg))
		}
		where := rawfile.At(f.Name, f.Lines[i])
		if err := s.Add(id, cw.MetricMarketCap, day, vals[0], where); err != nil {
			return err
		}
		if err := s.Add(id, cw.MetricVolume24h, day, vals[1], where); err != nil {
			return err
		}
		if _, ok := ents[id]; !ok {
			e := cw.Entity{ID: id, Kind: cw.KindCategory, Name: cname}
			for cgID, n := range CategoryNames {
				if n == cname {
					e.Attrs = map[string]string{"coingecko_id": cgID}
				}
			}
			ents[id] = e
		}
	}
	return nil
}
