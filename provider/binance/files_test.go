package binance

import (
	"strings"
	"testing"
	"testing/fstest"

	"cryptoweekly/internal/familytest"
)

func TestBundledFiles(t *testing.T) {
	bs, err := familytest.Parse(t, familytest.Raw(t), fileDir)
	if err != nil {
		t.Fatal(err)
	}
	// Binance's BTCUSDT daily close of 2024-12-13 and its funding: the day's mean of three
	// 8-hour settlements, computed by the live connector's rule.
	if v, ok := familytest.Obs(t, bs, "asset:btc", "close", "2024-12-13"); !ok || v < 90000 || v > 110000 {
		t.Errorf("BTC close 2024-12-13 = %v, %v", v, ok)
	}
	if v, ok := familytest.Obs(t, bs, ContractID("BTCUSDT"), "funding_rate", "2024-12-13"); !ok || v <= -0.01 || v >= 0.01 {
		t.Errorf("BTC funding 2024-12-13 = %v, %v", v, ok)
	}
	if _, ok := familytest.Obs(t, bs, "asset:xmr", "close", "2024-03-01"); ok {
		t.Error("XMR trades after its delisting")
	}
}

func TestBundledFilesBadInput(t *testing.T) {
	kl := func(ms, close string) string {
		return `[[` + ms + `,"1","2","0.5",` + close + `,"10",0,"100",1,"0","0","0"]]`
	}
	cases := []struct{ name, file, body, want string }{
		{"close not a string", "btc-1d.json", kl("1733961600000", `97000`), "field 4"},
		{"close garbage", "btc-1d.json", kl("1733961600000", `"9e9x"`), "field 4"},
		{"open not a number", "btc-1d.json", `[[1733961600000,"banana","2","0.5","3","10",0,"100",1,"0","0","0"]]`, "field 1"},
		{"base volume negative", "btc-1d.json", `[[1733961600000,"1","2","0.5","3","-1",0,"100",1,"0","0","0"]]`, "field 5"},
		{"not midnight", "btc-1d.json", kl("1733961600001", `"97000"`), "not a UTC day"},
		{"duplicate day", "btc-1d.json", `[[1733961600000,"1","2","0.5","3","10",0,"100",1,"0","0","0"],[1733961600000,"1","2","0.5","4","10",0,"100",1,"0","0","0"]]`, "duplicate"},
		{"funding implausible", "btc-funding.json", `[{"symbol":"BTCUSDT","fundingTime":1733961600000,"fundingRate":"0.9"}]`, "plausible"},
		{"funding other symbol", "btc-funding.json", `[{"symbol":"ETHUSDT","fundingTime":1733961600000,"fundingRate":"0.0001"}]`, "symbol"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := familytest.Parse(t, fstest.MapFS{fileDir + "/" + c.file: {Data: []byte(c.body)}}, fileDir)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.file) {
				t.Fatalf("err %v, want one naming %s and %q", err, c.file, c.want)
			}
		})
	}
}
