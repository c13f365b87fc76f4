package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

var varNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// lookupVar finds a variable's value: --var first, then the environment, then
// the default declared under `variables:`. Secret is true when the variable
// was declared `secret: true`, wherever its value came from.
func (p *parser) lookupVar(name string) (val string, secret, ok bool) {
	if p.used == nil {
		p.used = map[string]bool{}
	}
	p.used[name] = true
	decl, declared := p.spec.Variables[name]
	secret = declared && decl.Secret
	if v, ok := p.opts.Vars[name]; ok {
		return v, secret, true
	}
	if p.opts.Getenv != nil {
		if v, ok := p.opts.Getenv(name); ok {
			return v, secret, true
		}
	}
	if declared && decl.Default != nil {
		return *decl.Default, secret, true
	}
	return "", secret, false
}

// expand replaces ${NAME} in s. `$${` stands for a literal `${`. Problems are
// reported at n; the value is never quoted in a message when it is secret.
func (p *parser) expand(f *file, n *yaml.Node, s string) (string, bool, bool) {
	if !strings.Contains(s, "$") {
		return s, false, true
	}
	var b strings.Builder
	secret, ok := false, true
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "$${"):
			b.WriteString("${")
			i += 3
		case strings.HasPrefix(s[i:], "${"):
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				p.errAt(f, n, `unterminated "${" (write "$${" for a literal "${")`)
				p.incomplete = true
				return "", secret, false
			}
			name := s[i+2 : i+2+end]
			i += 2 + end + 1
			if !varNameRE.MatchString(name) {
				p.errAt(f, n, `invalid variable name %q in "${...}" (letters, digits and underscores, not starting with a digit)`, name)
				p.incomplete = true
				ok = false
				continue
			}
			v, sec, set := p.lookupVar(name)
			if !set {
				p.errAt(f, n, "variable %q is not set; set it in the environment or pass --var %s=...", name, name)
				ok = false
				continue
			}
			secret = secret || sec
			if sec {
				p.addSecret(v)
			}
			b.WriteString(v)
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String(), secret, ok
}

var topVariableKeys = []string{"description", "default", "secret", "placeholder"}

// decodeVariables reads one document's `variables:` block into p.spec.Variables.
// It runs over every document before anything else is decoded, so that a
// default declared in one file serves ${NAME} in another.
func (p *parser) decodeVariables(f *file, n *yaml.Node) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errAt(f, n, "variables: expected a mapping of NAME: {description, default, secret}, got %s", kindName(n))
		return
	}
	fs := &fields{node: n, keys: map[string]*yaml.Node{}, values: map[string]*yaml.Node{}}
	// Variable names are free-form keys, so collect them without a key list
	// but with the same duplicate check.
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errAt(f, k, "expected a variable name, got %s", kindName(k))
			continue
		}
		name := k.Value
		if !varNameRE.MatchString(name) {
			p.errAt(f, k, "invalid variable name %q (letters, digits and underscores, not starting with a digit)", name)
			continue
		}
		if prev, dup := fs.keys[name]; dup {
			p.errAt(f, k, "key %q is given twice; first at line %d", name, prev.Line)
			p.errAt(f, prev, "key %q is given again at line %d", name, k.Line)
			continue
		}
		fs.keys[name] = k
		fs.values[name] = v
		decl := Variable{Name: name, Pos: f.pos(k)}
		if !isNull(v) {
			vf, ok := p.mapping(f, v, "variable "+name, topVariableKeys)
			if ok {
				if d := vf.get("description"); !isNull(d) {
					decl.Description, _ = p.rawScalar(f, d, "description")
				}
				if d := vf.get("default"); d != nil {
					if isNull(d) {
						empty := ""
						decl.Default = &empty
					} else if s, ok := p.rawScalar(f, d, "default"); ok {
						decl.Default = &s
					}
				}
				if vf.has("secret") {
					b, _ := p.boolean(f, vf.get("secret"), "secret")
					decl.Secret = b
				}
				if decl.Secret && vf.has("default") {
					// A default would put the secret in the file, which is
					// reviewed and committed; secrets never come from it.
					p.errAt(f, vf.key("default"), "variable %q is secret: it cannot have a default in the file; set it in the environment or pass --var %s=...", name, name)
					decl.Default = nil
				}
				p.decodePlaceholder(f, vf, &decl)
			}
		}
		if p.define("variable", name, fmt.Sprintf("%q", name), decl.Pos) {
			p.spec.Variables[name] = decl
		}
	}
}

// addSecret remembers a secret value for scrubbing (diag.Redact: a short
// one only where it stands as a word).
func (p *parser) addSecret(v string) {
	if v == "" {
		return
	}
	for _, s := range p.secrets {
		if s == v {
			return
		}
	}
	p.secrets = append(p.secrets, v)
	// Longest first, so that a secret containing another is replaced whole.
	sort.Slice(p.secrets, func(i, j int) bool {
		a, b := p.secrets[i], p.secrets[j]
		if len(a) != len(b) {
			return len(a) > len(b)
		}
		return a < b
	})
}

// checkCommandLineVars reports each --var NAME that the spec neither declares
// nor uses: a mistyped name would otherwise be ignored and the default used
// without a word.
func (p *parser) checkCommandLineVars() {
	names := make([]string, 0, len(p.opts.Vars))
	for n := range p.opts.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	known := make([]string, 0, len(p.spec.Variables))
	for n := range p.spec.Variables {
		known = append(known, n)
	}
	sort.Strings(known)
	for _, n := range names {
		if _, declared := p.spec.Variables[n]; declared || p.used[n] {
			continue
		}
		msg := fmt.Sprintf("--var %s: the spec has no variable %q", n, n)
		if hint := didYouMean(n, known); hint != "" {
			msg += hint
		} else if len(known) > 0 {
			msg += " (its variables: " + strings.Join(known, ", ") + ")"
		} else {
			msg += " (it declares no variables)"
		}
		p.diags.Append("", 0, 0, msg)
	}
}
