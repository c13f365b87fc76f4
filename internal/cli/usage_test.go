package cli

import (
	"os"
	"strings"
	"testing"
)

// TestEnvHelpDocumented: every environment variable a command's help lists
// is in the README's table of them, and has a description.
func TestEnvHelpDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for name, what := range envHelp {
		if what == "" {
			t.Errorf("%s has no description", name)
		}
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("%s is not in README.md's environment variables", name)
		}
	}
	for _, list := range [][]string{envTarget, envOutput, envLogin, envStore} {
		for _, name := range list {
			if envHelp[name] == "" {
				t.Errorf("%s is listed but not described in envHelp", name)
			}
		}
	}
}
