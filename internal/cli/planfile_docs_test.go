package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanFileDocs runs docs/plan-file.md's example against a fresh
// embedded org and requires the plan file it writes to be the documented
// one ("…" standing for any value), so that the format's page and the
// output stay in step; and that the documented file holds no secret.
func TestPlanFileDocs(t *testing.T) {
	const path = "../../docs/plan-file.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	base := map[string]string{"SFPROV_HOME": filepath.Join(dir, "home"), "LANG": "C.UTF-8"}
	ran := false
	for _, b := range docBlocks(t, string(raw)) {
		what, arg, _ := strings.Cut(b.marker, ": ")
		switch what {
		case "file":
			if err := os.WriteFile(filepath.Join(dir, arg), []byte(b.body), 0o600); err != nil {
				t.Fatal(err)
			}
		case "example":
			cmd, file, ok := strings.Cut(arg, " # file ")
			if !ok {
				t.Fatalf("%s:%d: the example names no file (# file NAME)", path, b.line)
			}
			env, args, _ := parseExample(t, b, cmd+" # exit 0")
			e := map[string]string{}
			for k, v := range base {
				e[k] = v
			}
			for k, v := range env {
				e[k] = v
			}
			var out, errb bytes.Buffer
			if code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb,
				Getenv: func(k string) (string, bool) { v, ok := e[k]; return v, ok }}); code != 0 {
				t.Fatalf("%s:%d: exit %d\n%s", path, b.line, code, errb.String())
			}
			got, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range env {
				if bytes.Contains(got, []byte(v)) {
					t.Errorf("%s: the plan file holds the secret %q", path, v)
				}
			}
			var gotV, wantV any
			if err := json.Unmarshal(got, &gotV); err != nil {
				t.Fatalf("the plan file is not JSON: %v", err)
			}
			if err := json.Unmarshal([]byte(b.body), &wantV); err != nil {
				t.Fatalf("%s:%d: the example is not JSON: %v", path, b.line, err)
			}
			if at, ok := sameJSON(wantV, gotV, "$"); !ok {
				t.Errorf("%s:%d: the plan file differs from the docs at %s\ngot:\n%s", path, b.line, at, got)
			}
			ran = true
		}
	}
	if !ran {
		t.Fatalf("%s: no example", path)
	}
}
