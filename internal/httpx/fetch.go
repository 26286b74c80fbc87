// Package httpx is the HTTP client every live provider (provider/<name>) uses.
//
// It adds what a polite, reproducible weekly job needs on top of net/http:
//   - a token bucket per host (the budgets come from the caller: each provider knows its tier),
//   - retries with exponential backoff and jitter on 429, 5xx, timeouts, connection errors and
//     truncated bodies, honouring Retry-After (seconds or HTTP-date) on 429/503,
//   - a per-attempt timeout and context cancellation,
//   - a clear User-Agent,
//   - an archive of every response body (gzip + JSON sidecar, written atomically) that
//     NewReplayTransport can serve back without any network,
//   - redaction: secret headers and query parameters never reach the archive, logs or errors.
package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// DefaultUserAgent identifies the job to providers.
const DefaultUserAgent = "cryptoweekly/0.1 (+weekly crypto market report; analysis only)"

// MaxBodyBytes caps one response body (DefiLlama /stablecoin/{id} is reported > 10 MB).
const MaxBodyBytes = 256 << 20

// MaxRetryAfter is the longest Retry-After the client is willing to wait; a longer one fails the
// request at once (a weekly job should not hang for an hour on a quota reset).
const MaxRetryAfter = 10 * time.Minute

// Limit is a token bucket: Rate requests per second on average, bursts of up to Burst.
// Rate <= 0 means unlimited.
type Limit struct {
	Rate  float64 // requests per second
	Burst int
}

// FallbackLimit applies to hosts Options.Limits does not name. It is deliberately slow: the
// providers give their own hosts' budgets (cw.Provider.Limits), so only unplanned hosts (a feed,
// a calendar) fall here.
var FallbackLimit = Limit{Rate: 0.2, Burst: 1}

// Options configure a Client. The zero value is usable.
type Options struct {
	UserAgent  string           // default DefaultUserAgent
	ArchiveDir string           // "" = do not archive
	Limits     map[string]Limit // per host (host or host:port); others get FallbackLimit
	MaxRetries int              // default 4; negative = no retries
	Timeout    time.Duration    // per attempt, default 30s
	Transport  http.RoundTripper
	Sleep      func(ctx context.Context, d time.Duration) error // nil = real sleep honouring ctx
	Now        func() time.Time
	Logf       func(format string, args ...any) // may be nil
	// NoRateLimit turns the token buckets off: for replaying an archive, where no request leaves
	// the machine.
	NoRateLimit bool
}

// Request is one GET.
type Request struct {
	Source        string      // "defillama": used in errors and the archive path
	Endpoint      string      // short name for errors, e.g. "/protocols"
	URL           string      // full URL (may carry secret query params)
	Header        http.Header // may carry secret headers (API keys)
	SecretHeaders []string    // header names to redact everywhere (archive, logs, errors)
	SecretParams  []string    // query params stripped from archived/logged/error URLs
	// SecretValues are secrets carried elsewhere in the URL (DefiLlama Pro puts its key in the
	// path): replaced by REDACTED in the archived, logged and error URLs and in bodies and
	// headers quoted back, as secret header and param values are.
	SecretValues []string
}

// Response is a successful (2xx) response, or — together with an *HTTPError — the final
// non-2xx response.
type Response struct {
	Status    int
	Body      []byte
	URL       string    // redacted
	FetchedAt time.Time // when replaying: the archived fetch time
	Archived  string    // path of the archived body ("" when not archiving)
}

// HTTPError is a non-2xx final status. URL is redacted; Snippet is the start of the body with
// secrets and control characters removed.
type HTTPError struct {
	Source, Endpoint, URL string
	Status                int
	Snippet               string
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("%s: %s: HTTP %d from %s", e.Source, e.Endpoint, e.Status, e.URL)
	if e.Snippet != "" {
		s += ": " + strconv.Quote(e.Snippet)
	}
	return s
}

// Client is safe for concurrent use.
type Client struct {
	o      Options
	hc     *http.Client
	mu     sync.Mutex
	bucket map[string]*bucket
}

type bucket struct {
	lim    Limit
	tokens float64
	last   time.Time
}

// New builds a client, filling defaults.
func New(o Options) *Client {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 4
	}
	if o.MaxRetries < 0 {
		o.MaxRetries = 0
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	lim := make(map[string]Limit, len(o.Limits))
	for h, l := range o.Limits {
		lim[strings.ToLower(h)] = l
	}
	o.Limits = lim
	return &Client{
		o: o,
		hc: &http.Client{
			Transport: o.Transport,
			// A redirect to another host would silently carry secret headers across; refuse it.
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 5 {
					return errors.New("too many redirects")
				}
				if req.URL.Host != via[0].URL.Host {
					return fmt.Errorf("redirect to another host %s refused", req.URL.Host)
				}
				return nil
			},
		},
		bucket: map[string]*bucket{},
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) logf(format string, args ...any) {
	if c.o.Logf != nil {
		c.o.Logf(format, args...)
	}
}

// reserve takes one token from host's bucket and returns how long to wait before using it.
// Tokens may go negative (a reservation), so waiting is a single Sleep — deterministic when the
// sleep is injected.
func (c *Client) reserve(host string) time.Duration {
	if c.o.NoRateLimit {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.bucket[host]
	now := c.o.Now()
	if b == nil {
		l, ok := c.o.Limits[host]
		if !ok {
			if h, _, err := net.SplitHostPort(host); err == nil {
				l, ok = c.o.Limits[h]
			}
		}
		if !ok {
			l = FallbackLimit
		}
		if l.Burst < 1 {
			l.Burst = 1
		}
		b = &bucket{lim: l, tokens: float64(l.Burst), last: now}
		c.bucket[host] = b
	}
	if b.lim.Rate <= 0 {
		return 0
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(float64(b.lim.Burst), b.tokens+el*b.lim.Rate)
	}
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.lim.Rate * float64(time.Second))
}

// redactor removes secrets from URLs, headers and free text.
type redactor struct {
	params  map[string]bool
	headers map[string]bool
	values  []string // secret values, longest first
}

const redacted = "REDACTED"

func newRedactor(r Request, u *url.URL) *redactor {
	rd := &redactor{params: map[string]bool{}, headers: map[string]bool{}}
	for _, p := range r.SecretParams {
		rd.params[strings.ToLower(p)] = true
	}
	for _, h := range r.SecretHeaders {
		rd.headers[http.CanonicalHeaderKey(h)] = true
	}
	for k, vs := range r.Header {
		if rd.headers[http.CanonicalHeaderKey(k)] {
			for _, v := range vs {
				rd.addValue(v)
				// "Bearer KEY": the bare key may be echoed too.
				if f := strings.Fields(v); len(f) == 2 {
					rd.addValue(f[1])
				}
			}
		}
	}
	for _, v := range r.SecretValues {
		rd.addValue(v)
		rd.addValue(url.PathEscape(v))
	}
	if u != nil {
		for k, vs := range u.Query() {
			if rd.params[strings.ToLower(k)] {
				for _, v := range vs {
					rd.addValue(v)
					rd.addValue(url.QueryEscape(v))
				}
			}
		}
	}
	sort.Slice(rd.values, func(i, j int) bool { return len(rd.values[i]) > len(rd.values[j]) })
	return rd
}

func (rd *redactor) addValue(v string) {
	// Very short values would redact innocent text; keys are long.
	if len(strings.TrimSpace(v)) >= 4 {
		rd.values = append(rd.values, v)
	}
}

// URL returns u without secret query params (and with any secret value elsewhere replaced).
func (rd *redactor) URL(u *url.URL) string {
	cp := *u
	cp.User = nil
	if cp.RawQuery != "" {
		parts := strings.Split(cp.RawQuery, "&")
		kept := parts[:0]
		for _, p := range parts {
			k := p
			if i := strings.IndexByte(p, '='); i >= 0 {
				k = p[:i]
			}
			if ku, err := url.QueryUnescape(k); err == nil {
				k = ku
			}
			if !rd.params[strings.ToLower(k)] {
				kept = append(kept, p)
			}
		}
		cp.RawQuery = strings.Join(kept, "&")
	}
	return rd.Text(cp.String())
}

// Text replaces every secret value in s.
func (rd *redactor) Text(s string) string {
	for _, v := range rd.values {
		s = strings.ReplaceAll(s, v, redacted)
	}
	return s
}

// Bytes replaces every secret value in b (returns b itself when nothing matched).
func (rd *redactor) Bytes(b []byte) []byte {
	for _, v := range rd.values {
		if bytes.Contains(b, []byte(v)) {
			b = bytes.ReplaceAll(b, []byte(v), []byte(redacted))
		}
	}
	return b
}

// Header returns a copy with secret headers (and secret values in any header) redacted.
func (rd *redactor) Header(h http.Header) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		cp := make([]string, len(vs))
		for i, v := range vs {
			if rd.headers[ck] {
				cp[i] = redacted
			} else {
				cp[i] = rd.Text(v)
			}
		}
		out[ck] = cp
	}
	return out
}

// sanitizedError carries a redacted message but still unwraps to the cause (errors.Is works for
// context.DeadlineExceeded, io.ErrUnexpectedEOF, …).
type sanitizedError struct {
	msg   string
	cause error
}

func (e *sanitizedError) Error() string { return e.msg }
func (e *sanitizedError) Unwrap() error { return e.cause }

func snippet(rd *redactor, body []byte) string {
	b := rd.Bytes(body)
	if len(b) > 300 {
		b = b[:300]
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r == utf8.RuneError && n == 1:
			sb.WriteRune('?')
		case r == '\n' || r == '\r' || r == '\t':
			sb.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
		default:
			sb.WriteRune(r)
		}
	}
	return strings.TrimSpace(sb.String())
}

// retryAfter parses a Retry-After header (delay-seconds or HTTP-date).
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 && n < 1e9 {
		return time.Duration(n * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// backoff is exponential (0.5s·2^n, capped at 30s) with jitter in [d/2, d).
func backoff(n int) time.Duration {
	d := 500 * time.Millisecond << min(n, 6)
	if d > 30*time.Second {
		d = 30 * time.Second
	}
	return d/2 + rand.N(d/2)
}

type attemptResult struct {
	status   int
	header   http.Header
	body     []byte
	err      error // transport or read error (retryable unless ctx done)
	fatalErr error // not retryable
}

// Get performs r with rate limiting, retries and archiving. On a 2xx it returns the response.
// On a final non-2xx it returns the last Response AND an *HTTPError. Other failures return a
// nil Response and an error whose text never contains secrets.
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		if err != nil { // the URL cannot be parsed, so it cannot be redacted: do not echo it
			return nil, fmt.Errorf("%s: %s: invalid URL", r.Source, r.Endpoint)
		}
		rd := newRedactor(r, u)
		return nil, fmt.Errorf("%s: %s: invalid URL %q (want http or https)", r.Source, r.Endpoint, rd.URL(u))
	}
	rd := newRedactor(r, u)
	redURL := rd.URL(u)
	host := strings.ToLower(u.Host)
	fail := func(format string, args ...any) error {
		e := fmt.Errorf(format, args...)
		return &sanitizedError{msg: rd.Text(e.Error()), cause: errors.Unwrap(e)}
	}

	var last *attemptResult
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fail("%s: %s: GET %s: %w", r.Source, r.Endpoint, redURL, err)
		}
		if wait := c.reserve(host); wait > 0 {
			c.logf("fetch %s %s: rate limit, waiting %s", r.Source, redURL, wait)
			if err := c.o.Sleep(ctx, wait); err != nil {
				return nil, fail("%s: %s: GET %s: %w", r.Source, r.Endpoint, redURL, err)
			}
		}
		c.logf("fetch %s %s (attempt %d)", r.Source, redURL, attempt+1)
		res := c.attempt(ctx, r, u, redURL)
		fetchedAt := c.o.Now().UTC()
		if IsReplay(c.o.Transport) && res.header != nil {
			// a replayed response keeps its original fetch time, so decoders that depend on
			// "today" (partial-day bars, snapshot days) reproduce the archived run exactly
			if t, err := time.Parse(time.RFC3339Nano, res.header.Get(replayedAtHeader)); err == nil {
				fetchedAt = t.UTC()
			}
		}
		if res.fatalErr != nil {
			return nil, fail("%s: %s: GET %s: %v", r.Source, r.Endpoint, redURL, res.fatalErr)
		}
		if err := ctx.Err(); err != nil { // the caller gave up: no retry, no archive
			return nil, fail("%s: %s: GET %s: %w", r.Source, r.Endpoint, redURL, err)
		}
		var archived string
		if res.status != 0 && c.o.ArchiveDir != "" {
			p, aerr := c.archive(r, rd, redURL, fetchedAt, res)
			if aerr != nil {
				return nil, fail("%s: %s: archive: %v", r.Source, r.Endpoint, aerr)
			}
			archived = p
		}
		last = &res
		retryable := false
		var wait time.Duration
		switch {
		case res.err != nil:
			retryable = true
			c.logf("fetch %s %s: %v", r.Source, redURL, rd.Text(res.err.Error()))
		case res.status >= 200 && res.status < 300:
			return &Response{Status: res.status, Body: res.body, URL: redURL, FetchedAt: fetchedAt, Archived: archived}, nil
		case res.status == http.StatusTooManyRequests || res.status >= 500:
			retryable = true
			c.logf("fetch %s %s: HTTP %d", r.Source, redURL, res.status)
			if res.status == http.StatusTooManyRequests || res.status == http.StatusServiceUnavailable {
				if d, ok := retryAfter(res.header.Get("Retry-After"), c.o.Now()); ok {
					if d > MaxRetryAfter {
						return c.final(r, rd, redURL, fetchedAt, archived, res,
							fmt.Sprintf("Retry-After %s exceeds the %s limit", d.Round(time.Second), MaxRetryAfter))
					}
					wait = d
				}
			}
		default: // other statuses (4xx, 3xx left over): no retry
			return c.final(r, rd, redURL, fetchedAt, archived, res, "")
		}
		if !retryable || attempt >= c.o.MaxRetries {
			if res.err != nil {
				return nil, fail("%s: %s: GET %s: giving up after %d attempts: %w", r.Source, r.Endpoint, redURL, attempt+1, res.err)
			}
			return c.final(r, rd, redURL, fetchedAt, archived, *last, fmt.Sprintf("giving up after %d attempts", attempt+1))
		}
		if wait == 0 {
			wait = backoff(attempt)
		}
		c.logf("fetch %s %s: retrying in %s", r.Source, redURL, wait)
		if err := c.o.Sleep(ctx, wait); err != nil {
			return nil, fail("%s: %s: GET %s: %w", r.Source, r.Endpoint, redURL, err)
		}
	}
}

func (c *Client) final(r Request, rd *redactor, redURL string, at time.Time, archived string, res attemptResult, note string) (*Response, error) {
	sn := snippet(rd, res.body)
	if note != "" {
		if sn != "" {
			sn = note + "; body: " + sn
		} else {
			sn = note
		}
	}
	return &Response{Status: res.status, Body: res.body, URL: redURL, FetchedAt: at, Archived: archived},
		&HTTPError{Source: r.Source, Endpoint: r.Endpoint, URL: redURL, Status: res.status, Snippet: sn}
}

// errTruncated reports a body shorter than its Content-Length.
var errTruncated = errors.New("truncated body")

func (c *Client) attempt(ctx context.Context, r Request, u *url.URL, redURL string) attemptResult {
	actx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	actx = context.WithValue(actx, redactedURLKey{}, redURL)
	req, err := http.NewRequestWithContext(actx, http.MethodGet, u.String(), nil)
	if err != nil {
		return attemptResult{fatalErr: err}
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("User-Agent", c.o.UserAgent)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error prints the full (secret-bearing) URL
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("attempt timed out after %s: %w", c.o.Timeout, err)
		}
		return attemptResult{err: err}
	}
	defer resp.Body.Close()
	if resp.ContentLength > MaxBodyBytes {
		// Refused before a byte is buffered.
		return attemptResult{status: resp.StatusCode, header: resp.Header,
			fatalErr: fmt.Errorf("body of %d bytes announced, more than the %d allowed", resp.ContentLength, MaxBodyBytes)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	res := attemptResult{status: resp.StatusCode, header: resp.Header, body: body}
	switch {
	case err != nil:
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("attempt timed out after %s reading the body: %w", c.o.Timeout, err)
		} else if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w: got %d of %d bytes: %w", errTruncated, len(body), resp.ContentLength, err)
		}
		res.err = err
	case len(body) > MaxBodyBytes:
		res.fatalErr = fmt.Errorf("body larger than %d bytes", MaxBodyBytes)
	case resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength && !resp.Uncompressed:
		res.err = fmt.Errorf("%w: got %d of %d bytes", errTruncated, len(body), resp.ContentLength)
	}
	return res
}

type redactedURLKey struct{}
