// Package render turns plans and apply results into text for humans and into
// the versioned JSON document for machines. Both come from the same plan data;
// neither shapes the other.
package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/plan"
)

// NoChanges is the one line a plan with nothing to do prints.
const NoChanges = "No changes."

// fieldGroupMin is how many field-access steps of one object on one parent are
// shown as one summary line instead of one line each.
const fieldGroupMin = 4

// Plan writes the human rendering of p in style st, long runs folded.
func Plan(w io.Writer, p *plan.Plan, st Style) { PlanFull(w, p, st, false) }

// PlanFull is Plan, with every step of long runs listed when full.
func PlanFull(w io.Writer, p *plan.Plan, st Style, full bool) {
	w = st.writer(w)
	fmt.Fprintf(w, "Target org: %s\n", p.Target)
	for _, warn := range p.Warnings {
		fmt.Fprintf(w, "%s %s\n", st.paint(yellow, "Warning:"), warn)
	}
	steps := p.Changing()
	if len(steps) == 0 && len(p.Setup) == 0 {
		fmt.Fprintln(w, NoChanges)
		return
	}
	fmt.Fprintln(w)
	for _, g := range entries(steps, full) {
		switch {
		case len(g) >= FoldMin && g[0].Type != plan.TypeFieldAccess && !full:
			writeFold(w, g, st)
		case len(g) >= fieldGroupMin:
			writeFieldGroup(w, g, st)
		default:
			writeStep(w, g[0], st)
		}
	}
	for _, c := range p.Setup {
		writeSetup(w, c, st)
	}
	fmt.Fprintf(w, "\n%s.\n", summaryLine(p, full))
}

// SetupSymbol marks a change that only Setup can make.
const SetupSymbol = "!"

func writeSetup(w io.Writer, c plan.SetupChange, st Style) {
	line := fmt.Sprintf("  %s %s", st.symbol(SetupSymbol), c.Title)
	if c.Why != "" {
		line += " (" + c.Why + ")"
	}
	fmt.Fprintln(w, line)
	fmt.Fprintf(w, "      %s: %s\n", c.Where, c.Change)
}

func object(field string) string {
	if i := strings.IndexByte(field, '.'); i >= 0 {
		return field[:i]
	}
	return field
}

func writeStep(w io.Writer, s *plan.Step, st Style) {
	line := fmt.Sprintf("  %s %s", st.symbol(s.Action.Symbol()), s.Title())
	if s.Note != "" {
		line += " (" + s.Note + ")"
	}
	fmt.Fprintln(w, line)
	for _, c := range s.Changes {
		fmt.Fprintf(w, "      %s: %s\n", c.Field, changeText(s.Action, c))
	}
}

func writeFieldGroup(w io.Writer, g []*plan.Step, st Style) {
	s := g[0]
	edit, read := 0, 0
	for _, f := range g {
		if v, _ := f.Fields["PermissionsEdit"].(bool); v {
			edit++
		} else {
			read++
		}
	}
	detail := fmt.Sprintf("%d fields", len(g))
	if s.Action != plan.Prune {
		detail += fmt.Sprintf(": %d edit, %d read", edit, read)
	}
	fmt.Fprintf(w, "  %s field access %q on %s (%s)\n", st.symbol(s.Action.Symbol()), object(s.Name), s.Parent, detail)
}

func changeText(a plan.Action, c plan.Change) string {
	after := value(c.After, c.Secret)
	if a == plan.Create || c.Before == nil {
		return after
	}
	return value(c.Before, c.Secret) + " → " + after
}

func value(v any, secret bool) string {
	if secret {
		return "(secret)"
	}
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "null"
	default:
		return fmt.Sprint(x)
	}
}

// Outcome is how an apply ended, for the JSON report.
type Outcome struct {
	Done, Failed, NotRun []*plan.Step
	Errors               map[*plan.Step]error
	Created              map[*plan.Step]string // Ids of the records apply created
	APICalls             int
	// ConsumerKeys: the External Client Apps' consumer keys, by app name.
	ConsumerKeys map[string]string
}

// Progress writes one line per finished step as apply goes, except that a run
// of field-access steps of one object with the same outcome is summed up in
// one line.
type Progress struct {
	W       io.Writer
	Style   Style
	pending []*plan.Step
	err     error // the outcome of the pending steps

	// Plan, when set, is the plan being applied: a wave of FoldMin steps
	// or more gets a meter (Live: one line rewritten in place, on a
	// terminal; otherwise a line per tenth), and the steps of a long run
	// (one set given to many users) are counted, not listed, unless Full
	// or they fail. Now is the clock (nil: time.Now).
	Plan *plan.Plan
	Live bool
	Full bool
	Now  func() time.Time

	bulk     *bulkState
	curWave  int
	waveSeen bool
}

// bulkState is what Progress knows of the plan's long runs and waves.
type bulkState struct {
	folded  map[*plan.Step]int // step → its run's index in runs
	runs    [][]*plan.Step
	done    []int // successful steps of each run
	waveLen map[int]int
	meter   *waveMeter
}

func (p *Progress) init() {
	if p.bulk != nil || p.Plan == nil {
		return
	}
	b := &bulkState{folded: map[*plan.Step]int{}, waveLen: map[int]int{}}
	now := p.Now
	if now == nil {
		now = time.Now
	}
	b.meter = &waveMeter{w: p.Style.writer(p.W), live: p.Live, now: now}
	steps := p.Plan.Changing()
	for _, s := range steps {
		b.waveLen[plan.Wave(s.Type)]++
	}
	if !p.Full {
		for _, g := range foldRuns(steps) {
			if len(g) < FoldMin {
				continue
			}
			for _, s := range g {
				b.folded[s] = len(b.runs)
			}
			b.runs = append(b.runs, g)
			b.done = append(b.done, 0)
		}
	}
	p.bulk = b
}

// Step reports a finished step.
func (p *Progress) Step(s *plan.Step, err error) {
	p.init()
	if b := p.bulk; b != nil {
		wave := plan.Wave(s.Type)
		if !p.waveSeen || wave != p.curWave {
			p.Flush()
			p.endWave()
			p.curWave, p.waveSeen = wave, true
			if b.waveLen[wave] >= FoldMin {
				b.meter.begin(wave, b.waveLen[wave])
			}
		}
		if b.meter.total > 0 && b.meter.wave == wave {
			defer b.meter.step()
		}
		if i, ok := b.folded[s]; ok && err == nil {
			b.done[i]++
			return
		}
		b.meter.end()
	}
	if s.Type == plan.TypeFieldAccess {
		if n := len(p.pending); n > 0 && !sameRun(p.pending[n-1], s, p.err, err) {
			p.Flush()
		}
		p.pending, p.err = append(p.pending, s), err
		return
	}
	p.Flush()
	StepDone(p.W, s, err, p.Style)
}

// sameRun: two field-access steps of one object, parent and action, with the
// same outcome, go on one line.
func sameRun(a, b *plan.Step, errA, errB error) bool {
	return a.Parent == b.Parent && a.Action == b.Action && object(a.Name) == object(b.Name) && errText(errA) == errText(errB)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// endWave writes the summary of the long runs of the wave that ended.
func (p *Progress) endWave() {
	b := p.bulk
	if b == nil || !p.waveSeen {
		return
	}
	b.meter.end()
	b.meter.total = 0
	for i, g := range b.runs {
		if b.done[i] == 0 || plan.Wave(g[0].Type) != p.curWave {
			continue
		}
		s := g[0]
		verb := map[plan.Action]string{plan.Create: "created", plan.Update: "updated", plan.Prune: "pruned"}[s.Action]
		fmt.Fprintf(p.Style.writer(p.W), "  %s %s %s × %s %q\n", p.Style.symbol("✓"), verb, count(b.done[i]), plan.KindOf(s.Type).Noun, s.Name)
		b.done[i] = 0
	}
}

// Done ends the report: the last wave's summary. Call it once apply ends.
func (p *Progress) Done() {
	p.Flush()
	p.endWave()
	p.waveSeen = false
}

// Flush writes the pending summary line, if any.
func (p *Progress) Flush() {
	switch n := len(p.pending); {
	case n == 0:
		return
	case n < fieldGroupMin:
		for _, s := range p.pending {
			StepDone(p.W, s, p.err, p.Style)
		}
	case p.err != nil:
		s := p.pending[0]
		fmt.Fprintf(p.Style.writer(p.W), "  %s field access %q on %s (%d fields): %v\n", p.Style.symbol("✗"), object(s.Name), s.Parent, n, p.err)
	default:
		s := p.pending[0]
		verb := map[plan.Action]string{plan.Create: "created", plan.Update: "updated", plan.Prune: "pruned"}[s.Action]
		fmt.Fprintf(p.Style.writer(p.W), "  %s %s field access %q on %s (%d fields)\n", p.Style.symbol("✓"), verb, object(s.Name), s.Parent, n)
	}
	p.pending, p.err = nil, nil
}

// StepDone writes one progress line for a finished step.
func StepDone(w io.Writer, s *plan.Step, err error, st Style) {
	w = st.writer(w)
	verb := map[plan.Action]string{plan.Create: "created", plan.Update: "updated", plan.Prune: "pruned"}[s.Action]
	if s.Type == plan.TypePassword {
		verb = "set"
	}
	if err != nil {
		fmt.Fprintf(w, "  %s %s: %v\n", st.symbol("✗"), s.Title(), err)
		return
	}
	fmt.Fprintf(w, "  %s %s %s\n", st.symbol("✓"), verb, s.Title())
}

// Failure writes what an apply to target that stopped did and did not do, and
// how to go on.
func Failure(w io.Writer, target string, o Outcome, st Style) {
	w = st.writer(w)
	fmt.Fprintf(w, "\nApply to %s failed: %d done, %d failed, %d not run.\n", target, len(o.Done), len(o.Failed), len(o.NotRun))
	// Field access of one object failing alike, or not run, is one entry.
	for _, g := range runs(o.Failed, o.Errors) {
		fmt.Fprintf(w, "%s %s\n  %v\n", st.paint(red, "Failed:"), runTitle(g), o.Errors[g[0]])
	}
	if len(o.NotRun) > 0 {
		fmt.Fprintln(w, "Not run:")
		for _, g := range runs(o.NotRun, nil) {
			if len(g) < fieldGroupMin {
				for _, s := range g {
					fmt.Fprintf(w, "  %s %s\n", st.symbol(s.Action.Symbol()), s.Title())
				}
				continue
			}
			fmt.Fprintf(w, "  %s %s\n", st.symbol(g[0].Action.Symbol()), runTitle(g))
		}
	}
	fmt.Fprintln(w, "What was done stays done. Fix the cause and re-run the same apply: it plans again from the org and continues from here.")
}

// runs splits steps into runs: field-access steps of one object, parent and
// action, with the same error in errs (nil: outcome not considered), form one
// run; other steps stand alone.
func runs(steps []*plan.Step, errs map[*plan.Step]error) [][]*plan.Step {
	var out [][]*plan.Step
	for _, s := range steps {
		if n := len(out); n > 0 && s.Type == plan.TypeFieldAccess {
			last := out[n-1][0]
			if last.Type == plan.TypeFieldAccess && sameRun(last, s, errs[last], errs[s]) {
				out[n-1] = append(out[n-1], s)
				continue
			}
		}
		out = append(out, []*plan.Step{s})
	}
	return out
}

// runTitle names a run: the step's title, several titles for a short run,
// or for a long run of field access the object with a count.
func runTitle(g []*plan.Step) string {
	if len(g) < fieldGroupMin {
		titles := make([]string, len(g))
		for i, s := range g {
			titles[i] = s.Title()
		}
		return strings.Join(titles, ", ")
	}
	return fmt.Sprintf("field access %q on %s (%d fields)", object(g[0].Name), g[0].Parent, len(g))
}

// ManualSteps writes the checklist printed after apply.
func ManualSteps(w io.Writer, steps []string, st Style) {
	w = st.writer(w)
	if len(steps) == 0 {
		return
	}
	fmt.Fprintln(w, "\nManual steps (no API can do these):")
	for i, s := range steps {
		fmt.Fprintf(w, "  %d. %s\n", i+1, s)
	}
}

// ConsumerKeys prints the consumer key of each External Client App an apply
// created, which the vendor needs; the secret stays in Setup (an app that
// already existed has its key in the checklist instead).
func ConsumerKeys(w io.Writer, p *plan.Plan, keys map[string]string) {
	for _, s := range p.Steps {
		if s.Type != plan.TypeExternalClientApp || s.Action != plan.Create || keys[s.Name] == "" {
			continue
		}
		label := s.Name // as Setup lists it: the label the step sets
		for _, c := range s.Changes {
			if v, ok := c.After.(string); ok && c.Field == "label" && v != "" {
				label = v
			}
		}
		fmt.Fprintf(w, "External client app %q: consumer key %s (its consumer secret: Setup → External Client App Manager → %s → Settings → OAuth Settings → Consumer Key and Secret).\n", s.Name, keys[s.Name], label)
	}
}
