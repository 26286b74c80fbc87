package httpx

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// Archive layout:
//
//	<ArchiveDir>/<source>/<YYYY-MM-DD>/<HHMMSS.nnnnnnnnn>-<endpoint>-<urlhash>-<seq>.body.gz
//	<ArchiveDir>/<source>/<YYYY-MM-DD>/<same stem>.meta.json
//
// The body is the response body exactly as received (after transfer decoding), gzip-compressed,
// with any secret value that the server echoed replaced by REDACTED. The sidecar (Meta) holds
// the redacted URL, fetch time, status and redacted response headers. Both files are written to
// a temp file and renamed; the sidecar is written last, so a sidecar means a complete capture.

// Meta is the JSON sidecar of one archived response.
type Meta struct {
	Source    string              `json:"source"`
	Endpoint  string              `json:"endpoint"`
	URL       string              `json:"url"` // redacted
	FetchedAt time.Time           `json:"fetched_at"`
	Status    int                 `json:"status"`
	Header    map[string][]string `json:"header"` // redacted
	Body      string              `json:"body"`   // file name of the gzip body, same directory
	BodyBytes int                 `json:"body_bytes"`
	SHA256    string              `json:"sha256"`          // of the uncompressed (redacted) body
	Error     string              `json:"error,omitempty"` // e.g. truncated body (redacted)
}

var archiveSeq atomic.Uint64

func safeName(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= max {
			break
		}
	}
	out := strings.Trim(b.String(), "._")
	if out == "" {
		out = "x"
	}
	return out
}

func (c *Client) archive(r Request, rd *redactor, redURL string, at time.Time, res attemptResult) (string, error) {
	dir := filepath.Join(c.o.ArchiveDir, safeName(r.Source, 40), at.UTC().Format("2006-01-02"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(redURL))
	stem := fmt.Sprintf("%s-%s-%s-%d", at.UTC().Format("150405.000000000"), safeName(r.Endpoint, 60),
		hex.EncodeToString(h[:6]), archiveSeq.Add(1))
	body := rd.Bytes(res.body)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(body); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	bodyPath := filepath.Join(dir, stem+".body.gz")
	if err := writeAtomic(bodyPath, gz.Bytes()); err != nil {
		return "", err
	}
	sum := sha256.Sum256(body)
	m := Meta{
		Source: r.Source, Endpoint: r.Endpoint, URL: redURL, FetchedAt: at.UTC(), Status: res.status,
		Header: rd.Header(res.header), Body: stem + ".body.gz", BodyBytes: len(body),
		SHA256: hex.EncodeToString(sum[:]),
	}
	if res.err != nil {
		m.Error = rd.Text(res.err.Error())
	}
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", err
	}
	if err := writeAtomic(filepath.Join(dir, stem+".meta.json"), append(mj, '\n')); err != nil {
		return "", err
	}
	return bodyPath, nil
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// ReadArchived returns the sidecar and the decompressed body of an archived response, given the
// path of either file.
func ReadArchived(path string) (Meta, []byte, error) {
	metaPath := strings.TrimSuffix(strings.TrimSuffix(path, ".body.gz"), ".meta.json") + ".meta.json"
	var m Meta
	mj, err := os.ReadFile(metaPath)
	if err != nil {
		return m, nil, err
	}
	if err := json.Unmarshal(mj, &m); err != nil {
		return m, nil, fmt.Errorf("%s: %w", metaPath, err)
	}
	f, err := os.Open(filepath.Join(filepath.Dir(metaPath), filepath.Base(m.Body)))
	if err != nil {
		return m, nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return m, nil, fmt.Errorf("%s: %w", m.Body, err)
	}
	body, err := io.ReadAll(io.LimitReader(zr, MaxBodyBytes+1))
	if err != nil {
		return m, nil, fmt.Errorf("%s: %w", m.Body, err)
	}
	return m, body, nil
}

// replayedAtHeader carries the archived fetch time on replayed responses; a Client whose
// Transport is a replay transport reports it as Response.FetchedAt.
const replayedAtHeader = "X-Cryptoweekly-Fetched-At"

// replay serves archived responses by redacted URL.
type replay struct {
	dir   string
	byURL map[string]replayEntry
}

type replayEntry struct {
	meta     Meta
	metaPath string
}

// NewReplayTransport serves responses archived under dir (any depth) by their redacted URL; the
// latest complete capture of a URL wins (captures recorded with a transport error such as a
// truncated body are used only when nothing else exists). It never touches the network: a URL
// not in the archive fails with an error naming it.
//
// When used as a Client's Transport, the lookup key is the same redacted URL the client archived,
// so secret params/headers in the live request do not matter. Used on its own, the request URL
// is looked up as is.
func NewReplayTransport(dir string) (http.RoundTripper, error) {
	rp := &replay{dir: dir, byURL: map[string]replayEntry{}}
	better := func(a, b replayEntry) bool { // is a better than b?
		if (a.meta.Error == "") != (b.meta.Error == "") {
			return a.meta.Error == ""
		}
		if !a.meta.FetchedAt.Equal(b.meta.FetchedAt) {
			return a.meta.FetchedAt.After(b.meta.FetchedAt)
		}
		return a.metaPath > b.metaPath
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".meta.json") || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		mj, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var m Meta
		if err := json.Unmarshal(mj, &m); err != nil {
			return fmt.Errorf("replay: %s: %w", p, err)
		}
		e := replayEntry{meta: m, metaPath: p}
		if old, ok := rp.byURL[m.URL]; !ok || better(e, old) {
			rp.byURL[m.URL] = e
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return rp, nil
}

// ReplayURLs lists the archived URLs (sorted); handy in tests and tooling.
func ReplayURLs(rt http.RoundTripper) []string {
	rp, ok := rt.(*replay)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(rp.byURL))
	for u := range rp.byURL {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

func (rp *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	key, _ := req.Context().Value(redactedURLKey{}).(string)
	if key == "" {
		key = req.URL.String()
	}
	e, ok := rp.byURL[key]
	if !ok {
		// Query order may differ when the URL was built differently: compare parsed forms.
		for u, cand := range rp.byURL {
			if sameURL(u, key) {
				e, ok = cand, true
				break
			}
		}
	}
	if !ok {
		return nil, fmt.Errorf("replay: %s is not in the archive %s", key, rp.dir)
	}
	m, body, err := ReadArchived(e.metaPath)
	if err != nil {
		return nil, fmt.Errorf("replay: %s: %w", key, err)
	}
	h := http.Header{}
	for k, vs := range m.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Content-Encoding", "Transfer-Encoding":
			continue
		}
		h[http.CanonicalHeaderKey(k)] = vs
	}
	h.Set(replayedAtHeader, m.FetchedAt.UTC().Format(time.RFC3339Nano))
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", m.Status, http.StatusText(m.Status)),
		StatusCode:    m.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

func sameURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	if ua.Scheme != ub.Scheme || ua.Host != ub.Host || ua.Path != ub.Path {
		return false
	}
	return ua.Query().Encode() == ub.Query().Encode()
}

// Replayer is implemented by transports that serve archived responses, including wrappers around
// the replay transport (a request counter, say), so the client keeps archived fetch times.
type Replayer interface{ Replaying() bool }

// Replaying marks the replay transport.
func (rp *replay) Replaying() bool { return true }

// IsReplay reports whether rt serves archived responses.
func IsReplay(rt http.RoundTripper) bool {
	r, ok := rt.(Replayer)
	return ok && r.Replaying()
}
