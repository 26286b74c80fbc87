package defillama

import (
	"strings"
	"testing"
	"testing/fstest"

	cw "cryptoweekly"
	"cryptoweekly/internal/familytest"
)

func TestETFFamily(t *testing.T) {
	bs, err := familytest.Parse(t, familytest.Raw(t), dlETFDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || bs[0].Source.ID != SourceETFHistory || bs[1].Source.ID != SourceETFOverview {
		t.Fatalf("batches %v", bs)
	}
	// Values in USD, not millions: the launch day of the BTC funds as Farside prints it ($655.3M).
	familytest.Want(t, bs, cw.ETFTotalEntity("btc"), "etf_flow_usd", "2024-01-11", 655.3e6, 0)
	familytest.Want(t, bs, cw.ETFTotalEntity("eth"), "etf_flow_usd", "2026-04-14", 3.3e6, 0)
	familytest.Want(t, bs, cw.ETFTotalEntity("sol"), "etf_flow_usd", "2026-01-12", 10.8e6, 0)
	// 2024-01-15 (a holiday) and 2024-07-23 (a trading day whose one row is ethereum's) have no
	// BTC row: no value, not zero.
	for _, d := range []string{"2024-01-15", "2024-07-23"} {
		if _, ok := familytest.Obs(t, bs, cw.ETFTotalEntity("btc"), "etf_flow_usd", d); ok {
			t.Errorf("%s: a value where the export has no row", d)
		}
	}
	if n := len(bs[0].Observations); n != 565 {
		t.Errorf("%d daily totals, want the file's 565 rows", n)
	}
	// The overview gives funds (issuer, asset) and nothing dated.
	if len(bs[1].Observations) != 0 || len(bs[1].Entities) != 25 {
		t.Errorf("overview: %d observations, %d funds", len(bs[1].Observations), len(bs[1].Entities))
	}
	ibit, _ := familytest.Entity(bs, "fund:ibit")
	gsol, _ := familytest.Entity(bs, "fund:gsol")
	eth, _ := familytest.Entity(bs, "fund:eth")
	if ibit.Parent != "asset:btc" || ibit.Attrs["issuer"] != "Blackrock" || ibit.Name != "IBIT" ||
		gsol.Parent != "asset:sol" || eth.Parent != "asset:eth" || eth.Attrs["issuer"] != "Grayscale" {
		t.Errorf("funds: %+v %+v %+v", ibit, gsol, eth)
	}
	// The same records as Farside's, so the store's entity does not depend on import order.
	if ibit.Name != cw.ETFFund("IBIT", "btc").Name || ibit.Symbol != "IBIT" {
		t.Errorf("IBIT %+v differs from Farside's record", ibit)
	}
}

func TestETFFamilyBadInput(t *testing.T) {
	const hist, ov = "date,gecko_id,total_flow_usd\n", "Ticker,Issuer,Coin,Flows,AUM,Volume\n"
	for _, c := range []struct{ name, file, body, want string }{
		{"unknown asset", dlETFHistory, hist + "2024-01-11,stellar,1\n", "unknown asset"},
		{"flow NaN", dlETFHistory, hist + "2024-01-11,bitcoin,NaN\n", "total_flow_usd"},
		{"flow in millions with a unit", dlETFHistory, hist + "2024-01-11,bitcoin,655.3M\n", "total_flow_usd"},
		{"duplicate day", dlETFHistory, hist + "2024-01-11,bitcoin,1\n2024-01-11,bitcoin,2\n", "duplicate"},
		{"unit error", dlETFHistory, hist + "2024-01-11,bitcoin,655300000000000\n", "plausible"},
		{"bad day", dlETFHistory, hist + "11/01/2024,bitcoin,1\n", "date"},
		{"missing column", dlETFHistory, "date,gecko_id\n2024-01-11,bitcoin\n", "total_flow_usd"},
		{"header only", dlETFHistory, hist, "no data rows"},
		{"overview unknown coin", dlETFOverview, ov + "XRPX,Acme,Stellar,0,1,1\n", "unknown asset"},
		{"overview duplicate fund", dlETFOverview, ov + "IBIT,Blackrock,Bitcoin,0,1,1\nibit,Blackrock,Bitcoin,0,1,1\n", "duplicate fund"},
		{"overview negative AUM", dlETFOverview, ov + "IBIT,Blackrock,Bitcoin,0,-1,1\n", "negative"},
		{"overview no issuer", dlETFOverview, ov + "IBIT,,Bitcoin,0,1,1\n", "Issuer"},
		{"overview flows not a number", dlETFOverview, ov + "IBIT,Blackrock,Bitcoin,n/a,1,1\n", "Flows"},
		{"overview ticker with a blank", dlETFOverview, ov + "IB IT,Blackrock,Bitcoin,0,1,1\n", "Ticker"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{dlETFDir + "/" + c.file: {Data: []byte(c.body)}}
			_, err := familytest.Parse(t, fsys, dlETFDir)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.file) {
				t.Fatalf("err %v, want one naming %s and %q", err, c.file, c.want)
			}
		})
	}
	// Hostile text in the issuer is kept as inert text (the renderers escape it), control
	// characters are not.
	fsys := fstest.MapFS{dlETFDir + "/" + dlETFOverview: {Data: []byte(ov + "IBIT,<script>alert(1)</script>\u0007,Bitcoin,0,,1\n")}}
	bs, err := familytest.Parse(t, fsys, dlETFDir)
	if err != nil {
		t.Fatal(err)
	}
	if got := bs[0].Entities[0].Attrs["issuer"]; got != "<script>alert(1)</script>" {
		t.Errorf("issuer %q", got)
	}
}
