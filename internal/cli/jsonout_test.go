package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryOutcomeOneDocument: whatever the command and however it ends,
// --json on the command line gives exactly one JSON document on stdout,
// whose exitCode is the exit code and whose kind is the command.
func TestEveryOutcomeOneDocument(t *testing.T) {
	testCommands = append(testCommands, func(f *Factory) *cobra.Command {
		var asJSON bool
		cmd := &cobra.Command{Use: "crash", RunE: func(*cobra.Command, []string) error {
			panic("boom")
		}}
		addJSONFlag(cmd, &asJSON, "nothing")
		return cmd
	})
	defer func() { testCommands = testCommands[:len(testCommands)-1] }()
	home := t.TempDir()
	spec := filepath.Join(home, "spec.yaml")
	writeFile(t, spec, "version: 1\npermissionSets:\n  - name: One_Doc\n")
	bad := filepath.Join(home, "bad.yaml")
	writeFile(t, bad, "version: 1\npermissionSets:\n  - nmae: X\n")
	for _, tc := range []struct {
		args []string
		env  map[string]string
		code int
		kind string
		err  string // the error code; "" for none
	}{
		{[]string{"version", "--json"}, nil, 0, "version", ""},
		{[]string{"validate", spec, "--json"}, nil, 0, "validate", ""},
		{[]string{"validate", bad, "--json"}, nil, 1, "validate", codeSpec},
		{[]string{"plan", bad, "--json"}, nil, 1, "plan", codeSpec},
		{[]string{"plan", spec, "--json", "--detailed-exitcode"}, nil, 2, "plan", ""},
		{[]string{"apply", spec, "--json"}, nil, 5, "apply", codeRefused},
		{[]string{"apply", spec, "--json", "--yes"}, nil, 0, "apply", ""},
		{[]string{"apply", spec, "--json", "--yes"}, nil, 0, "apply", ""}, // nothing to do
		{[]string{"plan", "--json"}, nil, 64, "plan", codeUsage},
		{[]string{"plan", "--bogus", "--json", spec}, nil, 64, "plan", codeUsage},
		{[]string{"plan", spec, "--json", "--bogus"}, nil, 64, "plan", codeUsage},
		{[]string{"plan", spec, "--json=true", "--var", "NOEQUALS"}, nil, 64, "plan", codeUsage},
		{[]string{"frobnicate", "--json"}, nil, 64, "sfprov", codeUsage},
		{[]string{"emulator", "serve", "--json"}, nil, 64, "emulator.serve", codeUsage},
		{[]string{"plan", spec, "-o", "nosuch", "--json"}, nil, 64, "plan", codeUsage},
		{[]string{"plan", spec, "--json"}, map[string]string{"SF_ACCESS_TOKEN": "x"}, 64, "plan", codeUsage},
		{[]string{"auth", "status", "--json", "-o", "http://127.0.0.1:1", "--request-timeout", "1ms", "--deadline", "1ms"}, map[string]string{"SF_ACCESS_TOKEN": "x"}, 1, "auth.status", ""},
		{[]string{"auth", "list", "--json"}, nil, 0, "auth.list", ""},
		{[]string{"auth", "logout", "--json"}, nil, 64, "auth.logout", codeUsage},
		{[]string{"auth", "login", "--json", "--web", "--alias", "x"}, nil, 64, "auth.login", codeUsage},
		{[]string{"profiles", "show", "nope", "--json"}, nil, 1, "profiles.show", codeNotFound},
		{[]string{"profiles", "show", "--json"}, nil, 64, "profiles.show", codeUsage},
		{[]string{"exit-codes", "--json", "extra"}, nil, 64, "exit-codes", codeUsage},
		{[]string{"crash", "--json"}, nil, 1, "crash", codeInternal},
	} {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"SFPROV_HOME": home}
			for k, v := range tc.env {
				env[k] = v
			}
			var out, errb bytes.Buffer
			code := Run(context.Background(), tc.args, IO{In: strings.NewReader(""), Out: &out, Err: &errb,
				Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, errb.String())
			}
			dec := json.NewDecoder(&out)
			var doc struct {
				FormatVersion string
				Kind          string
				Status        string
				ExitCode      int
				Warnings      []string
				Error         *struct{ Code, Message string }
			}
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("stdout is not JSON: %v", err)
			}
			var extra any
			if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
				t.Errorf("more than one document on stdout (%v)", err)
			}
			if doc.FormatVersion != "2" || doc.Kind != tc.kind || doc.ExitCode != code || doc.Warnings == nil {
				t.Errorf("formatVersion %q kind %q exitCode %d warnings %v; want 2, %q, %d, []", doc.FormatVersion, doc.Kind, doc.ExitCode, doc.Warnings, tc.kind, code)
			}
			switch {
			case code == 0 && (doc.Status != "ok" || doc.Error != nil):
				t.Errorf("status %q error %v, want ok and none", doc.Status, doc.Error)
			case code == 2 && (doc.Status != "changes" || doc.Error != nil):
				t.Errorf("status %q error %v, want changes and none", doc.Status, doc.Error)
			case code != 0 && code != 2 && (doc.Status != "error" || doc.Error == nil || doc.Error.Message == ""):
				t.Errorf("status %q error %v, want error with a message", doc.Status, doc.Error)
			case tc.err != "" && doc.Error.Code != tc.err:
				t.Errorf("error code %q, want %q", doc.Error.Code, tc.err)
			}
		})
	}
}

// TestNoJSONNoDocument: without --json, nothing of the envelope is printed.
func TestNoJSONNoDocument(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"plan", "--bogus"}, IO{In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv: func(string) (string, bool) { return "", false }})
	if code != ExitUsage || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
