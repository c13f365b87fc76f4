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
	"unicode/utf8"

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
	docs := p.readFiles(files)
	if len(files) == 0 {
		p.diags.Append("", 0, 0, "no spec file given")
	}
	return p.build(docs)
}

// readFiles reads and splits each file; one that cannot be read is reported
// and leaves the spec incomplete.
func (p *parser) readFiles(files []string) []document {
	var docs []document
	for _, name := range files {
		data, err := readLimited(name, MaxFileSize)
		if err != nil {
			msg := fmt.Sprintf("cannot read spec file: %v", unwrapPathError(err))
			if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
				msg = err.Error() // "not a regular file (a character device)"
			}
			p.diags.Append(name, 0, 0, msg)
			p.incomplete = true
			continue
		}
		docs = append(docs, p.split(name, data)...)
		p.spec.Files = append(p.spec.Files, name)
	}
	return docs
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
			msg, line := yamlMessage(err)
			col := 0
			if l, c, ok := yamlErrorPos(data, msg, line); ok {
				line, col = l, c
			}
			// Tabs in indentation are the usual cause of this one.
			if strings.Contains(msg, "cannot start any token") || strings.Contains(msg, "found a tab character") {
				if tab := firstTabIndent(data); tab > 0 && (line == 0 || line == tab) {
					if line != tab {
						line, col = tab, 0
					}
					msg += " (tabs are not allowed for indentation in YAML; use spaces)"
				}
			}
			p.diags.Append(name, line, col, "invalid YAML: "+msg)
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
	p.checkAfters()
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

// yamlMessage splits a yaml.v3 error into its message and the line it
// names (0 when none). That line is not always the problem's: for parser
// errors it is where the enclosing block starts, 0-based.
func yamlMessage(err error) (string, int) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return msg[len(m[0]):], line
	}
	return strings.TrimPrefix(msg, "yaml: "), 0
}

// yamlFails reports whether decoding data fails with msg.
func yamlFails(data []byte, msg string) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) {
			return false
		}
		m, _ := yamlMessage(err)
		return m == msg
	}
}

// yamlErrorPos finds where a syntax error is: yaml.v3 gives only a line,
// and for some errors not the problem's (for parser errors it is where the
// enclosing block starts, counted from 0). The shortest prefix of the file
// that fails with the same message ends at the character the parser could
// not take; its line and column (1-based, in characters) are the answer. A
// prefix cut before that character parses, or fails otherwise.
//
// The search starts at the line before the one yaml.v3 named (no problem
// lies earlier) and widens from there, within a budget of bytes decoded so
// that a huge file costs seconds at most; over it, only the line is known.
func yamlErrorPos(data []byte, msg string, named int) (line, col int, ok bool) {
	budget := 24 << 20
	fails := func(n int) bool {
		budget -= n
		return yamlFails(data[:n], msg)
	}
	if !fails(len(data)) {
		return 0, 0, false
	}
	lo := 0 // data[:lo] does not fail with msg; data[:hi] does
	if named > 2 {
		lo = lineStart(data, named-2)
		if lo > 0 && fails(lo) {
			lo = 0
		}
	}
	hi := len(data)
	for step := 256; lo+step < hi; step *= 2 {
		if budget < 0 {
			return 0, 0, false
		}
		if fails(lo + step) {
			hi = lo + step
			break
		}
		lo += step
	}
	for hi-lo > 1 {
		if budget < 0 {
			return 0, 0, false
		}
		mid := lo + (hi-lo)/2
		for mid < hi && !utf8.RuneStart(data[mid]) {
			mid++ // cut between characters only
		}
		if mid >= hi {
			break
		}
		if fails(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	// data[hi-1] starts the character the parser stopped at, or ends the
	// text it stopped after (a file cut short).
	end := max(hi-1, 0)
	for end > 0 && !utf8.RuneStart(data[end]) {
		end--
	}
	if strings.HasPrefix(msg, "unknown anchor ") {
		// Found once the name is read whole: point at its '*'.
		if i := bytes.LastIndexByte(data[:end+1], '*'); i >= 0 && !bytes.Contains(data[i:end], []byte("\n")) {
			end = i
		}
	}
	line = 1 + bytes.Count(data[:end], []byte("\n"))
	start := bytes.LastIndexByte(data[:end], '\n') + 1
	col = 1 + utf8.RuneCount(data[start:end])
	return line, col, true
}

// lineStart is the offset of the 1-based line n (len(data) past the end).
func lineStart(data []byte, n int) int {
	off := 0
	for l := 1; l < n; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return len(data)
		}
		off += i + 1
	}
	return off
}
