package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newExitCodesTopic(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:     "exit-codes",
		Example: "  sfprov exit-codes\n  sfprov plan spec.yaml -o ci --detailed-exitcode; echo $?   # 0 no changes, 2 changes",
		Short:   "What sfprov's exit codes mean",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprint(stdio.Out, exitCodesText)
			return nil
		},
	}
}

const exitCodesText = `Exit codes:
  0    success; or nothing to change
  1    error: invalid spec, a name the org does not have, an API error before any change
  2    plan or validate with --detailed-exitcode: the org differs from the spec
  3    apply stopped after changing part of the org; fix the cause and re-run to continue
  4    authentication: no credentials, a login refused, or a session the org ended and
       sfprov could not renew (the message gives the login command to run)
  5    apply refused: no terminal to confirm on and no --yes, or the answer was not "yes"
  64   bad command line (unknown flag, missing argument, unknown target org, or
       credentials in the environment with no target org named)
  130  interrupted
`
