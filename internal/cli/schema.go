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
		Long: `Print the JSON Schema (draft 2020-12) of the spec format.

Editors that use the YAML language server (VS Code's YAML extension, Neovim,
Helix, Zed, JetBrains IDEs) complete and check a spec against it. Save it
next to your specs and put this modeline on each spec's first line:

  # yaml-language-server: $schema=./sfprov.schema.json

The path is relative to the spec file; an absolute path or a URL works too.
Or map every spec at once, in VS Code's settings.json:

  "yaml.schemas": {"./sfprov.schema.json": ["*.sfprov.yaml", "specs/*.yaml"]}`,
		Example: `  sfprov schema > sfprov.schema.json
  sed -i '1i # yaml-language-server: $schema=./sfprov.schema.json' spec.yaml`,
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
