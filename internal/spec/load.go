package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sfprov/sfprov/internal/diag"
)

// Options are the inputs a spec needs besides its files.
type Options struct {
	Vars   map[string]string           // from --var NAME=value (wins over the environment)
	Getenv func(string) (string, bool) // the environment (os.LookupEnv in production)
}

// topKeys are the top-level keys of a spec document, in the order of spec-v1.md.
var topKeys = []string{
	"version", "name", "description", "variables", "packages", "profiles",
	"permissionSets", "permissionSetGroups", "connectedApps", "externalClientApps",
	"remoteSites", "records", "orgSettings", "users", "assignments", "manualSteps",
}

// TopLevelKeys returns the top-level keys of the format, in documentation order.
func TopLevelKeys() []string { return append([]string(nil), topKeys...) }

// document is one YAML document of one file.
type document struct {
	file  *file
	root  *yaml.Node // the document's top mapping
	first bool       // the file's first document
}

type parser struct {
	opts  Options
	diags diag.Diagnostics
	spec  *Spec
	defs  map[string]definition // "kind\x00key" → its first definition
	// secrets are the values of secret variables that expansion has used,
	// longest first, scrubbed from every message.
	secrets []string
	// varConds are the var:NAME conditions, checked once all is read.
	varConds []*Condition
	// used are the variables that ${NAME} or var:NAME asked for.
	used map[string]bool
	// incomplete is set when a file could not be read or parsed whole, or a
	// "${" could not be read: which variables the spec has or uses is
	// then not known.
	incomplete bool
}

// Load reads and parses the files, merging them into one Spec. Relative paths
// inside a file (csv, certificates) resolve against that file's directory.
func Load(files []string, opts Options) (*Spec, diag.Diagnostics) {
	p := newParser(opts)
	var docs []document
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			p.diags.Append(name, 0, 0, fmt.Sprintf("cannot read spec file: %v", unwrapPathError(err)))
			p.incomplete = true
			continue
		}
		docs = append(docs, p.split(name, data)...)
		p.spec.Files = append(p.spec.Files, name)
	}
	if len(files) == 0 {
		p.diags.Append("", 0, 0, "no spec file given")
	}
	return p.build(docs)
}

// Parse parses one file's contents; name is used in diagnostics and as the
// base for relative paths.
func Parse(name string, data []byte, opts Options) (*Spec, diag.Diagnostics) {
	p := newParser(opts)
	docs := p.split(name, data)
	p.spec.Files = append(p.spec.Files, name)
	return p.build(docs)
}

func newParser(opts Options) *parser {
	return &parser{
		opts: opts,
		spec: &Spec{Variables: map[string]Variable{}},
		defs: map[string]definition{},
	}
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

var yamlLineRE = regexp.MustCompile(`^yaml: line ([0-9]+): `)

// split decodes every document of a file. A syntax error ends the file (the
// YAML decoder cannot resume after one) and is reported with its line.
func (p *parser) split(name string, data []byte) []document {
	dir := filepath.Dir(name)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	f := &file{name: name, dir: dir}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []document
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			msg := err.Error()
			line := 0
			if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = msg[len(m[0]):]
			} else {
				msg = strings.TrimPrefix(msg, "yaml: ")
			}
			// Tabs in indentation are the usual cause of this one, and the
			// scanner does not always say where it is.
			if strings.Contains(msg, "cannot start any token") {
				if tab := firstTabIndent(data); tab > 0 && (line == 0 || line == tab) {
					line = tab
					msg += " (tabs are not allowed for indentation in YAML; use spaces)"
				}
			}
			p.diags.Append(name, line, 0, "invalid YAML: "+msg)
			p.incomplete = true
			return docs
		}
		root := &n
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				continue
			}
			root = root.Content[0]
		}
		if isNull(root) {
			continue // an empty document (a stray ---) says nothing
		}
		budget := maxExpandedNodes
		if !withinBudget(root, &budget) {
			// Aliases can make a small file expand exponentially (or forever,
			// when an alias refers to its own ancestor); refuse such documents.
			p.diags.Append(name, root.Line, root.Column, fmt.Sprintf("document is too large once its aliases are expanded (more than %d nodes)", maxExpandedNodes))
			continue
		}
		docs = append(docs, document{file: f, root: root, first: len(docs) == 0})
	}
	if len(docs) == 0 && p.diagsFor(name) == 0 {
		p.diags.Append(name, 0, 0, "empty spec file (it should start with version: 1)")
	}
	return docs
}

func (p *parser) diagsFor(name string) int {
	n := 0
	for _, d := range p.diags {
		if d.File == name {
			n++
		}
	}
	return n
}

func (p *parser) build(docs []document) (*Spec, diag.Diagnostics) {
	// Pass 1: the shape of each document and its variables, so that every
	// ${NAME} anywhere sees every declaration.
	tops := make([]*fields, len(docs))
	for i, d := range docs {
		fs, ok := p.mapping(d.file, d.root, "spec document", topKeys)
		if !ok {
			continue
		}
		tops[i] = fs
		p.decodeVersion(d, fs)
		if fs.has("variables") {
			p.decodeVariables(d.file, fs.get("variables"))
		}
	}
	// Pass 2: every other block, in document order.
	for i, d := range docs {
		fs := tops[i]
		if fs == nil {
			continue
		}
		p.decodeDocument(d.file, fs)
	}
	p.checkVarConditions()
	if !p.incomplete {
		p.checkCommandLineVars()
	}
	p.spec.secrets = append([]string(nil), p.secrets...)
	p.diags.Sort()
	return p.spec, p.diags
}

func (p *parser) decodeVersion(d document, fs *fields) {
	n := fs.get("version")
	if n == nil {
		if d.first {
			p.errAt(d.file, d.root, "missing required key \"version\" (the first document of every file starts with version: 1)")
		}
		return
	}
	raw, ok := p.rawScalar(d.file, n, "version")
	if !ok {
		return
	}
	v, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n.Tag != "!!int" {
		p.errAt(d.file, n, "version: expected the number 1, got %q", raw)
		return
	}
	if v != 1 {
		p.errAt(d.file, n, "unsupported version %d (this sfprov reads version 1)", v)
		return
	}
	p.spec.Version = 1
}

// definition is where something was first defined and how to name it.
type definition struct {
	pos   Pos
	shown string
}

// define records a definition of kind/key at pos (shown names it in messages,
// quoted). A second definition is reported at both places, each message
// naming the other, and define returns false.
func (p *parser) define(kind, key, shown string, pos Pos) bool {
	k := kind + "\x00" + key
	if first, ok := p.defs[k]; ok {
		p.errPos(pos, "duplicate %s %s; first defined at %s", kind, shown, posString(first.pos))
		p.errPos(first.pos, "%s %s is defined again at %s", kind, first.shown, posString(pos))
		return false
	}
	p.defs[k] = definition{pos: pos, shown: shown}
	return true
}

func posString(pos Pos) string {
	switch {
	case pos.Line > 0 && pos.Col > 0:
		return fmt.Sprintf("%s:%d:%d", pos.File, pos.Line, pos.Col)
	case pos.Line > 0:
		return fmt.Sprintf("%s:%d", pos.File, pos.Line)
	}
	return pos.File
}

// maxExpandedNodes bounds a document's size with aliases expanded. Real specs
// have a few hundred nodes.
const maxExpandedNodes = 100000

// withinBudget walks n following aliases and reports whether it has at most
// *budget nodes.
func withinBudget(n *yaml.Node, budget *int) bool {
	if n == nil {
		return true
	}
	*budget--
	if *budget < 0 {
		return false
	}
	if n.Kind == yaml.AliasNode {
		return withinBudget(n.Alias, budget)
	}
	for _, c := range n.Content {
		if !withinBudget(c, budget) {
			return false
		}
	}
	return true
}

// firstTabIndent returns the 1-based number of the first line whose
// indentation contains a tab, or 0.
func firstTabIndent(data []byte) int {
	for i, line := range strings.Split(string(data), "\n") {
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if strings.Contains(indent, "\t") {
			return i + 1
		}
	}
	return 0
}
