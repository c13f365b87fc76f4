package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newVersionCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Example: "  sfprov version",
		Short:   "Print the sfprov version",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(stdio.Out, "sfprov %s\n", Version)
			return nil
		},
	}
}
