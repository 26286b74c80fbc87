package all_test

import (
	"strings"
	"testing"

	cw "cryptoweekly"
	"cryptoweekly/provider/coingecko"
	"cryptoweekly/section/categories"
)

// catFixture: CoinGecko category snapshots on 2025-03-03 (top 3 only: Smart Contract Platform
// 3.0T, Layer 1 (L1) 2.9T, Stablecoins 0.2T), 2025-03-06 and 2025-03-13 (Layer 1 2.8T → 3.08T,
// +10%; Meme 60B → 54B, -10%, volume 6B at the end; DeFi only on 03-13; Layer 2 listed at a
// market cap of 0 on 03-06, 1B on 03-13).
func catFixture() cw.Batch {
	cat := func(name string) string { return coingecko.CategoryEntity(name) }
	var ents []cw.Entity
	for _, n := range []string{"Smart Contract Platform", "Layer 1 (L1)", "Stablecoins", "Meme", "Decentralized Finance (DeFi)", "Layer 2 (L2)"} {
		ents = append(ents, cw.Entity{ID: cat(n), Kind: cw.KindCategory, Name: n})
	}
	return bt("coingecko-category-caps", ents,
		ob(cat("Smart Contract Platform"), "market_cap", "2025-03-03", 3.0e12),
		ob(cat("Layer 1 (L1)"), "market_cap", "2025-03-03", 2.9e12),
		ob(cat("Stablecoins"), "market_cap", "2025-03-03", 0.2e12),
		ob(cat("Layer 1 (L1)"), "market_cap", "2025-03-06", 2.8e12),
		ob(cat("Meme"), "market_cap", "2025-03-06", 60e9),
		ob(cat("Layer 2 (L2)"), "market_cap", "2025-03-06", 0),
		ob(cat("Layer 1 (L1)"), "market_cap", "2025-03-13", 3.08e12),
		ob(cat("Meme"), "market_cap", "2025-03-13", 54e9),
		ob(cat("Meme"), "volume_24h", "2025-03-13", 6e9),
		ob(cat("Decentralized Finance (DeFi)"), "market_cap", "2025-03-13", 90e9),
		ob(cat("Layer 2 (L2)"), "market_cap", "2025-03-13", 1e9),
	)
}

func TestCategories(t *testing.T) {
	db := newStore(t, catFixture())
	w := runWeek(t, db, testConfig(), weekEnd)
	b := w.Block("categories").(*categories.Block)
	// End: the newest snapshot in the week (03-13); start: the newest at least 7 days before it
	// (03-06), not the week's own ends, which the note says.
	if b.Unavailable != "" || b.From != "2025-03-06" || b.To != "2025-03-13" || b.Listed != 4 {
		t.Fatalf("block %+v", b)
	}
	if !hasNote(b.Notes, "The snapshots compared are of 2025-03-06 and 2025-03-13 (7 days apart)") {
		t.Errorf("notes %v", b.Notes)
	}
	tracked := map[string]categories.Row{}
	for _, r := range b.Tracked {
		tracked[r.Sector] = r
	}
	eqChange(t, "Layer 1", tracked["Layer 1"].Change, 2.8e12, 3.08e12)
	eqChange(t, "Meme", tracked["Meme"].Change, 60e9, 54e9)
	eqf(t, "Meme volume", tracked["Meme"].Volume24h, 6e9)
	eqs(t, "Meme label", tracked["Meme"].Label, "Meme")
	// DeFi is in the end snapshot only; AI in neither; Layer 2 starts from 0 (no percentage).
	if r := tracked["DeFi"]; r.End == nil || r.Start != nil || r.Unavailable != "not in the 2025-03-06 snapshot" {
		t.Errorf("DeFi %+v", r)
	}
	if r := tracked["AI"]; r.End != nil || r.Unavailable != "not among the 4 categories of the 2025-03-13 snapshot" {
		t.Errorf("AI %+v", r)
	}
	if r := tracked["Layer 2"]; r.Abs == nil || *r.Abs != 1e9 || r.Pct != nil {
		t.Errorf("Layer 2 %+v", r)
	}
	// The largest at the end, in order.
	eqList(t, "largest", labels(b.Largest, func(r categories.Row) string { return r.Label }),
		[]string{"Layer 1 (L1)", "Decentralized Finance (DeFi)", "Meme", "Layer 2 (L2)"})
	md := string(renderMD(t, w.Report))
	if !strings.Contains(md, "| Meme | Meme | $60.00B | $54.00B | -$6.00B | -10.00% | $6.00B | 2025-03-06 → 2025-03-13 |") {
		t.Errorf("markdown:\n%s", md[strings.Index(md, "CoinGecko category"):])
	}
	if ov := b.Overview(); len(ov) != 1 || !strings.Contains(ov[0].Text, "Layer 1 (L1) +10.00% to $3.08T, Meme -10.00% to $54.00B") {
		t.Errorf("overview %+v", ov)
	}

	// A week whose newest snapshot has none 7–14 days before it: market caps without a change.
	b = runWeek(t, db, testConfig(), "2025-03-07").Block("categories").(*categories.Block)
	if b.To != "2025-03-06" || b.From != "" || !hasNote(b.Notes, "No stored category snapshot lies 7–14 days before 2025-03-06") {
		t.Errorf("no start: %+v", b)
	}
	// After the last snapshot: unavailable, naming the newest one.
	b = runWeek(t, db, testConfig(), "2025-04-04").Block("categories").(*categories.Block)
	if !strings.Contains(b.Unavailable, "no CoinGecko category snapshot stored in the week (the newest before it is of 2025-03-13)") {
		t.Errorf("after the files: %q", b.Unavailable)
	}
	b = runWeek(t, db, testConfig(), "2025-02-14").Block("categories").(*categories.Block)
	if !strings.Contains(b.Unavailable, "none stored before it either") {
		t.Errorf("before the files: %q", b.Unavailable)
	}
}
