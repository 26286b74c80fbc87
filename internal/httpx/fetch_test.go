package httpx

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	secretKey   = "sk-SECRET-0123456789abcdef"
	secretParam = "qp-SECRET-fedcba9876543210"
)

// sleeps records injected sleeps instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

type logbuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logbuf) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, format+"\n", args...)
}

func (l *logbuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newTestClient(t *testing.T, archive string, o Options) (*Client, *sleeps, *logbuf) {
	t.Helper()
	s := &sleeps{}
	lb := &logbuf{}
	if o.Sleep == nil {
		o.Sleep = s.sleep
	}
	o.Logf = lb.logf
	o.ArchiveDir = archive
	if o.Limits == nil {
		o.Limits = map[string]Limit{"127.0.0.1": {Rate: 0}} // unlimited for tests
	}
	return New(o), s, lb
}

func secretRequest(base string) Request {
	return Request{
		Source:        "testsrc",
		Endpoint:      "/thing",
		URL:           base + "/thing?a=1&api_key=" + secretParam + "&b=2",
		Header:        http.Header{"X-Api-Key": {secretKey}, "Authorization": {"Bearer " + secretKey}},
		SecretHeaders: []string{"x-api-key", "Authorization"},
		SecretParams:  []string{"api_key"},
	}
}

// assertNoSecrets fails if any file under dir or any given string contains a secret.
func assertNoSecrets(t *testing.T, dir string, texts ...string) {
	t.Helper()
	check := func(where, s string) {
		for _, sec := range []string{secretKey, secretParam} {
			if strings.Contains(s, sec) {
				t.Errorf("secret %q leaked into %s", sec, where)
			}
		}
	}
	for i, s := range texts {
		check(fmt.Sprintf("text %d", i), s)
	}
	if dir == "" {
		return
	}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		raw, _ := os.ReadFile(p)
		check(p, string(raw))
		if strings.HasSuffix(p, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Errorf("%s: not gzip: %v", p, err)
				return nil
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Errorf("%s: bad gzip: %v", p, err)
			}
			check(p+" (decompressed)", string(plain))
		}
		return nil
	})
}

func TestGetSuccessArchiveAndRedaction(t *testing.T) {
	var gotUA, gotKey, gotQ string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotKey, gotQ = r.UserAgent(), r.Header.Get("X-Api-Key"), r.URL.Query().Get("api_key")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo-Key", r.Header.Get("X-Api-Key")) // a server echoing the key
		fmt.Fprintf(w, `{"ok":true,"echo":%q}`, r.URL.RawQuery)
	}))
	defer srv.Close()
	dir := t.TempDir()
	c, _, lb := newTestClient(t, dir, Options{})
	resp, err := c.Get(context.Background(), secretRequest(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if gotUA != DefaultUserAgent || gotKey != secretKey || gotQ != secretParam {
		t.Fatalf("request not sent as asked: ua=%q key=%q q=%q", gotUA, gotKey, gotQ)
	}
	if resp.Status != 200 || !strings.Contains(string(resp.Body), secretParam) {
		t.Fatalf("caller must get the body as served: %d %s", resp.Status, resp.Body)
	}
	if strings.Contains(resp.URL, "api_key") || !strings.Contains(resp.URL, "a=1&b=2") {
		t.Errorf("redacted URL = %q", resp.URL)
	}
	if resp.Archived == "" {
		t.Fatal("not archived")
	}
	rel, _ := filepath.Rel(dir, resp.Archived)
	if want := filepath.Join("testsrc", resp.FetchedAt.Format("2006-01-02")); !strings.HasPrefix(rel, want) {
		t.Errorf("archive path %q not under %q", rel, want)
	}
	m, body, err := ReadArchived(resp.Archived)
	if err != nil {
		t.Fatal(err)
	}
	if m.URL != resp.URL || m.Status != 200 || m.Source != "testsrc" || m.FetchedAt.IsZero() {
		t.Errorf("meta = %+v", m)
	}
	if m.Header["X-Echo-Key"][0] != "REDACTED" {
		t.Errorf("echoed key header not redacted: %v", m.Header["X-Echo-Key"])
	}
	if !strings.Contains(string(body), `"ok":true`) {
		t.Errorf("archived body = %s", body)
	}
	// no temp files left behind
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(resp.Archived), ".tmp-*"))
	if len(matches) > 0 {
		t.Errorf("temp files left: %v", matches)
	}
	assertNoSecrets(t, dir, lb.String(), resp.URL)
}

func TestRetryMatrix(t *testing.T) {
	httpDate := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	fixedNow := func() time.Time { return httpDate.Add(-90 * time.Second) }
	type step struct {
		status int
		header map[string]string
		body   string
	}
	cases := []struct {
		name       string
		steps      []step // served in order; the last repeats
		maxRetries int
		wantStatus int  // 0 = expect a non-HTTP error
		wantErr    bool // Get returns an error
		wantCalls  int
		wantSleep  time.Duration // must appear among the injected sleeps (0 = don't check)
		errHas     string
	}{
		{name: "429 Retry-After seconds", steps: []step{{429, map[string]string{"Retry-After": "7"}, `{"error":"slow down"}`}, {200, nil, `[]`}},
			wantStatus: 200, wantCalls: 2, wantSleep: 7 * time.Second},
		{name: "503 Retry-After HTTP-date", steps: []step{{503, map[string]string{"Retry-After": httpDate.Format(http.TimeFormat)}, `down`}, {200, nil, `[]`}},
			wantStatus: 200, wantCalls: 2, wantSleep: 90 * time.Second},
		{name: "500 then success", steps: []step{{500, nil, `oops`}, {200, nil, `[]`}}, wantStatus: 200, wantCalls: 2},
		{name: "502 502 then success", steps: []step{{502, nil, ``}, {502, nil, ``}, {200, nil, `[]`}}, wantStatus: 200, wantCalls: 3},
		{name: "404 not retried", steps: []step{{404, nil, `{"message":"There is no chain with that name"}`}},
			wantStatus: 404, wantErr: true, wantCalls: 1, errHas: "There is no chain with that name"},
		{name: "401 not retried", steps: []step{{401, nil, `bad key ` + secretKey}}, wantStatus: 401, wantErr: true, wantCalls: 1, errHas: "HTTP 401"},
		{name: "500 forever gives up", steps: []step{{500, nil, `<html>err</html>`}}, maxRetries: 2, wantStatus: 500, wantErr: true, wantCalls: 3, errHas: "giving up after 3 attempts"},
		{name: "429 Retry-After too long", steps: []step{{429, map[string]string{"Retry-After": "86400"}, ``}}, wantStatus: 429, wantErr: true, wantCalls: 1, errHas: "exceeds"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(calls.Add(1)) - 1
				if i >= len(tc.steps) {
					i = len(tc.steps) - 1
				}
				st := tc.steps[i]
				for k, v := range st.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(st.status)
				io.WriteString(w, st.body)
			}))
			defer srv.Close()
			dir := t.TempDir()
			c, sl, lb := newTestClient(t, dir, Options{MaxRetries: tc.maxRetries, Now: fixedNow})
			resp, err := c.Get(context.Background(), secretRequest(srv.URL))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if int(calls.Load()) != tc.wantCalls {
				t.Errorf("calls = %d, want %d", calls.Load(), tc.wantCalls)
			}
			if tc.wantStatus != 0 && (resp == nil || resp.Status != tc.wantStatus) {
				t.Errorf("resp = %+v, want status %d", resp, tc.wantStatus)
			}
			if err != nil {
				var he *HTTPError
				if !errors.As(err, &he) || he.Status != tc.wantStatus || he.Source != "testsrc" || he.Endpoint != "/thing" {
					t.Errorf("error %v is not the expected *HTTPError", err)
				}
				if !strings.Contains(err.Error(), tc.errHas) {
					t.Errorf("error %q lacks %q", err, tc.errHas)
				}
			}
			if tc.wantSleep != 0 {
				found := false
				for _, d := range sl.all() {
					if d == tc.wantSleep {
						found = true
					}
				}
				if !found {
					t.Errorf("sleeps %v do not include Retry-After %s", sl.all(), tc.wantSleep)
				}
			}
			// every attempt archived, including error statuses
			metas, _ := filepath.Glob(filepath.Join(dir, "testsrc", "*", "*.meta.json"))
			if len(metas) != tc.wantCalls {
				t.Errorf("archived %d responses, want %d", len(metas), tc.wantCalls)
			}
			es := ""
			if err != nil {
				es = err.Error()
			}
			assertNoSecrets(t, dir, es, lb.String())
		})
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	for n := 0; n < 10; n++ {
		d := backoff(n)
		hi := 500 * time.Millisecond << min(n, 6)
		if hi > 30*time.Second {
			hi = 30 * time.Second
		}
		if d < hi/2 || d >= hi {
			t.Errorf("backoff(%d) = %s, want in [%s, %s)", n, d, hi/2, hi)
		}
	}
}

func TestTimeoutRetriedThenReported(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select { // block until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c, _, lb := newTestClient(t, "", Options{Timeout: 50 * time.Millisecond, MaxRetries: 2})
	start := time.Now()
	_, err := c.Get(context.Background(), secretRequest(srv.URL))
	if err == nil {
		t.Fatal("want timeout error")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("err = %v", err)
	}
	if calls.Load() != 3 {
		t.Errorf("calls = %d, want 3", calls.Load())
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %s", time.Since(start))
	}
	assertNoSecrets(t, "", err.Error(), lb.String())
}

func TestTimeoutThenSuccess(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		io.WriteString(w, `[1]`)
	}))
	defer srv.Close()
	c, _, _ := newTestClient(t, "", Options{Timeout: 50 * time.Millisecond})
	resp, err := c.Get(context.Background(), secretRequest(srv.URL))
	if err != nil || string(resp.Body) != `[1]` {
		t.Fatalf("resp=%v err=%v", resp, err)
	}
}

// truncating writes a Content-Length larger than the body, then closes the connection.
func truncating(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Length", fmt.Sprint(len(body)+100))
	w.WriteHeader(200)
	io.WriteString(w, body)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if hj, ok := w.(http.Hijacker); ok {
		conn, _, err := hj.Hijack()
		if err == nil {
			conn.Close()
		}
	}
}

func TestTruncatedBody(t *testing.T) {
	t.Run("retried then success", func(t *testing.T) {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				truncating(w, `[{"date":1,"tvl":`)
				return
			}
			io.WriteString(w, `[{"date":1,"tvl":2}]`)
		}))
		defer srv.Close()
		dir := t.TempDir()
		c, _, _ := newTestClient(t, dir, Options{})
		resp, err := c.Get(context.Background(), secretRequest(srv.URL))
		if err != nil || string(resp.Body) != `[{"date":1,"tvl":2}]` || calls.Load() != 2 {
			t.Fatalf("resp=%v err=%v calls=%d", resp, err, calls.Load())
		}
		// replay prefers the complete capture
		rt, err := NewReplayTransport(dir)
		if err != nil {
			t.Fatal(err)
		}
		rc, _, _ := newTestClient(t, "", Options{Transport: rt})
		r2, err := rc.Get(context.Background(), secretRequest(srv.URL))
		if err != nil || !bytes.Equal(r2.Body, resp.Body) {
			t.Fatalf("replay: %v %v", r2, err)
		}
	})
	t.Run("always truncated is reported", func(t *testing.T) {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			truncating(w, `[{"date":1`)
		}))
		defer srv.Close()
		c, _, lb := newTestClient(t, t.TempDir(), Options{MaxRetries: 2})
		_, err := c.Get(context.Background(), secretRequest(srv.URL))
		if err == nil || !strings.Contains(err.Error(), "truncated") || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err = %v", err)
		}
		if calls.Load() != 3 {
			t.Errorf("calls = %d", calls.Load())
		}
		assertNoSecrets(t, "", err.Error(), lb.String())
	})
}

func TestConnectionErrorRetriedAndRedacted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	c, sl, lb := newTestClient(t, "", Options{MaxRetries: 3})
	_, err = c.Get(context.Background(), secretRequest("http://"+addr))
	if err == nil {
		t.Fatal("want error")
	}
	if len(sl.all()) != 3 {
		t.Errorf("sleeps = %v, want 3 backoffs", sl.all())
	}
	if !strings.Contains(err.Error(), "testsrc: /thing:") {
		t.Errorf("err = %v", err)
	}
	assertNoSecrets(t, "", err.Error(), lb.String())
}

func TestContextCancelStopsRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(500)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	c, _, _ := newTestClient(t, "", Options{Sleep: func(ctx context.Context, d time.Duration) error {
		cancel() // the caller gives up while we back off
		return ctx.Err()
	}})
	_, err := c.Get(ctx, secretRequest(srv.URL))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d", calls.Load())
	}
	// already-cancelled context: no request at all
	_, err = c.Get(ctx, secretRequest(srv.URL))
	if !errors.Is(err, context.Canceled) || calls.Load() != 1 {
		t.Errorf("err=%v calls=%d", err, calls.Load())
	}
}

func TestRealSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("sleep ignored ctx")
	}
}

func TestTokenBucket(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{}") }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, sl, _ := newTestClient(t, "", Options{
		Now:    func() time.Time { return now },
		Limits: map[string]Limit{u.Host: {Rate: 2, Burst: 2}},
	})
	for i := 0; i < 5; i++ {
		if _, err := c.Get(context.Background(), Request{Source: "s", Endpoint: "/", URL: srv.URL}); err != nil {
			t.Fatal(err)
		}
	}
	// burst 2 free, then reservations at 0.5s, 1.0s, 1.5s (clock frozen)
	want := []time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond}
	got := sl.all()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rate-limit sleeps = %v, want %v", got, want)
	}
	// time passing refills the bucket
	now = now.Add(10 * time.Second)
	c.Get(context.Background(), Request{Source: "s", Endpoint: "/", URL: srv.URL})
	if len(sl.all()) != 3 {
		t.Errorf("refill failed: %v", sl.all())
	}
}

// The providers' own budgets are checked in provider/all; here only the fallback.
func TestFallbackLimit(t *testing.T) {
	c := New(Options{})
	if d := c.reserve("unknown.example"); d != 0 {
		t.Errorf("first call should be free, got %s", d)
	}
	if d := c.reserve("unknown.example"); d < 4*time.Second {
		t.Errorf("fallback limit too generous: %s", d)
	}
}

func TestRedirectToOtherHostRefused(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("secret header forwarded to another host: %v", r.Header.Get("X-Api-Key"))
	}))
	defer other.Close()
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+"/x", http.StatusFound)
	}))
	defer srv.Close()
	c, _, _ := newTestClient(t, "", Options{MaxRetries: -1, Limits: map[string]Limit{"127.0.0.1": {}, "localhost": {}}})
	_, err := c.Get(context.Background(), secretRequest(srv.URL))
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, "", err.Error())
}

func TestInvalidURL(t *testing.T) {
	c := New(Options{})
	_, err := c.Get(context.Background(), Request{Source: "s", Endpoint: "/e", URL: "ftp://x/?api_key=" + secretParam, SecretParams: []string{"api_key"}})
	if err == nil {
		t.Fatal("want error")
	}
	assertNoSecrets(t, "", err.Error())
}

func TestReplayTransport(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"capture":%d,"path":%q}`, n.Add(1), r.URL.Path)
	}))
	defer srv.Close()
	dir := t.TempDir()
	clock := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	c, _, _ := newTestClient(t, dir, Options{Now: func() time.Time { clock = clock.Add(time.Minute); return clock }})
	var last *Response
	for i := 0; i < 3; i++ {
		r, err := c.Get(context.Background(), secretRequest(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		last = r
	}
	other, err := c.Get(context.Background(), Request{Source: "testsrc", Endpoint: "/other", URL: srv.URL + "/other?x=1"})
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, dir)

	rt, err := NewReplayTransport(dir)
	if err != nil {
		t.Fatal(err)
	}
	if urls := ReplayURLs(rt); len(urls) != 2 {
		t.Errorf("replay URLs = %v", urls)
	}
	srv.Close() // prove no network is used
	rc, _, _ := newTestClient(t, "", Options{Transport: rt})
	got, err := rc.Get(context.Background(), secretRequest(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Body, last.Body) || !strings.Contains(string(got.Body), `"capture":3`) {
		t.Errorf("replay served %s, want latest capture %s", got.Body, last.Body)
	}
	if !got.FetchedAt.Equal(last.FetchedAt) {
		t.Errorf("replayed FetchedAt %s, want the archived %s", got.FetchedAt, last.FetchedAt)
	}
	if got.URL != last.URL {
		t.Errorf("URL %q vs %q", got.URL, last.URL)
	}
	// a plain http.Client works too (lookup by the URL as given), query order irrelevant
	hc := &http.Client{Transport: rt}
	resp, err := hc.Get(srv.URL + "/other?x=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(b, other.Body) || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("plain replay = %s", b)
	}
	// unknown URL: clear error, no retries needed to notice
	_, err = rc.Get(context.Background(), Request{Source: "testsrc", Endpoint: "/missing", URL: srv.URL + "/missing"})
	if err == nil || !strings.Contains(err.Error(), "not in the archive") {
		t.Errorf("err = %v", err)
	}
}

func TestReplayServesErrorStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(404)
		io.WriteString(w, `{"message":"nope"}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	c, _, _ := newTestClient(t, dir, Options{})
	if _, err := c.Get(context.Background(), Request{Source: "s", Endpoint: "/x", URL: srv.URL + "/x"}); err == nil {
		t.Fatal("want 404")
	}
	rt, err := NewReplayTransport(dir)
	if err != nil {
		t.Fatal(err)
	}
	rc, _, _ := newTestClient(t, "", Options{Transport: rt})
	_, err = rc.Get(context.Background(), Request{Source: "s", Endpoint: "/x", URL: srv.URL + "/x"})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 404 || !strings.Contains(he.Snippet, "nope") {
		t.Errorf("err = %v", err)
	}
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{" 0 ", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"soon", 0, false},
		{"-5", 0, false},
	}
	for _, tc := range cases {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %s,%v want %s,%v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestOversizedBodyRefused: a payload announced over MaxBodyBytes is refused before it is
// buffered, and not retried.
func TestOversizedBodyRefused(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Length", fmt.Sprint(MaxBodyBytes+1))
		w.WriteHeader(200)
		io.WriteString(w, `[`)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
	}))
	defer srv.Close()
	c, _, _ := newTestClient(t, "", Options{})
	_, err := c.Get(context.Background(), secretRequest(srv.URL))
	if err == nil || !strings.Contains(err.Error(), "more than the 268435456 allowed") || calls.Load() != 1 {
		t.Fatalf("err=%v calls=%d", err, calls.Load())
	}
}

// A key carried in the URL's path (DefiLlama Pro: https://pro-api.llama.fi/KEY/etfs/flows) is
// redacted like a secret param: in the returned URL, the archive, the log and an error's URL
// and body snippet, and the replay finds the archived response by the redacted URL.
func TestSecretInPathRedacted(t *testing.T) {
	fail := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `{"error":"key %s has no access to %s"}`, strings.Split(r.URL.Path, "/")[1], r.URL.Path)
			return
		}
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	defer srv.Close()
	dir := t.TempDir()
	c, _, lb := newTestClient(t, dir, Options{})
	req := Request{Source: "testsrc", Endpoint: "/etfs/flows", URL: srv.URL + "/" + secretKey + "/etfs/flows", SecretValues: []string{secretKey}}
	_, err := c.Get(context.Background(), req)
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 403 || !strings.Contains(he.URL, "/REDACTED/etfs/flows") || !strings.Contains(he.Snippet, "key REDACTED has no access") {
		t.Fatalf("err = %v", err)
	}
	first := err.Error()
	fail = false
	resp, err := c.Get(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.URL + "/REDACTED/etfs/flows"; resp.URL != want {
		t.Errorf("URL = %q, want %q", resp.URL, want)
	}
	assertNoSecrets(t, dir, lb.String(), first, resp.URL)
	rt, err := NewReplayTransport(dir)
	if err != nil {
		t.Fatal(err)
	}
	rc := New(Options{Transport: rt, NoRateLimit: true, MaxRetries: -1})
	rr, err := rc.Get(context.Background(), Request{Source: "testsrc", Endpoint: "/etfs/flows", URL: srv.URL + "/another-key-entirely/etfs/flows", SecretValues: []string{"another-key-entirely"}})
	if err != nil || rr.Status != 200 {
		t.Fatalf("replay with another key: %v", err)
	}
}
