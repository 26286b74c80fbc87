package farside

import (
	"strings"
	"testing"
	"testing/fstest"

	"cryptoweekly/internal/familytest"
)

func TestBundledTables(t *testing.T) {
	bs, err := familytest.Parse(t, familytest.Raw(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	// The first BTC day as Farside printed it (US$m): IBIT 111.7, GBTC -95.1, total 655.3.
	familytest.Want(t, bs, FundEntity("IBIT"), "etf_flow_usd", "2024-01-11", 111.7e6, 1)
	familytest.Want(t, bs, FundEntity("GBTC"), "etf_flow_usd", "2024-01-11", -95.1e6, 1)
	familytest.Want(t, bs, TotalEntity("btc"), "etf_flow_usd", "2024-01-11", 655.3e6, 1)
	// MSBT had not launched: an empty cell is no observation, not a zero.
	if _, ok := familytest.Obs(t, bs, FundEntity("MSBT"), "etf_flow_usd", "2024-01-11"); ok {
		t.Error("an empty cell became a value")
	}
	// 2024-12-25: the market was closed; the row's 0.0 total is not a day of zero flow.
	for _, a := range []string{"btc", "eth"} {
		if _, ok := familytest.Obs(t, bs, TotalEntity(a), "etf_flow_usd", "2024-12-25"); ok {
			t.Errorf("%s: the Christmas holiday row became a zero-flow day", a)
		}
	}
	familytest.Want(t, bs, TotalEntity("btc"), "etf_flow_usd", "2024-12-26", 475.2e6, 1)
}

func TestBadTables(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"not a number", "Date,IBIT,Total\n2024-01-11,1x,1\n", "IBIT"},
		{"duplicate day", "Date,IBIT,Total\n2024-01-11,1,1\n2024-01-11,2,2\n", "duplicate"},
		{"bad date", "Date,IBIT,Total\n11/01/2024,1,1\n", "Date"},
		{"no total", "Date,IBIT\n2024-01-11,1\n", "Total"},
		{"header only", "Date,IBIT,Total\n", "no data rows"},
		{"holiday row with a total", "Date,IBIT,GBTC,Total\n2024-12-25,,,5.0\n", "every fund cell is empty"},
		{"holiday row without a number", "Date,IBIT,Total\n2024-12-25,,x\n", "Total"},
		{"empty fund header", "Date,IBIT,,Total\n2024-01-11,1,,1\n", "column 3: \"\" is not a fund ticker"},
		{"markup fund header", "Date,<b>IBIT</b>,Total\n2024-01-11,1,1\n", "column 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{dir + "/bitcoin_etf_flow_all_data.csv": {Data: []byte(c.body)}}
			_, err := familytest.Parse(t, fsys, dir)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bitcoin_etf_flow_all_data.csv") {
				t.Fatalf("err %v, want one naming the file and %q", err, c.want)
			}
		})
	}
}
