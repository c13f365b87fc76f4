package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/emulator"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the JSON examples in docs/json.md from real runs")

// docsPath is docs/json.md, from this package's directory.
const docsPath = "../../docs/json.md"

// Stand-ins in docs/json.md for what differs from run to run.
const (
	docsInstanceURL = "http://127.0.0.1:PORT" // the HTTP emulator org's URL
	docsToken       = "00D000000000001AAA!docsToken"
	docsClientID    = "3MVG9docsClientId"
	docsSecret      = "docs-client-secret"
)

// docBlock is one fenced block of docs/json.md with what precedes it.
type docBlock struct {
	line   int    // of the opening fence
	marker string // "file: NAME" or "example: ARGS", from <!-- ... -->
	lang   string
	body   string
	start  int // byte offsets of body in the document
	end    int
}

func docBlocks(t *testing.T, doc string) []docBlock {
	t.Helper()
	var out []docBlock
	var marker string
	sc := bufio.NewScanner(strings.NewReader(doc))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	off, n := 0, 0
	var cur *docBlock
	for sc.Scan() {
		line := sc.Text()
		n++
		next := off + len(line) + 1
		switch {
		case cur != nil && line == "```":
			cur.end = off
			cur.body = doc[cur.start:cur.end]
			out = append(out, *cur)
			cur = nil
		case cur != nil:
		case strings.HasPrefix(line, "<!-- ") && strings.HasSuffix(line, " -->"):
			marker = strings.TrimSuffix(strings.TrimPrefix(line, "<!-- "), " -->")
		case strings.HasPrefix(line, "```"):
			cur = &docBlock{line: n, marker: marker, lang: strings.TrimPrefix(line, "```"), start: next}
			marker = ""
		}
		off = next
	}
	if cur != nil {
		t.Fatalf("%s:%d: unclosed block", docsPath, cur.line)
	}
	return out
}

// TestJSONDocs runs every example of docs/json.md, in order, against the
// embedded local org (a fresh one) and an emulator org over HTTP, and
// requires each documented document to be what the command prints: the
// same JSON value, formatting aside, and the exit code it states. A
// string "…" in the docs stands for any value. Each kind of envelope
// (each command with --json) and each error code must have an example.
//
//	go test ./internal/cli -run TestJSONDocs -update-docs
//
// rewrites the examples from the runs.
func TestJSONDocs(t *testing.T) {
	docsFile, err := filepath.Abs(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(docsFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	org, err := emulator.New(emulator.Options{AccessToken: docsToken, ClientID: docsClientID, ClientSecret: docsSecret})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(org)
	defer srv.Close()
	dir := t.TempDir()
	t.Chdir(dir)
	log.SetOutput(io.Discard) // simpleforce's, as Main does
	defer log.SetOutput(os.Stderr)
	base := map[string]string{"SFPROV_HOME": filepath.Join(dir, "home"), "LANG": "C.UTF-8"}

	kinds, codes := map[string]bool{}, map[string]bool{}
	var rewritten strings.Builder
	last := 0
	for _, b := range docBlocks(t, doc) {
		what, arg, _ := strings.Cut(b.marker, ": ")
		switch what {
		case "file":
			if err := os.WriteFile(filepath.Join(dir, arg), []byte(b.body), 0o600); err != nil {
				t.Fatal(err)
			}
			continue
		case "example":
		default:
			continue
		}
		env, args, wantCode := parseExample(t, b, arg)
		e := map[string]string{}
		for k, v := range base {
			e[k] = v
		}
		for k, v := range env {
			e[k] = strings.ReplaceAll(v, docsInstanceURL, srv.URL)
		}
		for i := range args {
			args[i] = strings.ReplaceAll(args[i], docsInstanceURL, srv.URL)
		}
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb,
			Getenv: func(k string) (string, bool) { v, ok := e[k]; return v, ok }})
		where := fmt.Sprintf("%s:%d: %s", docsPath, b.line, arg)
		if code != wantCode {
			t.Errorf("%s: exit %d, the docs say %d\nstderr:\n%s", where, code, wantCode, errb.String())
		}
		got := strings.ReplaceAll(out.String(), srv.URL, docsInstanceURL)
		var gotV, wantV any
		if err := json.Unmarshal([]byte(got), &gotV); err != nil {
			t.Errorf("%s: stdout is not one JSON document: %v\n%s", where, err, got)
			continue
		}
		var env2 struct {
			Kind     string
			ExitCode int
			Error    *struct{ Code string }
		}
		json.Unmarshal([]byte(got), &env2)
		kinds[env2.Kind] = true
		if env2.Error != nil {
			codes[env2.Error.Code] = true
		}
		if env2.ExitCode != code {
			t.Errorf("%s: exitCode %d in the document, exit %d", where, env2.ExitCode, code)
		}
		if *updateDocs && !strings.Contains(b.body, "…") {
			rewritten.WriteString(doc[last:b.start])
			rewritten.WriteString(got)
			last = b.end
			continue
		}
		if *updateDocs {
			continue
		}
		if err := json.Unmarshal([]byte(b.body), &wantV); err != nil {
			t.Errorf("%s: the example is not JSON: %v", where, err)
			continue
		}
		if path, ok := sameJSON(wantV, gotV, "$"); !ok {
			t.Errorf("%s: the output differs from the docs at %s (go test ./internal/cli -run TestJSONDocs -update-docs rewrites them)\ngot:\n%s", where, path, got)
		}
	}
	if *updateDocs {
		rewritten.WriteString(doc[last:])
		if err := os.WriteFile(docsFile, []byte(rewritten.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Every kind and every error code has its example.
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flags().Lookup("json") != nil && !kinds[kindOf(c)] {
			t.Errorf("%s: no example of kind %q (%s --json)", docsPath, kindOf(c), c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot(IO{}))
	for _, c := range documentedCodes {
		if !strings.Contains(doc, "`"+c+"`") {
			t.Errorf("%s: the error code %s is not documented", docsPath, c)
		}
	}
	for _, c := range exampleCodes {
		if !codes[c] {
			t.Errorf("%s: no example of the error code %s", docsPath, c)
		}
	}
}

// documentedCodes are every error code; exampleCodes those the docs show
// in a run (the others need a broken network, a bug or a signal).
var (
	documentedCodes = []string{codeError, codeSpec, codeOrgMismatch, codeAPI, codeNetwork, codeTimeout, codeNotFound, codeAPIVersion,
		codeApplyFailed, codePartial, codeAuth, codeRefused, codePlanStale, codeUsage, codeInterrupted, codeInternal}
	exampleCodes = []string{codeSpec, codeOrgMismatch, codeNotFound, codeApplyFailed, codeAuth, codeRefused, codePlanStale, codeUsage}
)

// parseExample reads "[NAME=VALUE ...] sfprov ARGS... # exit N".
func parseExample(t *testing.T, b docBlock, s string) (env map[string]string, args []string, code int) {
	t.Helper()
	s, exit, ok := strings.Cut(s, " # exit ")
	if !ok {
		t.Fatalf("%s:%d: the example names no exit code (# exit N)", docsPath, b.line)
	}
	if _, err := fmt.Sscan(exit, &code); err != nil {
		t.Fatalf("%s:%d: exit code: %v", docsPath, b.line, err)
	}
	env = map[string]string{}
	words := strings.Fields(s)
	for len(words) > 0 && strings.Contains(words[0], "=") {
		k, v, _ := strings.Cut(words[0], "=")
		env[k] = v
		words = words[1:]
	}
	if len(words) == 0 || words[0] != "sfprov" {
		t.Fatalf("%s:%d: want [NAME=VALUE ...] sfprov ARGS # exit N", docsPath, b.line)
	}
	return env, words[1:], code
}

// sameJSON compares decoded JSON values; a "…" in want matches anything.
// It returns the path of the first difference.
func sameJSON(want, got any, path string) (string, bool) {
	if want == "…" {
		return "", true
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return path, false
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return path + "." + k + " (not in the docs)", false
			}
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return path + "." + k + " (not in the output)", false
			}
			if p, ok := sameJSON(wv, gv, path+"."+k); !ok {
				return p, false
			}
		}
		return "", true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return path + " (length)", false
		}
		for i := range w {
			if p, ok := sameJSON(w[i], g[i], fmt.Sprintf("%s[%d]", path, i)); !ok {
				return p, false
			}
		}
		return "", true
	}
	return path, reflect.DeepEqual(want, got)
}

// TestSameJSON: the comparison itself tells apart what differs.
func TestSameJSON(t *testing.T) {
	dec := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		want, got string
		same      bool
	}{
		{`{"a": [1, {"b": "x"}]}`, `{"a":[1,{"b":"x"}]}`, true},
		{`{"a": "…"}`, `{"a": {"deep": [1, 2]}}`, true},
		{`{"a": 1}`, `{"a": 2}`, false},
		{`{"a": 1}`, `{"a": 1, "b": 2}`, false},
		{`{"a": 1, "b": 2}`, `{"a": 1}`, false},
		{`[1, 2]`, `[1]`, false},
		{`{"a": null}`, `{"a": "null"}`, false},
	} {
		if _, same := sameJSON(dec(tc.want), dec(tc.got), "$"); same != tc.same {
			t.Errorf("sameJSON(%s, %s) = %v, want %v", tc.want, tc.got, same, tc.same)
		}
	}
}
