package spec

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sfprov/sfprov/internal/diag"
)

// This file holds the yaml.Node walking helpers: strict mappings, typed
// scalars, lists. Every helper reports problems at the offending node and
// returns a zero value, so that decoding carries on and all problems are
// reported in one run.

// file is one spec file being decoded.
type file struct {
	name string // as given on the command line; used in diagnostics
	dir  string // directory that relative paths (csv, certificates) resolve against
}

func (f *file) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: f.name}
	}
	return Pos{File: f.name, Line: n.Line, Col: n.Column}
}

func (p *parser) errAt(f *file, n *yaml.Node, format string, args ...any) {
	p.errPos(f.pos(n), format, args...)
}

// errPos records a diagnostic. Messages quote secret values as (secret) where
// they know a value is secret; as a second line of defence every secret value
// that expansion has produced is scrubbed from the text, so that no message
// can leak one, whatever check quoted it.
func (p *parser) errPos(pos Pos, format string, args ...any) {
	msg := diag.Redact(fmt.Sprintf(format, args...), p.secrets)
	p.diags.Append(pos.File, pos.Line, pos.Col, msg)
}

// resolve follows aliases (`*anchor`), bounded so that a cycle cannot hang us.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// kindName names what a node is, for "expected X, got Y" messages.
func kindName(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!null":
		return "nothing"
	default:
		return "a single value"
	}
}

// fields is a decoded mapping: each known key's key node and value node.
type fields struct {
	node   *yaml.Node
	keys   map[string]*yaml.Node
	values map[string]*yaml.Node
}

func (fs *fields) has(k string) bool { return fs != nil && fs.values[k] != nil }

// get returns the value node of k (aliases resolved), or nil.
func (fs *fields) get(k string) *yaml.Node {
	if fs == nil {
		return nil
	}
	return resolve(fs.values[k])
}

func (fs *fields) key(k string) *yaml.Node {
	if fs == nil {
		return nil
	}
	return fs.keys[k]
}

// mapping decodes n as a mapping whose keys must be among allowed. Unknown keys
// get a "did you mean"; a key given twice is reported at both places. The
// merge key `<<` is honoured (keys written directly win over merged ones).
func (p *parser) mapping(f *file, n *yaml.Node, what string, allowed []string) (*fields, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		if isNull(n) {
			p.errAt(f, n, "%s: expected a mapping, got nothing", what)
		} else {
			p.errAt(f, n, "%s: expected a mapping, got %s", what, kindName(n))
		}
		return nil, false
	}
	fs := &fields{node: n, keys: map[string]*yaml.Node{}, values: map[string]*yaml.Node{}}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	p.collect(f, n, fs, ok, allowed, 0, true)
	return fs, true
}

func (p *parser) collect(f *file, n *yaml.Node, fs *fields, ok map[string]bool, allowed []string, depth int, direct bool) {
	if depth > 8 {
		return
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errAt(f, k, "expected a plain key, got %s", kindName(k))
			continue
		}
		if k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		name := k.Value
		if !ok[name] {
			if direct {
				p.errAt(f, k, "unknown key %q%s", name, didYouMean(name, allowed))
			}
			continue
		}
		if prev, dup := fs.keys[name]; dup {
			if direct {
				p.errAt(f, k, "key %q is given twice; first at line %d", name, prev.Line)
				p.errAt(f, prev, "key %q is given again at line %d", name, k.Line)
			}
			continue
		}
		fs.keys[name] = k
		fs.values[name] = v
	}
	for _, m := range merges {
		m = resolve(m)
		var srcs []*yaml.Node
		switch {
		case m != nil && m.Kind == yaml.MappingNode:
			srcs = []*yaml.Node{m}
		case m != nil && m.Kind == yaml.SequenceNode:
			for _, s := range m.Content {
				srcs = append(srcs, resolve(s))
			}
		}
		for _, s := range srcs {
			if s == nil || s.Kind != yaml.MappingNode {
				p.errAt(f, m, "a merge (<<) needs a mapping or a list of mappings")
				continue
			}
			// Merged keys go through the same checks but only fill gaps.
			sub := &fields{keys: map[string]*yaml.Node{}, values: map[string]*yaml.Node{}}
			p.collect(f, s, sub, ok, allowed, depth+1, true)
			for k, v := range sub.values {
				if _, set := fs.values[k]; !set {
					fs.keys[k] = sub.keys[k]
					fs.values[k] = v
				}
			}
		}
	}
}

// didYouMean renders `; did you mean "X"?` or "" when nothing is close.
func didYouMean(s string, choices []string) string {
	if c := diag.Suggest(s, choices); c != "" && c != s {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// rawScalar returns n's text when n is a scalar, without variable expansion.
func (p *parser) rawScalar(f *file, n *yaml.Node, what string) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		p.errAt(f, n, "%s: expected a single value, got %s", what, kindName(n))
		return "", false
	}
	if n.Tag == "!!null" {
		p.errAt(f, n, "%s: expected a value, got nothing", what)
		return "", false
	}
	return n.Value, true
}

// value decodes a scalar and expands ${VAR} in it. A null counts as missing:
// the caller decides whether that matters.
func (p *parser) value(f *file, n *yaml.Node, what string) (Value, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		p.errAt(f, n, "%s: expected a single value, got %s", what, kindName(n))
		return Value{}, false
	}
	if n.Tag == "!!null" {
		p.errAt(f, n, "%s: expected a value, got nothing", what)
		return Value{}, false
	}
	s, secret, ok := p.expand(f, n, n.Value)
	return Value{Value: s, Secret: secret, Pos: f.pos(n)}, ok
}

// str is value without the secret flag, for names and enums.
func (p *parser) str(f *file, n *yaml.Node, what string) (string, bool) {
	v, ok := p.value(f, n, what)
	return v.Value, ok
}

// optStr decodes an optional string; nil when absent or null.
func (p *parser) optStr(f *file, fs *fields, k string) *string {
	n := fs.get(k)
	if isNull(n) {
		return nil
	}
	s, ok := p.str(f, n, k)
	if !ok {
		return nil
	}
	return &s
}

func (p *parser) optValue(f *file, fs *fields, k string) *Value {
	n := fs.get(k)
	if isNull(n) {
		return nil
	}
	v, ok := p.value(f, n, k)
	if !ok {
		return nil
	}
	return &v
}

// boolean decodes true/false (any case), after variable expansion.
func (p *parser) boolean(f *file, n *yaml.Node, what string) (bool, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errAt(f, n, "%s: expected true or false, got %s", what, kindName(n))
		return false, false
	}
	s, secret, ok := p.expand(f, n, n.Value)
	if !ok {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	p.errAt(f, n, "%s: expected true or false, got %s", what, quoteSecret(s, secret))
	return false, false
}

func (p *parser) optBool(f *file, fs *fields, k string) *bool {
	n := fs.get(k)
	if n == nil {
		return nil
	}
	b, ok := p.boolean(f, n, k)
	if !ok {
		return nil
	}
	return &b
}

func (p *parser) flag(f *file, fs *fields, k string) bool {
	b := p.optBool(f, fs, k)
	return b != nil && *b
}

// list returns the items of a sequence. Null means an empty list.
func (p *parser) list(f *file, n *yaml.Node, what string) []*yaml.Node {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errAt(f, n, "%s: expected a list, got %s", what, kindName(n))
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		if r := resolve(c); r != nil {
			out = append(out, r)
		}
	}
	return out
}

// required reports a missing key at the mapping and returns its node (or nil).
func (p *parser) required(f *file, fs *fields, k, what string) *yaml.Node {
	n := fs.get(k)
	if isNull(n) {
		if fs.has(k) {
			p.errAt(f, fs.key(k), "%s: %q needs a value", what, k)
		} else {
			p.errAt(f, fs.node, "%s: missing required key %q", what, k)
		}
		return nil
	}
	return n
}

// quoteSecret quotes s for a message, or prints (secret).
func quoteSecret(s string, secret bool) string {
	if secret {
		return "(secret)"
	}
	return fmt.Sprintf("%q", s)
}

func quoteValue(v Value) string { return quoteSecret(v.Value, v.Secret) }
