package cli

import (
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/sfprov/sfprov/internal/target"
	"github.com/sfprov/sfprov/profiles"
)

// Shell completion (sfprov completion bash|zsh|fish|powershell). Nothing
// here reaches an org or runs the sf CLI: completion must be instant.

// completeSpecFiles offers YAML files for a command's FILE arguments.
func completeSpecFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeProfileNames offers the built-in profiles (profiles show NAME).
func completeProfileNames(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, p := range profiles.List() {
		out = append(out, p.Name+"\t"+p.Description)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeTargets offers the targets -o can name without asking anyone:
// "local" and the saved logins' aliases (the sf CLI's orgs would need sf
// started, which takes seconds).
func (f *Factory) completeTargets(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	out := []string{"local\tthe embedded emulator org"}
	logins, _ := target.Logins(f.targetOptions())
	for _, l := range logins {
		s := l.Summary()
		out = append(out, s.Alias+"\t"+s.Username+" ("+s.Kind+")")
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeVars offers NAME= for the variables the spec files among args
// declare, less those already given with --var.
func completeVars(in *SpecInput) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		given := map[string]bool{}
		for _, kv := range in.Vars {
			name, _, _ := strings.Cut(kv, "=")
			given[name] = true
		}
		var out []string
		for _, file := range args {
			for _, v := range declaredVars(file) {
				if !given[v.name] && !slices.ContainsFunc(out, func(s string) bool { return strings.HasPrefix(s, v.name+"=") }) {
					out = append(out, v.name+"=\t"+v.description)
				}
			}
		}
		return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}

type declaredVar struct{ name, description string }

// declaredVars are the variables a spec file declares, in file order; a
// file that cannot be read or parsed declares none (completion is no place
// for errors; validate reports them).
func declaredVars(file string) []declaredVar {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []declaredVar
	dec := yaml.NewDecoder(io.LimitReader(f, 10<<20))
	for {
		var doc struct {
			Variables yaml.Node `yaml:"variables"`
		}
		if err := dec.Decode(&doc); err != nil {
			return out // io.EOF, or a document validate will report
		}
		m := doc.Variables
		if m.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			v := declaredVar{name: m.Content[i].Value}
			var d struct {
				Description string `yaml:"description"`
			}
			if m.Content[i+1].Decode(&d) == nil {
				v.description = d.Description
			}
			out = append(out, v)
		}
	}
}
