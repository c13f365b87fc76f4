package spec

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// After ties a manual step to the change that makes it necessary: the
// checklist after an apply lists the step only when that apply made the
// change (created the thing, or set the user's password), so that a re-run
// does not ask the admin again to, say, open an email no one sent.
type After struct {
	Kind string // one of AfterKinds
	Name string // as the spec names the thing, variables expanded
	Pos  Pos
}

// AfterKinds are the changes a manual step can follow, as written before
// the colon: `after: password:api@acme.com`.
var AfterKinds = []string{"password", "user", "profile", "permissionSet", "permissionSetGroup", "remoteSite", "externalClientApp", "package"}

// decodeAfter reads a manual step's `after: KIND:NAME`.
func (p *parser) decodeAfter(f *file, fs *fields) *After {
	n := fs.get("after")
	if isNull(n) {
		return nil
	}
	s, ok := p.str(f, n, "manual step after")
	if !ok {
		return nil
	}
	kind, name, found := strings.Cut(s, ":")
	kind, name = strings.TrimSpace(kind), strings.TrimSpace(name)
	if !found || name == "" {
		p.errAt(f, n, "manual step after: %q: want KIND:NAME, KIND one of %s (for example password:%s)", s, strings.Join(AfterKinds, ", "), "api@example.com")
		return nil
	}
	if !containsString(AfterKinds, kind) {
		p.errAt(f, n, "manual step after: unknown kind %q%s (want one of %s)", kind, didYouMean(kind, AfterKinds), strings.Join(AfterKinds, ", "))
		return nil
	}
	return &After{Kind: kind, Name: name, Pos: f.pos(n)}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkAfters reports an `after:` that names nothing the spec defines: the
// step would never be listed after an apply. Run once every document is
// read, since the thing may come later or from another file.
func (p *parser) checkAfters() {
	for _, m := range p.spec.ManualSteps {
		a := m.After
		if a == nil {
			continue
		}
		names := p.spec.afterNames(a.Kind)
		found := false
		for _, n := range names {
			if strings.EqualFold(n, a.Name) {
				found = true
			}
		}
		if found {
			continue
		}
		msg := fmt.Sprintf("manual step after: the spec has no %s %q", a.Kind, a.Name)
		if a.Kind == "password" {
			msg = fmt.Sprintf("manual step after: the spec has no user %q with a password", a.Name)
		}
		if hint := didYouMean(a.Name, names); hint != "" {
			msg += hint
		}
		p.errPos(a.Pos, "%s", msg)
	}
}

// afterNames lists what the spec defines of an `after:` kind.
func (s *Spec) afterNames(kind string) []string {
	var out []string
	switch kind {
	case "password":
		for _, u := range s.Users {
			if u.Password != nil {
				out = append(out, u.Username.Value)
			}
		}
	case "user":
		for _, u := range s.Users {
			out = append(out, u.Username.Value)
		}
	case "profile":
		for _, x := range s.Profiles {
			out = append(out, x.Name)
		}
	case "permissionSet":
		for _, x := range s.PermissionSets {
			out = append(out, x.Name)
		}
	case "permissionSetGroup":
		for _, x := range s.PermissionSetGroups {
			out = append(out, x.Name)
		}
	case "remoteSite":
		for _, x := range s.RemoteSites {
			out = append(out, x.Name)
		}
	case "externalClientApp":
		for _, x := range s.ExternalClientApps {
			out = append(out, x.Name)
		}
	case "package":
		for _, x := range s.Packages {
			out = append(out, x.Namespace)
		}
	}
	return out
}

// ManualStep is printed after apply as a checklist item.
type ManualStep struct {
	Text  string
	If    *Condition
	After *After // nil: not tied to a change (manual_after.go)
	Pos   Pos
}

var manualStepKeys = []string{"text", "if", "after"}

func (p *parser) decodeManualStep(f *file, n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		fs, ok := p.item(f, n, "manual step", manualStepKeys)
		if !ok {
			return
		}
		text, _ := p.requiredStr(f, fs, "text", "manual step")
		if text != "" {
			p.spec.ManualSteps = append(p.spec.ManualSteps, ManualStep{Text: text, If: p.decodeIf(f, fs), After: p.decodeAfter(f, fs), Pos: f.pos(n)})
		}
		return
	}
	if s, ok := p.str(f, n, "manual step"); ok && strings.TrimSpace(s) != "" {
		p.spec.ManualSteps = append(p.spec.ManualSteps, ManualStep{Text: s, Pos: f.pos(n)})
	}
}
