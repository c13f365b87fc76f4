package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/profiles"
)

// newProfilesCmd is `sfprov profiles`: the built-in vendor profiles, listed,
// and printed so that an admin with only the binary can save and apply one.
func newProfilesCmd(stdio IO) *cobra.Command {
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
	cmd.AddCommand(&cobra.Command{
		Use:     "show NAME",
		Example: "  sfprov profiles show beyondtrust-remote-support > beyondtrust.yaml\n  sfprov apply beyondtrust.yaml -o dev",
		Short:   "Print a built-in profile's YAML",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{fmt.Errorf("profiles show takes one profile name, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			data, err := profiles.Open(args[0])
			if err != nil {
				return exitWith(ExitError, "%v", err)
			}
			_, err = stdio.Out.Write(data)
			return err
		},
	})
	return cmd
}
