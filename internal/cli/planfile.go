package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/planfile"
	"github.com/sfprov/sfprov/internal/render"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/target"
	"github.com/sfprov/sfprov/profiles"
)

// codePlanStale: apply refused a saved plan because the org changed since
// it was made (exit 5, a refusal like an unconfirmed apply: nothing ran).
const codePlanStale = "PLAN_STALE"

// maxPlanFile bounds what apply reads as a plan file: a 50,000-user plan is
// tens of MiB, and anything far larger is not one.
const maxPlanFile = 512 << 20

// planFileDoc is `plan --out --json`'s result: the plan and where it went.
type planFileDoc struct {
	*render.PlanDoc
	PlanFile *planFileRef `json:"planFile"`
}

// planFileRef names a saved plan and what it was made from.
type planFileRef struct {
	Path             string `json:"path"`
	SpecDigest       string `json:"specDigest"`
	StateFingerprint string `json:"stateFingerprint"`
}

// staleDoc is the result of an apply that refused a saved plan.
type staleDoc struct {
	PlanFile   planFileRef `json:"planFile"`
	OrgChanges []string    `json:"orgChanges"`
}

// secretValues are the values a plan file must not hold: what the spec's
// secret variables put in it, and the passwords its users get from the
// environment.
func secretValues(stdio IO, s *spec.Spec) []string {
	vals := s.SecretValues()
	for _, u := range s.Users {
		if u.Password != nil && u.Password.FromEnv != "" {
			if v, ok := stdio.Getenv(u.Password.FromEnv); ok {
				vals = append(vals, v)
			}
		}
	}
	return vals
}

// varRefRE finds the variables a spec file names: ${NAME} and var:NAME.
var varRefRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|var:\s*([A-Za-z_][A-Za-z0-9_]*)`)

// specSource is what a saved plan needs to make the plan again: the spec
// files and the files they name, and the values of the variables that are
// not secret (a secret one is only named).
func specSource(stdio IO, in *SpecInput, s *spec.Spec) (planfile.Spec, error) {
	out := planfile.Spec{Variables: map[string]string{}}
	vars, err := in.parseVars()
	if err != nil {
		return out, err
	}
	named := map[string]bool{}
	for _, name := range in.Files {
		b, err := os.ReadFile(name)
		if err != nil {
			return out, fmt.Errorf("save the plan: read %s again: %w", name, err)
		}
		abs, err := filepath.Abs(name)
		if err != nil {
			return out, fmt.Errorf("save the plan: %s: %w", name, err)
		}
		out.Files = append(out.Files, planfile.SpecFile{Name: name, Path: abs, Content: string(b)})
		for _, m := range varRefRE.FindAllStringSubmatch(string(b), -1) {
			named[m[1]+m[2]] = true
		}
	}
	// A built-in profile read with --profile is saved like a file, so that
	// the plan replays without the binary that made it.
	for _, name := range in.Profiles {
		b, err := profiles.Open(name)
		if err != nil {
			return out, fmt.Errorf("save the plan: --profile %s: %w", name, err)
		}
		base := strings.TrimSuffix(name, ".yaml")
		out.Files = append(out.Files, planfile.SpecFile{Name: profileSource(base), Path: "/built-in-profiles/" + base + ".yaml", Content: string(b)})
		for _, m := range varRefRE.FindAllStringSubmatch(string(b), -1) {
			named[m[1]+m[2]] = true
		}
	}
	var data []string
	for _, r := range s.Records {
		if r.CSV != "" {
			data = append(data, r.CSV)
		}
	}
	for _, a := range s.ExternalClientApps {
		if a.JWTCertificate != "" {
			data = append(data, a.JWTCertificate)
		}
	}
	sort.Strings(data)
	for i, path := range data {
		if i > 0 && data[i-1] == path {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return out, fmt.Errorf("save the plan: read %s: %w", path, err)
		}
		out.Data = append(out.Data, planfile.SpecFile{Name: path, Path: path, Content: string(b)})
	}
	for name, v := range s.Variables {
		named[name] = true
		if v.Secret {
			out.SecretVariables = append(out.SecretVariables, name)
		}
	}
	sort.Strings(out.SecretVariables)
	for name := range named {
		if d, ok := s.Variables[name]; ok && d.Secret {
			continue
		}
		if v, ok := vars[name]; ok {
			out.Variables[name] = v
		} else if v, ok := stdio.Getenv(name); ok {
			out.Variables[name] = v
		} else if d, ok := s.Variables[name]; ok && d.Default != nil {
			out.Variables[name] = *d.Default
		}
	}
	return out, nil
}

// savePlan writes pl to path as a saved plan. It refuses when a secret
// value would be in the file, which no secret may ever reach.
func savePlan(stdio IO, in *SpecInput, s *spec.Spec, pl *planned, path string) (*planFileRef, error) {
	src, err := specSource(stdio, in, s)
	if err != nil {
		return nil, err
	}
	t := pl.plan.Target
	org := planfile.Org{Name: t.Name, Kind: t.Kind, OrgID: t.OrgID, InstanceURL: pl.org.InstanceURL, Username: t.Username, APIVersion: pl.org.Client.APIVersion()}
	if pl.org.Embedded {
		org.InstanceURL = ""
	}
	sc := planfile.NewScrubber(secretValues(stdio, s))
	f, err := planfile.New(pl.plan, org, src, Version, sc)
	if err != nil {
		return nil, fmt.Errorf("save the plan: %w", err)
	}
	b, err := planfile.Encode(f, sc)
	if errors.Is(err, planfile.ErrSecret) {
		return nil, exitWith(ExitError, "not saving the plan to %s: a secret value would be in it (plan files hold no secrets)", path)
	}
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(path, b); err != nil {
		return nil, fmt.Errorf("save the plan to %s: %w", path, err)
	}
	return &planFileRef{Path: path, SpecDigest: f.Spec.Digest, StateFingerprint: f.StateFingerprint}, nil
}

// writeFileAtomic replaces path whole or leaves it as it was, so that an
// interrupted plan never leaves half a plan file to apply.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readPlanFile returns the content of the only argument when it is a saved
// plan (by its header), nil when the arguments are spec files.
func readPlanFile(files []string) []byte {
	if len(files) != 1 {
		return nil
	}
	// What cannot be read here is left to the spec's own checks, which
	// say what is wrong with it.
	fi, err := os.Stat(files[0])
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxPlanFile {
		return nil
	}
	b, err := os.ReadFile(files[0])
	if err != nil || !planfile.IsPlanFile(b) {
		return nil
	}
	return b
}

// connectTo connects to the org a saved plan names, with the API version it
// was made with unless --api-version says otherwise.
func (f *Factory) connectTo(ctx context.Context, name, apiVersion string) (*target.Org, error) {
	opts := f.targetOptions()
	opts.TargetOrg = name
	if opts.APIVersion == "" {
		opts.APIVersion = apiVersion
	}
	o, err := target.Connect(ctx, opts)
	if err != nil {
		return nil, targetError(err)
	}
	f.IO.closers.add(o.Close)
	return o, nil
}

// targetNamed reports whether the command line or the environment names
// the target org; without, a saved plan's own org is used.
func (f *Factory) targetNamed() bool {
	if f.g.targetOrg != "" || f.g.instanceURL != "" {
		return true
	}
	v, _ := f.IO.Getenv("SFPROV_TARGET_ORG")
	return v != ""
}

// applyPlanFile applies the saved plan data (from file name): it makes the
// plan again from the spec the file carries, against the org it names, and
// executes it only if it is the saved plan step for step; otherwise it
// refuses and says what changed in the org.
func applyPlanFile(ctx context.Context, opts *ApplyOptions, name string, data []byte) error {
	stdio := opts.IO
	f, err := planfile.Decode(data)
	if err != nil {
		return exitWith(ExitError, "%s: %v", name, err)
	}
	ref := planFileRef{Path: name, SpecDigest: f.Spec.Digest, StateFingerprint: f.StateFingerprint}
	vars, err := opts.Spec.parseVars()
	if err != nil {
		return err
	}
	for v := range vars {
		if _, fixed := f.Spec.Variables[v]; fixed || !slices.Contains(f.Spec.SecretVariables, v) {
			return &usageError{fmt.Errorf("--var %s: a saved plan fixes its variables; only its secret variables (%s) are given again. Make a new plan to change it", v, strings.Join(f.Spec.SecretVariables, ", "))}
		}
	}

	// The spec's files go back where they were, under a directory of our
	// own, so that paths relative to a spec file (CSVs, certificates) find
	// what they found when the plan was made.
	dir, err := os.MkdirTemp("", "sfprov-plan-")
	if err != nil {
		return fmt.Errorf("apply %s: %w", name, err)
	}
	defer os.RemoveAll(dir)
	in := opts.Spec
	in.Files, in.Profiles = nil, nil // the plan's own copies stand in for both
	for i, sf := range append(append([]planfile.SpecFile{}, f.Spec.Files...), f.Spec.Data...) {
		p := filepath.Join(dir, sf.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return fmt.Errorf("apply %s: %w", name, err)
		}
		if err := os.WriteFile(p, []byte(sf.Content), 0o600); err != nil {
			return fmt.Errorf("apply %s: %w", name, err)
		}
		if i < len(f.Spec.Files) {
			in.Files = append(in.Files, p)
		}
	}
	// The saved values win over the environment: the plan was made with
	// them. Secret variables come from --var and the environment, as for plan.
	saved := stdio
	saved.Getenv = func(k string) (string, bool) {
		if v, ok := f.Spec.Variables[k]; ok {
			return v, true
		}
		return stdio.Getenv(k)
	}
	s, resolve, err := loadSpec(saved, &in)
	if err != nil {
		return err
	}
	var o *target.Org
	if opts.TargetNamed != nil && opts.TargetNamed() {
		o, err = opts.Connect(ctx)
	} else {
		o, err = opts.ConnectTo(ctx, f.Org.Name, f.Org.APIVersion)
	}
	if err != nil {
		return err
	}
	p, err := planOrg(ctx, o, stdio, &in, s, resolve)
	if err != nil {
		return err
	}
	// Positions point at the spec as it was named, not at our copy.
	names := map[string]string{}
	for _, sf := range f.Spec.Files {
		names[filepath.Join(dir, sf.Path)] = sf.Name
	}
	for _, st := range p.Steps {
		if n, ok := names[st.Pos.File]; ok {
			st.Pos.File = n
		} else {
			st.Pos.File = strings.TrimPrefix(st.Pos.File, dir)
		}
	}
	if p.Target.OrgID != f.Org.OrgID {
		stdio.setResult(&staleDoc{PlanFile: ref, OrgChanges: []string{}})
		return &exitError{code: ExitRefused, kind: codePlanStale,
			msg: fmt.Sprintf("refusing to apply %s: it was made for org %s (%s), and %s is org %s; apply it to its own org, or make a new plan", name, f.Org.OrgID, f.Org.Name, p.Target, p.Target.OrgID)}
	}
	now, err := planfile.Canonical(p, planfile.NewScrubber(secretValues(stdio, s)))
	if err != nil {
		return fmt.Errorf("apply %s: %w", name, err)
	}
	if now.Fingerprint() != f.StateFingerprint {
		changes := planfile.Compare(planfile.Steps{Steps: f.Steps, Setup: f.Setup}, now)
		if len(changes) == 0 { // the same steps in another order
			changes = []string{"the steps of the plan are in another order"}
		}
		stdio.setResult(&staleDoc{PlanFile: ref, OrgChanges: changes})
		w := stdio.Err
		fmt.Fprintf(w, "%s changed since %s was made:\n", p.Target, name)
		for _, c := range changes {
			fmt.Fprintf(w, "  - %s\n", c)
		}
		return &exitError{code: ExitRefused, kind: codePlanStale,
			msg: fmt.Sprintf("refusing to apply %s: the org changed since the plan was made (%d %s; nothing was changed). Make a new plan: sfprov plan ... --out %s", name, len(changes), plural(len(changes), "difference", "differences"), name)}
	}
	// The plan is the saved one: it was reviewed, so apply does not ask.
	doc, installed, err := applyPass(ctx, opts, o, p, false)
	stdio.setResult(doc)
	if err == nil && installed {
		out := stdio.Out
		if opts.Spec.JSON {
			out = stdio.Err
		}
		fmt.Fprintf(out, "\nPackages installed. What they bring is not in the saved plan: make a new plan to see it (sfprov plan ... --out %s).\n", name)
	}
	return err
}
