package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runValidate(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"validate"}, args...), IO{In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	return code, out.String(), errb.String()
}

// TestMalformedSpecsExit1: every malformed spec of the spec package's table
// is refused by validate with exit 1 and its diagnostics, never a crash.
func TestMalformedSpecsExit1(t *testing.T) {
	files, _ := filepath.Glob("../spec/testdata/malformed/*.yaml")
	if len(files) < 40 {
		t.Fatalf("%d malformed specs", len(files))
	}
	for _, f := range files {
		args := []string{f}
		src, _ := os.ReadFile(f)
		if first, _, _ := strings.Cut(string(src), "\n"); strings.HasPrefix(first, "# vars: ") {
			for _, kv := range strings.Fields(strings.TrimPrefix(first, "# vars: ")) {
				args = append(args, "--var", kv)
			}
		}
		code, _, errs := runValidate(t, map[string]string{"SFPROV_HOME": t.TempDir()}, args...)
		if code != ExitError || !strings.Contains(errs, "Error: ") || strings.Contains(errs, "internal error") {
			t.Errorf("%s: exit %d\n%s", filepath.Base(f), code, errs)
		}
	}
}

func TestDevicesRefused(t *testing.T) {
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		if _, err := os.Stat(dev); err != nil {
			t.Skip(err)
		}
		code, _, errs := runValidate(t, nil, dev)
		want := dev + ": not a regular file (a character device)\nError: 1 problem in the spec\n"
		if code != ExitError || errs != want {
			t.Errorf("validate %s: exit %d\n%s", dev, code, errs)
		}
	}
}

func TestValidateChecksPasswordVariables(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "spec.yaml")
	os.WriteFile(f, []byte("version: 1\nusers:\n  - {username: a@example.com, lastName: A, email: a@example.com, profile: P, password: {fromEnv: A_PASSWORD}}\n"), 0o600)
	code, _, errs := runValidate(t, nil, f)
	if want := f + ":3:5: user \"a@example.com\": password comes from $A_PASSWORD, which is not set\nError: 1 problem in the spec\n"; code != ExitError || errs != want {
		t.Errorf("exit %d\n%s\nwant\n%s", code, errs, want)
	}
	code, out, errs := runValidate(t, map[string]string{"A_PASSWORD": "Pw-123456"}, f)
	if code != 0 || !strings.HasSuffix(out, ": valid\n") {
		t.Errorf("with the variable set: exit %d\n%s%s", code, out, errs)
	}
}
