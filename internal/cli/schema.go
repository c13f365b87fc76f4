package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/spec"
)

func newSchemaCmd(stdio IO) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the spec format",
		Example: `  sfprov schema > sfprov.schema.json
  # YAML editors: put "# yaml-language-server: $schema=./sfprov.schema.json" on a spec's first line`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if asJSON {
				stdio.setResult(json.RawMessage(spec.JSONSchema()))
				return nil
			}
			_, err := stdio.Out.Write(spec.JSONSchema())
			return err
		},
	}
	addJSONFlag(cmd, &asJSON, "the schema in the envelope's result")
	return cmd
}
