package spec

import (
	"encoding/csv"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxCSVProblems is how many problems of one CSV file are listed.
const maxCSVProblems = 10

var fieldNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// checkCSV reads a record set's CSV file whole, as validate promises: the
// header names fields (each once, none empty, the key among them), every row
// has as many cells as the header, no key is empty and no two rows share
// one. Problems inside the file are reported at their line and column in
// it; n (the csv: value) for the file as a whole.
func (p *parser) checkCSV(f *file, n *yaml.Node, shown, path string, key []string) {
	rc, err := openLimited(path, MaxFileSize)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			p.errAt(f, n, "csv file %q: %v", shown, err)
		}
		return // existingFile has reported the rest
	}
	defer rc.Close()
	// Positions in the file are given as the spec names it, from where the
	// spec file was named: spec/data.csv, not /abs/path/spec/data.csv.
	name := shown
	if !filepath.IsAbs(shown) {
		name = filepath.Join(filepath.Dir(f.name), shown)
	}
	problems, more := 0, 0
	at := func(line, col int, format string, args ...any) {
		if problems >= maxCSVProblems {
			more++
			return
		}
		problems++
		p.errPos(Pos{File: name, Line: line, Col: col}, format, args...)
	}
	defer func() {
		if more > 0 {
			p.errAt(f, n, "csv file %q: %d more problems", shown, more)
		}
	}()
	r := csv.NewReader(rc)
	r.FieldsPerRecord = -1 // counted here, to say which row and how
	header, err := r.Read()
	if err == io.EOF {
		p.errAt(f, n, "csv file %q is empty; its first row must name the fields", shown)
		return
	}
	if err != nil {
		p.csvReadError(f, n, shown, name, err, at)
		return
	}
	cols := map[string]int{} // lower name → column (1-based)
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		line, col := r.FieldPos(i)
		switch {
		case h == "":
			at(line, col, "column %d has no name in the header row", i+1)
		case !fieldNameRE.MatchString(h):
			at(line, col, "column %q is not a field API name (letters, digits and underscores, starting with a letter)", h)
		default:
			if prev, dup := cols[strings.ToLower(h)]; dup {
				at(line, col, "column %q is given twice (columns %d and %d)", h, prev, i+1)
				continue
			}
			cols[strings.ToLower(h)] = i + 1
		}
	}
	var keyCols []int
	for _, k := range key {
		c, ok := cols[strings.ToLower(k)]
		if !ok {
			p.errAt(f, n, "csv file %q has no column %q (the record key)", shown, k)
			continue
		}
		keyCols = append(keyCols, c-1)
	}
	complete := len(keyCols) == len(key)
	seen := map[string]int{} // key → line
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			p.csvReadError(f, n, shown, name, err, at)
			return
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			at(line, 1, "row has %d %s; the header has %d", len(rec), plural(len(rec), "cell", "cells"), len(header))
			continue
		}
		if !complete {
			continue
		}
		var parts []string
		empty := false
		for j, c := range keyCols {
			v := rec[c]
			if strings.TrimSpace(v) == "" {
				_, col := r.FieldPos(c)
				at(line, col, "key field %q is empty", key[j])
				empty = true
			}
			parts = append(parts, key[j]+"="+v)
		}
		if empty {
			continue
		}
		k := strings.ToLower(strings.Join(parts, "\x00"))
		if first, dup := seen[k]; dup {
			at(line, 1, "row has the same key (%s) as line %d", strings.Join(parts, ", "), first)
			continue
		}
		seen[k] = line
	}
}

// csvReadError reports a CSV syntax error (a stray quote) at its place.
func (p *parser) csvReadError(f *file, n *yaml.Node, shown, name string, err error, at func(int, int, string, ...any)) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		at(pe.Line, pe.Column, "csv: %v", pe.Err)
		return
	}
	p.errAt(f, n, "csv file %q: %v", shown, unwrapPathError(err))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
