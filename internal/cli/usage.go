package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sfprov/sfprov/internal/diag"
)

// suggestFlag adds "did you mean --X?" to an unknown-flag error of c: the
// nearest of c's flags, its own and inherited.
func suggestFlag(c *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return err
	}
	name, _, _ = strings.Cut(name, "=")
	var names []string
	add := func(fl *pflag.Flag) {
		if !fl.Hidden {
			names = append(names, fl.Name)
		}
	}
	c.Flags().VisitAll(add)
	c.InheritedFlags().VisitAll(add)
	if s := diag.Suggest(name, names); s != "" {
		return fmt.Errorf("%w; did you mean --%s?", err, s)
	}
	return err
}

// helpPath is the command whose help a usage error points at: the command
// itself, or sfprov when it is not known.
func helpPath(cmd *cobra.Command) string {
	if cmd == nil {
		return "sfprov"
	}
	return cmd.CommandPath()
}
