package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDevNullIsNoTerminal: `apply </dev/null` has no terminal to confirm
// on. /dev/null is a character device, which a check of the file mode
// took for a terminal.
func TestDevNullIsNoTerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is not a character device here: the test proves nothing", os.DevNull)
	}
	if isTerminal(f) {
		t.Errorf("isTerminal(%s) = true", os.DevNull)
	}
}

func TestColorOn(t *testing.T) {
	for _, tc := range []struct {
		tty, noColor bool
		env          map[string]string
		want         bool
	}{
		{true, false, nil, true},
		{true, false, map[string]string{"TERM": "xterm-256color"}, true},
		{false, false, nil, false},                               // a pipe or a file
		{true, true, nil, false},                                 // --no-color
		{true, false, map[string]string{"NO_COLOR": "1"}, false}, // no-color.org
		{true, false, map[string]string{"NO_COLOR": ""}, true},   // set but empty: no effect
		{true, false, map[string]string{"TERM": "dumb"}, false},
	} {
		getenv := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
		if got := colorOn(tc.tty, tc.noColor, getenv); got != tc.want {
			t.Errorf("colorOn(tty %v, --no-color %v, %v) = %v, want %v", tc.tty, tc.noColor, tc.env, got, tc.want)
		}
	}
}

func TestUTF8Locale(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{nil, false}, // the C locale
		{map[string]string{"LANG": "en_US.UTF-8"}, true},
		{map[string]string{"LANG": "de_DE.utf8"}, true},
		{map[string]string{"LANG": "C"}, false},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "C"}, false},     // LC_ALL wins
		{map[string]string{"LANG": "C", "LC_CTYPE": "en_GB.UTF-8"}, true},    // then LC_CTYPE
		{map[string]string{"LC_ALL": "", "LANG": "fr_FR.ISO-8859-1"}, false}, // "" is unset
	} {
		getenv := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
		if got := utf8Locale(getenv); got != tc.want {
			t.Errorf("utf8Locale(%v) = %v, want %v", tc.env, got, tc.want)
		}
	}
}

// TestTerminalConventions: through the whole command, colour for + and
// errors only on a terminal and only when nothing turns it off; ASCII
// symbols in a locale that is not UTF-8; no prompt without a terminal.
func TestTerminalConventions(t *testing.T) {
	home := t.TempDir()
	spec := filepath.Join(home, "spec.yaml")
	writeFile(t, spec, "version: 1\npermissionSets:\n  - name: Term_API\n    label: Term API\n")
	run := func(tty bool, env map[string]string, args ...string) (int, string, string) {
		e := map[string]string{"SFPROV_HOME": home}
		for k, v := range env {
			e[k] = v
		}
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, IO{In: strings.NewReader("yes\n"), Out: &out, Err: &errb, OutTerminal: tty, ErrTerminal: tty,
			Getenv: func(k string) (string, bool) { v, ok := e[k]; return v, ok }})
		return code, out.String(), errb.String()
	}
	utf8 := map[string]string{"LANG": "en_US.UTF-8"}
	const green, red = "\x1b[32m+\x1b[0m permission set \"Term_API\"", "\x1b[1;31mError:\x1b[0m "

	_, out, _ := run(true, utf8, "plan", spec)
	if !strings.Contains(out, "  "+green+"\n") {
		t.Errorf("terminal: no green +:\n%q", out)
	}
	for name, env := range map[string]map[string]string{
		"NO_COLOR":  {"LANG": "en_US.UTF-8", "NO_COLOR": "1"},
		"TERM=dumb": {"LANG": "en_US.UTF-8", "TERM": "dumb"},
	} {
		if _, out, _ := run(true, env, "plan", spec); strings.Contains(out, "\x1b[") {
			t.Errorf("%s: colour:\n%q", name, out)
		}
	}
	if _, out, _ := run(true, utf8, "plan", spec, "--no-color"); strings.Contains(out, "\x1b[") {
		t.Errorf("--no-color: colour:\n%q", out)
	}
	if _, out, _ := run(false, utf8, "plan", spec); strings.Contains(out, "\x1b[") {
		t.Errorf("a pipe: colour:\n%q", out)
	}
	if _, _, errs := run(true, utf8, "plan", "--bogus"); !strings.HasPrefix(errs, red+"unknown flag: --bogus\n") {
		t.Errorf("terminal: the error is not red:\n%q", errs)
	}
	if _, _, errs := run(false, utf8, "plan", "--bogus"); !strings.HasPrefix(errs, "Error: unknown flag: --bogus\n") {
		t.Errorf("a pipe: %q", errs)
	}

	// Without a terminal, apply refuses, whatever stdin holds ("yes").
	code, out, errs := run(false, utf8, "apply", spec)
	if code != ExitRefused || !strings.Contains(errs, "no terminal to confirm on; pass --yes") || strings.Contains(errs, "Apply these changes") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}

	// Not UTF-8: ASCII symbols.
	code, out, _ = run(false, map[string]string{"LANG": "C"}, "apply", spec, "--yes")
	if code != 0 || !strings.Contains(out, "  ok created permission set \"Term_API\"\n") {
		t.Errorf("C locale: exit %d\n%s", code, out)
	}
	for i, r := range out {
		if r > 127 {
			t.Errorf("C locale: %q at byte %d of\n%s", r, i, out)
			break
		}
	}
}
