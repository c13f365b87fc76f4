package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/profiles"
)

// profileDoc is a built-in profile in `profiles --json`.
type profileDoc struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// profilesDoc is `profiles --json`'s result.
type profilesDoc struct {
	Profiles []profileDoc `json:"profiles"`
}

// profileShowDoc is `profiles show --json`'s result: the spec's YAML text.
type profileShowDoc struct {
	Name string `json:"name"`
	YAML string `json:"yaml"`
}

// newProfilesCmd is `sfprov profiles`: the built-in vendor profiles, listed,
// and printed so that an admin with only the binary can save and apply one.
func newProfilesCmd(stdio IO) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "profiles",
		Example: "  sfprov profiles\n  sfprov profiles show coconut > coconut.yaml",
		Short:   "List the built-in vendor profiles (ready-made specs)",
		Long: `Built-in profiles are specs that replace vendors' "create an integration
user" guides. Each declares its variables with safe defaults, so it applies to
the local emulator org as is:

  sfprov profiles show coconut > coconut.yaml
  sfprov apply coconut.yaml --yes`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			if asJSON {
				doc := profilesDoc{Profiles: []profileDoc{}}
				for _, p := range profiles.List() {
					doc.Profiles = append(doc.Profiles, profileDoc{Name: p.Name, Description: p.Description})
				}
				stdio.setResult(doc)
				return nil
			}
			tw := tabwriter.NewWriter(stdio.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tDESCRIPTION")
			for _, p := range profiles.List() {
				fmt.Fprintf(tw, "%s\t%s\n", p.Name, p.Description)
			}
			if err := tw.Flush(); err != nil {
				return fmt.Errorf("listing profiles: %w", err)
			}
			fmt.Fprintln(stdio.Out, "\nPrint one with \"sfprov profiles show NAME\"; save it to a file to validate, plan or apply it.")
			return nil
		},
	}
	addJSONFlag(cmd, &asJSON, "the profiles")
	cmd.AddCommand(newProfilesShowCmd(stdio))
	return cmd
}

func newProfilesShowCmd(stdio IO) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               "show NAME",
		Example:           "  sfprov profiles show beyondtrust-remote-support > beyondtrust.yaml\n  sfprov apply beyondtrust.yaml -o dev",
		Short:             "Print a built-in profile's YAML",
		ValidArgsFunction: completeProfileNames,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{fmt.Errorf("profiles show takes one profile name, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			data, err := profiles.Open(args[0])
			if err != nil {
				return &exitError{code: ExitError, kind: codeNotFound, msg: err.Error()}
			}
			if asJSON {
				stdio.setResult(profileShowDoc{Name: args[0], YAML: string(data)})
				return nil
			}
			_, err = stdio.Out.Write(data)
			return err
		},
	}
	addJSONFlag(cmd, &asJSON, "the profile's YAML")
	return cmd
}

// addJSONFlag adds --json: the outcome (what, or the error) as the envelope.
func addJSONFlag(cmd *cobra.Command, v *bool, what string) {
	cmd.Flags().BoolVar(v, "json", false, "print "+what+", or the error, as one JSON document (docs/json.md)")
}
