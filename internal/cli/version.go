package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/render"
)

// versionDoc is `version --json`'s result.
type versionDoc struct {
	Version       string `json:"version"`
	FormatVersion string `json:"formatVersion"`
}

func newVersionCmd(stdio IO) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "version",
		Example: "  sfprov version\n  sfprov version --json",
		Short:   "Print the sfprov version",
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			if asJSON {
				stdio.setResult(versionDoc{Version: Version, FormatVersion: render.FormatVersion})
				return nil
			}
			fmt.Fprintf(stdio.Out, "sfprov %s\n", Version)
			return nil
		},
	}
	addJSONFlag(cmd, &asJSON, "the version")
	return cmd
}
