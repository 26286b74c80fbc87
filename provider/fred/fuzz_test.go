package fred

import (
	"testing"
	"testing/fstest"

	cw "cryptoweekly"
	"cryptoweekly/internal/familytest"
	"cryptoweekly/internal/rawfile"
)

// FuzzDecodeObservations: any body decodes or fails with an error, never a panic; what decodes
// turns into observations that pass the plausibility table or an error.
func FuzzDecodeObservations(f *testing.F) {
	f.Add([]byte(`{"observations":[{"date":"2024-11-01","value":"316.528"},{"date":"2025-10-01","value":"."}]}`))
	f.Add([]byte(`{"error_code":400,"error_message":"Bad Request."}`))
	f.Add([]byte(`{"observations":[{"date":"2024-11-01","value":"1e400"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		obs, err := DecodeObservations(body)
		if err != nil {
			return
		}
		b := cw.Batch{Source: cw.Provenance{ID: SourceLive}}
		for _, o := range obs {
			day, err := cw.ParseDay(o.Date)
			if err != nil {
				continue
			}
			s := rawfile.NewSeries(SourceLive)
			if err := addValue(s, CPI, day, o.Value, "fuzz"); err != nil {
				continue
			}
			b.Observations = append(b.Observations, s.Obs()...)
		}
		for i := range b.Observations {
			if err := cw.CheckValue(b.Observations[i].Metric, b.Observations[i].Value); err != nil {
				t.Fatalf("stored an implausible value: %v", err)
			}
		}
	})
}

// FuzzCSV: any CSV body imports or fails with an error naming the file, never a panic.
func FuzzCSV(f *testing.F) {
	f.Add("Date,Value\n2024-11-01,316.528\n2025-10-01,.\n")
	f.Add("date,PCEPI\n2024-11-01,124.1\n")
	f.Fuzz(func(t *testing.T, body string) {
		fsys := fstest.MapFS{dirPCEPI + "/PCEPI.csv": {Data: []byte(body)}}
		bs, err := familytest.Parse(t, fsys, dirPCEPI)
		if err != nil {
			return
		}
		for _, b := range bs {
			if err := b.Validate(); err != nil {
				t.Fatalf("parsed batch fails validation: %v", err)
			}
		}
	})
}

// FuzzMoltovy: any DFF__daily.csv body parses into a batch that validates or fails with an error,
// never a panic.
func FuzzMoltovy(f *testing.F) {
	f.Add("date,value\n2024-12-13,4.58\n2024-12-14,4.58\n")
	f.Add("date,value\n1954-07-01,1.13\n2024-12-13,.\n")
	f.Fuzz(func(t *testing.T, body string) {
		bs, err := familytest.Parse(t, moltovyFS(moltovyMeta, body), dirMoltovy)
		if err == nil && (len(bs) != 1 || len(bs[0].Observations) == 0) {
			t.Fatalf("parsed without a value: %+v", bs)
		}
	})
}
