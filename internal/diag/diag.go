// Package diag holds the positioned diagnostics that sfprov reports about spec
// files (`FILE:LINE:COL: message`), and the "did you mean" helper that every
// validator shares so that suggestions read the same everywhere.
package diag

import (
	"errors"
	"sort"
	"strconv"
	"strings"
)

// Diagnostic is one problem found in a file. Line and Col are 1-based; zero
// means unknown, and String leaves that part out.
type Diagnostic struct {
	File    string
	Line    int
	Col     int
	Message string
}

// String renders the diagnostic as `FILE:LINE:COL: message`, dropping the parts
// that are unknown (`FILE: message`, or just `message`).
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(d.File)
		if d.Line > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(d.Line))
			if d.Col > 0 {
				b.WriteString(":")
				b.WriteString(strconv.Itoa(d.Col))
			}
		}
		b.WriteString(": ")
	} else if d.Line > 0 {
		// A position without a file still helps (data given on stdin, say).
		b.WriteString(strconv.Itoa(d.Line))
		if d.Col > 0 {
			b.WriteString(":")
			b.WriteString(strconv.Itoa(d.Col))
		}
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is a list of problems. Every diagnostic is an error: sfprov has
// no warnings at this level, so that `validate` exits 1 whenever any is shown.
type Diagnostics []Diagnostic

// Append adds a diagnostic at the given position.
func (ds *Diagnostics) Append(file string, line, col int, msg string) {
	*ds = append(*ds, Diagnostic{File: file, Line: line, Col: col, Message: msg})
}

// HasErrors reports whether there is at least one diagnostic.
func (ds Diagnostics) HasErrors() bool { return len(ds) > 0 }

// Sort orders the diagnostics by file, line, column, then message, so that
// output is stable whatever order the checks ran in.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Message < b.Message
	})
}

// Strings returns every diagnostic rendered with String.
func (ds Diagnostics) Strings() []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

// Err returns nil when there are no diagnostics, otherwise an error whose text
// is every diagnostic on its own line.
func (ds Diagnostics) Err() error {
	if len(ds) == 0 {
		return nil
	}
	return errors.New(strings.Join(ds.Strings(), "\n"))
}
