package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestPanicIsExit1: a crash inside a command is an internal error with exit
// 1 and a request to report it, never 2 (--detailed-exitcode's "changes
// pending"), and a secret in the panic's text is still hidden.
func TestPanicIsExit1(t *testing.T) {
	testCommands = append(testCommands, func(f *Factory) *cobra.Command {
		return &cobra.Command{Use: "crash", RunE: func(*cobra.Command, []string) error {
			f.IO.secrets.add("canary-crash-secret")
			panic("boom near canary-crash-secret")
		}}
	})
	defer func() { testCommands = testCommands[:len(testCommands)-1] }()
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"crash"}, IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(string) (string, bool) { return "", false }})
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	s := errb.String()
	if !strings.HasPrefix(s, "Error: internal error: boom near (secret)\nThis is a bug in sfprov dev; please report it with the command you ran and this trace:\n") {
		t.Errorf("stderr:\n%s", s)
	}
	if strings.Contains(s, "canary-crash-secret") {
		t.Error("the secret was printed")
	}
}
