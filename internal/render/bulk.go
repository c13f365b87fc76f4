package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/plan"
)

// FoldMin is how many steps of one kind, action and name in a row (the same
// permission set given to many users) the plan shows as one entry with its
// first FoldShow steps; --full shows them all.
const (
	FoldMin  = 20
	FoldShow = 5
)

// foldKey is what the steps of a homogeneous run share: the same record
// given to many (assignments name the set, their parent the user).
type foldKey struct {
	typ    string
	action plan.Action
	name   string
	note   string
}

func keyOf(s *plan.Step) foldKey { return foldKey{s.Type, s.Action, s.Name, s.Note} }

// foldRuns splits steps into runs of one foldKey; a run is folded when it
// has FoldMin steps or more and its steps have parents (one record, many
// holders). Field access is summed up by object instead (runs).
func foldRuns(steps []*plan.Step) [][]*plan.Step {
	var out [][]*plan.Step
	for _, s := range steps {
		if n := len(out); n > 0 && s.Parent != "" && s.Type != plan.TypeFieldAccess && keyOf(out[n-1][0]) == keyOf(s) {
			out[n-1] = append(out[n-1], s)
			continue
		}
		out = append(out, []*plan.Step{s})
	}
	return out
}

// count writes n with thousands separators: 10,000.
func count(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// writeFold writes a long run as one entry: `+ 10,000 × permission set
// "Bulk_Access" (assignments), first 5:` and the first steps' parents.
func writeFold(w io.Writer, g []*plan.Step, st Style) {
	s := g[0]
	line := fmt.Sprintf("  %s %s × %s %q", st.symbol(s.Action.Symbol()), count(len(g)), plan.KindOf(s.Type).Noun, s.Name)
	if s.Note != "" {
		line += " (" + s.Note + ")"
	}
	fmt.Fprintf(w, "%s, first %d:\n", line, FoldShow)
	for _, f := range g[:FoldShow] {
		fmt.Fprintf(w, "      on %s\n", f.Parent)
	}
	fmt.Fprintf(w, "      … and %s more (--full lists them all)\n", count(len(g)-FoldShow))
}

// entryCount counts a plan's entries (lines) and the records (rows) they
// stand for: field access summed up by object is one entry of many rows.
type entryCount struct{ entries, rows int }

// summaryLine is the plan's last line: entries as the plan shows them, and
// the records they write in brackets when that is more ("Plan: 14 to
// create [142 rows], ...").
func summaryLine(p *plan.Plan, full bool) string {
	counts := map[plan.Action]*entryCount{plan.Create: {}, plan.Update: {}, plan.Prune: {}}
	for _, g := range entries(p.Changing(), full) {
		c := counts[g[0].Action]
		if c == nil {
			continue
		}
		c.entries++
		c.rows += len(g)
	}
	part := func(c *entryCount, what string) string {
		s := fmt.Sprintf("%s to %s", count(c.entries), what)
		if c.rows != c.entries {
			s += fmt.Sprintf(" [%s rows]", count(c.rows))
		}
		return s
	}
	line := "Plan: " + part(counts[plan.Create], "create") + ", " + part(counts[plan.Update], "update") + ", " + part(counts[plan.Prune], "prune")
	if n := len(p.Setup); n > 0 {
		line += fmt.Sprintf(", %d to change in Setup", n)
	}
	return line
}

// entries are the plan's lines: field access of one object in one entry,
// long runs of one record given to many folded unless full.
func entries(steps []*plan.Step, full bool) [][]*plan.Step {
	var out [][]*plan.Step
	var run []*plan.Step // the run being gathered
	flush := func() {
		if len(run) >= FoldMin && !full {
			out = append(out, run)
		} else {
			for _, s := range run {
				out = append(out, []*plan.Step{s})
			}
		}
		run = nil
	}
	for _, g := range runs(steps, nil) {
		s := g[0]
		switch {
		case s.Type == plan.TypeFieldAccess:
			flush()
			if len(g) >= fieldGroupMin {
				out = append(out, g)
				continue
			}
			for _, f := range g {
				out = append(out, []*plan.Step{f})
			}
		case len(run) > 0 && s.Parent != "" && keyOf(run[0]) == keyOf(s):
			run = append(run, s)
		default:
			flush()
			run = []*plan.Step{s}
		}
	}
	flush()
	return out
}

// waveMeter reports a wave's progress: on a terminal one line rewritten in
// place with the count and rate; otherwise a line at each tenth.
type waveMeter struct {
	w     io.Writer
	live  bool
	wave  int
	total int
	done  int
	start time.Time
	// tenth is the last tenth printed (non-live).
	tenth int
	// shown: a live line is on screen, to be ended before other output.
	shown bool
	now   func() time.Time
}

func (m *waveMeter) begin(wave, total int) {
	m.end()
	m.wave, m.total, m.done, m.tenth, m.start = wave, total, 0, 0, m.now()
}

func (m *waveMeter) step() {
	m.done++
	if m.live {
		// At most a few redraws a second would be kinder to slow
		// terminals; every 50th step and the last is enough for a count.
		if m.done%50 == 0 || m.done == m.total {
			fmt.Fprintf(m.w, "\r\033[K  %s", m.text())
			m.shown = true
		}
		return
	}
	if t := m.done * 10 / m.total; t > m.tenth {
		m.tenth = t
		fmt.Fprintf(m.w, "  %s\n", m.text())
	}
}

func (m *waveMeter) text() string {
	s := fmt.Sprintf("wave %d: %s/%s steps (%d%%)", m.wave+1, count(m.done), count(m.total), m.done*100/m.total)
	if d := m.now().Sub(m.start); d > 0 && m.live {
		s += fmt.Sprintf(", %s/s", count(int(float64(m.done)/d.Seconds())))
	}
	return s
}

// end finishes the live line, if one is shown.
func (m *waveMeter) end() {
	if m.shown {
		fmt.Fprintln(m.w)
		m.shown = false
	}
}

// Pause ends the live line before other output (a wait notice).
func (p *Progress) Pause() {
	if p.bulk != nil {
		p.bulk.meter.end()
	}
}
