package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func newExitCodesTopic(stdio IO) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "exit-codes",
		Example: "  sfprov exit-codes\n  sfprov plan spec.yaml -o ci --detailed-exitcode; echo $?   # 0 no changes, 2 changes",
		Short:   "What sfprov's exit codes mean",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			if asJSON {
				doc := exitCodesDoc{}
				for _, c := range exitCodes {
					doc.ExitCodes = append(doc.ExitCodes, exitCodeDoc{Code: c.code, Error: c.error, Meaning: strings.Join(strings.Fields(c.meaning), " ")})
				}
				stdio.setResult(doc)
				return nil
			}
			fmt.Fprint(stdio.Out, exitCodesText())
			return nil
		},
	}
	addJSONFlag(cmd, &asJSON, "the exit codes")
	return cmd
}

// exitCodes are the documented exit codes, with the JSON envelope's error
// code for each (the most general one, for 1).
var exitCodes = []struct {
	code    int
	error   string
	meaning string
}{
	{ExitOK, "", "success; or nothing to change"},
	{ExitError, codeError, "error: invalid spec, a name the org does not have, an API error before any change"},
	{ExitChanges, "", "plan or validate with --detailed-exitcode: the org differs from the spec"},
	{ExitPartial, codePartial, "apply stopped after changing part of the org; fix the cause and re-run to continue"},
	{ExitAuth, codeAuth, "authentication: no credentials, a login refused, or a session the org ended and\n       sfprov could not renew (the message gives the login command to run)"},
	{ExitRefused, codeRefused, "apply refused: no terminal to confirm on and no --yes, or the answer was not \"yes\""},
	{ExitUsage, codeUsage, "bad command line (unknown flag, missing argument, unknown target org, or\n       credentials in the environment with no target org named)"},
	{ExitInterrupted, codeInterrupted, "interrupted"},
}

type exitCodesDoc struct {
	ExitCodes []exitCodeDoc `json:"exitCodes"`
}

type exitCodeDoc struct {
	Code    int    `json:"code"`
	Error   string `json:"error,omitempty"` // the envelope's error.code
	Meaning string `json:"meaning"`
}

func exitCodesText() string {
	var b strings.Builder
	b.WriteString("Exit codes:\n")
	for _, c := range exitCodes {
		fmt.Fprintf(&b, "  %-4d %s\n", c.code, c.meaning)
	}
	return b.String()
}
