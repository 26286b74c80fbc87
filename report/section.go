package report

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	cw "cryptoweekly"
	"cryptoweekly/internal/fanout"
)

// Section is one numbered section of the report: it reads the store through the Reader and fills
// its own block. Sections live in section/<name>; section/all registers them in report order,
// which is also their numbering.
type Section interface {
	// Name is the section's key in report.json and in `weeks` ("sentiment").
	Name() string
	// NewBlock returns an empty block, for reading report.json back.
	NewBlock() Block
	// Compute fills the block for the week in env. An error is a failure of the store or of the
	// inputs; missing data is not an error but a block that says what is unavailable and why.
	Compute(env *Env) (Block, error)
}

// Wide is a section that reads every entity of a kind (every token, every protocol): on a store of
// the whole market it costs more than the others together, so Build starts it first instead of
// in report order, where it would finish last.
type Wide interface {
	Wide() bool
}

// Block is a section's part of the report model: plain, JSON-able data plus how it is laid out.
type Block interface {
	// Status is the unavailable reason and the notes every block has.
	Status() *Base
	// Title is the section heading ("Market sentiment").
	Title() string
	// Layout lays the block's data out as format-neutral elements; it computes nothing.
	Layout() []Element
	// Cites lists the provenance ids of the figures shown, in order, for the citation line.
	Cites() []string
}

// Overviewer is a block that contributes sentences to the report's overview.
type Overviewer interface {
	Overview() []Bullet
}

// Bullet is an overview sentence. A fallback bullet is used only while the overview is short.
type Bullet struct {
	Text     string
	Fallback bool
}

// Mover is a block whose figures compete for the outlook's "largest moves".
type Mover interface {
	Moves() []Move
}

// Move is one figure of a kind ("chain", "token") that moved.
type Move struct {
	What   string
	Change Change
}

// Scheduler is a block that lists next week's scheduled items for the outlook.
type Scheduler interface {
	Scheduled() []string
}

// Feeder is a section that says which stored series it reads, so a failed ingest of their
// provider is named in the section.
type Feeder interface {
	Feeds(cfg Config) []cw.SourceID
}

var registry struct {
	sync.RWMutex
	list []Section
}

// Register appends sections to the report, in order. section/all calls it once with the
// ordered list.
func Register(s ...Section) {
	registry.Lock()
	defer registry.Unlock()
	for _, x := range s {
		for _, y := range registry.list {
			if x.Name() == y.Name() {
				panic("report: section " + x.Name() + " registered twice")
			}
		}
		registry.list = append(registry.list, x)
	}
}

// Sections returns the registered sections in report order.
func Sections() []Section {
	registry.RLock()
	defer registry.RUnlock()
	return append([]Section(nil), registry.list...)
}

// Inputs are the non-store inputs of a report.
type Inputs struct {
	Calendar  []Event // next week's events come from here
	NotesPath string  // analyst notes used for the outlook ("" if none)
	Notes     string
	StoreName string
	Now       time.Time
}

// Env is what a section computes with: the store's Reader, the settings, the week, and the
// report-wide record of cited sources and definitions.
type Env struct {
	Ctx    context.Context
	Reader cw.Reader
	Config Config
	Inputs Inputs
	// Start and End bound the week (Start, End] in UTC days.
	Start, End time.Time

	// Sections compute concurrently: the records and the memo are shared under mu.
	mu    sync.Mutex
	cited map[string]bool
	defs  map[string]bool
	memo  map[string]*memoEntry
}

type memoEntry struct {
	once sync.Once
	v    any
	err  error
}

// Cite records that a figure of the report comes from source id.
func (e *Env) Cite(id string) {
	if id != "" {
		e.mu.Lock()
		e.cited[id] = true
		e.mu.Unlock()
	}
}

// Define records a definition id used by a figure, for the methodology footer.
func (e *Env) Define(id string) {
	if id != "" {
		e.mu.Lock()
		e.defs[id] = true
		e.mu.Unlock()
	}
}

// Memo computes a value once per report: sections that need the same reading (the protocol
// changes the chain spotlight, the protocol ranking and DEX TVL all use; the token rows tokens
// and sectors share) ask for it by key.
func (e *Env) Memo(key string, f func() (any, error)) (any, error) {
	// The first section to ask computes; one asking meanwhile waits for that value.
	e.mu.Lock()
	m, ok := e.memo[key]
	if !ok {
		m = &memoEntry{}
		e.memo[key] = m
	}
	e.mu.Unlock()
	m.once.Do(func() { m.v, m.err = f() })
	return m.v, m.err
}

// NewEnv is the environment of one report; tests of a single section use it directly.
func NewEnv(ctx context.Context, rd cw.Reader, cfg Config, end time.Time, in Inputs) *Env {
	end = cw.Day(end)
	return &Env{Ctx: ctx, Reader: rd, Config: cfg, Inputs: in, Start: end.AddDate(0, 0, -7), End: end,
		cited: map[string]bool{}, defs: map[string]bool{}, memo: map[string]*memoEntry{}}
}

// Build computes the report for the week (end-7d, end] with the registered sections.
func Build(ctx context.Context, rd cw.Reader, cfg Config, end time.Time, in Inputs) (*Report, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	env := NewEnv(ctx, rd, cfg, end, in)
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	r := &Report{
		Title:       fmt.Sprintf("Crypto Market Weekly Report — week ending %s", cw.DayString(env.End)),
		WeekStart:   cw.DayString(env.Start),
		WeekEnd:     cw.DayString(env.End),
		GeneratedAt: now.UTC().Format(time.RFC3339),
		Store:       in.StoreName,
	}
	sections := Sections()
	if len(sections) == 0 {
		return nil, fmt.Errorf("report: no sections registered (import cryptoweekly/section/all)")
	}
	// Sections are independent (what they share goes through Memo), and on a store of the whole
	// market most of a report is waiting on small queries one after another: computing them on
	// every core at once is most of what keeps a report near the cost of one scan. The blocks keep
	// report order, and the first failing section in that order is the error.
	blocks := make([]Block, len(sections))
	errs := make([]error, len(sections))
	// Wide sections first, each group in report order.
	order := make([]int, 0, len(sections))
	for _, wide := range []bool{true, false} {
		for i, s := range sections {
			if w, ok := s.(Wide); ok && w.Wide() == wide || !ok && !wide {
				order = append(order, i)
			}
		}
	}
	fanout.Each(order, func(i int) { blocks[i], errs[i] = sections[i].Compute(env) })
	for i, s := range sections {
		if errs[i] != nil {
			return nil, fmt.Errorf("%s: %w", s.Name(), errs[i])
		}
		r.Sections = append(r.Sections, Part{s.Name(), blocks[i]})
	}
	if err := ingestHealth(env, r, sections); err != nil {
		return nil, err
	}
	r.Outlook.FromNotes = in.NotesPath
	r.Outlook.Markdown = in.Notes
	Summarize(r)
	methodology(env, r)
	ids := make([]cw.SourceID, 0, len(env.cited))
	for id := range env.cited {
		ids = append(ids, cw.SourceID(id))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	srcs, err := rd.Sources(ctx, ids)
	if err != nil {
		return nil, err
	}
	r.Sources = srcs
	return r, nil
}
