package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

var (
	namespaceRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	versionRE   = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,3}$`)
	condKinds   = []string{"personAccounts", "sandbox", "production", "package:<namespace>", "var:<NAME>", "not <condition>"}
)

// decodeIf reads an `if:` value. Conditions are not expanded: they name
// variables (var:NAME) rather than use their values.
func (p *parser) decodeIf(f *file, fs *fields) *Condition {
	n := fs.get("if")
	if n == nil {
		return nil
	}
	raw, ok := p.rawScalar(f, n, "if")
	if !ok {
		return nil
	}
	c, msg := parseCondition(raw)
	if msg != "" {
		p.errAt(f, n, "%s", msg)
		return nil
	}
	c.Pos = f.pos(n)
	if c.Kind == "var" {
		p.varConds = append(p.varConds, c)
	}
	return c
}

// checkVarConditions runs after every document is read (so every declaration
// is known): a var:NAME condition needs NAME to be set, to true or false.
func (p *parser) checkVarConditions() {
	for _, c := range p.varConds {
		v, secret, ok := p.lookupVar(c.Var)
		if !ok {
			hint := ""
			if _, declared := p.spec.Variables[c.Var]; !declared {
				names := make([]string, 0, len(p.spec.Variables))
				for n := range p.spec.Variables {
					names = append(names, n)
				}
				sort.Strings(names)
				hint = didYouMean(c.Var, names)
			}
			if hint != "" {
				p.errPos(c.Pos, "variable %q is not declared or set%s", c.Var, hint)
			} else {
				p.errPos(c.Pos, "variable %q is not set; set it in the environment or pass --var %s=true|false", c.Var, c.Var)
			}
			continue
		}
		if secret {
			p.addSecret(v)
		}
		if !strings.EqualFold(strings.TrimSpace(v), "true") && !strings.EqualFold(strings.TrimSpace(v), "false") {
			p.errPos(c.Pos, "condition %q needs variable %q to be true or false, got %s", c.Raw, c.Var, quoteSecret(v, secret))
		}
	}
}

// parseCondition parses one condition; the message is empty on success.
func parseCondition(raw string) (*Condition, string) {
	c := &Condition{Raw: raw}
	s := strings.TrimSpace(raw)
	for {
		rest, isNot := strings.CutPrefix(s, "not ")
		if !isNot {
			break
		}
		c.Negate = !c.Negate
		s = strings.TrimSpace(rest)
	}
	if s == "" || s == "not" {
		return nil, fmt.Sprintf("invalid condition %q: nothing to test (valid: %s)", raw, strings.Join(condKinds, ", "))
	}
	switch {
	case s == "personAccounts" || s == "sandbox" || s == "production":
		c.Kind = s
		return c, ""
	case strings.HasPrefix(s, "package:"):
		c.Kind = "package"
		body := strings.Fields(strings.TrimPrefix(s, "package:"))
		switch len(body) {
		case 1, 3:
		default:
			return nil, fmt.Sprintf("invalid condition %q: write package:<namespace> or package:<namespace> <op> <version>", raw)
		}
		if !namespaceRE.MatchString(body[0]) {
			return nil, fmt.Sprintf("invalid condition %q: %q is not a namespace prefix", raw, body[0])
		}
		c.Namespace = body[0]
		if len(body) == 3 {
			switch body[1] {
			case "<", "<=", ">=", ">":
			default:
				return nil, fmt.Sprintf("invalid condition %q: unknown operator %q (valid: <, <=, >=, >)", raw, body[1])
			}
			if !versionRE.MatchString(body[2]) {
				return nil, fmt.Sprintf("invalid condition %q: %q is not a version number such as 1.27", raw, body[2])
			}
			c.Op, c.Version = body[1], body[2]
		}
		return c, ""
	case strings.HasPrefix(s, "var:"):
		c.Kind = "var"
		c.Var = strings.TrimSpace(strings.TrimPrefix(s, "var:"))
		if !varNameRE.MatchString(c.Var) {
			return nil, fmt.Sprintf("invalid condition %q: %q is not a variable name", raw, c.Var)
		}
		return c, ""
	}
	word := s
	if i := strings.IndexAny(word, ": "); i >= 0 {
		word = word[:i]
	}
	return nil, fmt.Sprintf("unknown condition %q%s (valid: %s)", raw, didYouMean(word, []string{"personAccounts", "sandbox", "production", "package", "var", "not"}), strings.Join(condKinds, ", "))
}

// offlineFalse reports whether c is decided without an org and false: a
// var:NAME condition (or its negation) whose variable is set.
func (p *parser) offlineFalse(c *Condition) bool {
	if c == nil || c.Kind != "var" {
		return false
	}
	v, _, ok := p.lookupVar(c.Var)
	if !ok {
		return false
	}
	val := strings.EqualFold(strings.TrimSpace(v), "true")
	if c.Negate {
		val = !val
	}
	return !val
}

// forgiveUnset drops the "variable is not set" problems reported since start
// when the item's condition is known to be false: the item is never applied,
// so a secret it needs (a client secret under `if: var:USE_OAUTH`, say) need
// not be set either.
func (p *parser) forgiveUnset(start int, c *Condition) {
	if start > len(p.diags) || !p.offlineFalse(c) {
		return
	}
	kept := p.diags[:start]
	for _, d := range p.diags[start:] {
		if !strings.Contains(d.Message, "is not set; set it in the environment or pass --var") {
			kept = append(kept, d)
		}
	}
	p.diags = kept
}
