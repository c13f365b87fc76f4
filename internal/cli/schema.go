package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/emulator/emucmd"
	"github.com/sfprov/sfprov/internal/spec"
)

func newSchemaCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the spec format",
		Example: `  sfprov schema > sfprov.schema.json
  # YAML editors: put "# yaml-language-server: $schema=./sfprov.schema.json" on a spec's first line`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := stdio.Out.Write(spec.JSONSchema())
			return err
		},
	}
}

func newVersionCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the sfprov version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(stdio.Out, "sfprov %s\n", Version)
			return nil
		},
	}
}

func newEmulatorCmd() *cobra.Command { return emucmd.New() }
