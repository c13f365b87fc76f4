package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/profiles"
)

// InitOptions are `sfprov init`'s inputs.
type InitOptions struct {
	IO      IO
	Profile string   // --profile NAME
	Out     string   // --out FILE; "" is NAME.yaml, "-" stdout
	Vars    []string // --var NAME=value
	Force   bool     // --force: replace an existing file
}

// NewCmdInit is `sfprov init --profile NAME`; runF replaces initRun in tests.
func NewCmdInit(f *Factory, runF func(context.Context, *InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "init --profile NAME [--out FILE]",
		Short: "Start a spec from a built-in profile, with its variables filled in",
		Long: `Writes an editable copy of a built-in profile (sfprov profiles lists them).
Each variable given with --var, or set in the environment, is written into
the copy in place of its ${NAME}; the others are left as ${NAME} and listed,
with their descriptions, at the top of the file. Secret variables are never
written. An existing file is left alone unless --force is given.`,
		Example: `  sfprov init --profile screenmeet --var ORG_DOMAIN=acme.com --var ADMIN_EMAIL=it@acme.com
  sfprov init --profile coconut --out specs/coconut.yaml
  sfprov init --profile linkpoint-connect --out -          # to stdout`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Profile == "" {
				return &usageError{fmt.Errorf("init needs --profile NAME (one of: %s)", strings.Join(profiles.Names(), ", "))}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return initRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Profile, "profile", "", "the built-in profile to copy (sfprov profiles lists them)")
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfileNames)
	cmd.Flags().StringVar(&opts.Out, "out", "", "where to write the copy (default NAME.yaml; - for stdout)")
	cmd.Flags().StringArrayVar(&opts.Vars, "var", nil, "fill in a variable: --var NAME=value (wins over the environment; repeatable)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace FILE if it exists")
	return cmd
}

func initRun(opts *InitOptions) error {
	stdio := opts.IO
	data, err := profiles.Open(opts.Profile)
	if err != nil {
		return &exitError{code: ExitError, kind: codeNotFound, msg: "--profile: " + err.Error()}
	}
	name := strings.TrimSuffix(opts.Profile, ".yaml")
	in := SpecInput{Vars: opts.Vars}
	vars, err := in.parseVars()
	if err != nil {
		return err
	}
	// The profile as given, to check --var names (with "did you mean") and
	// to learn its variables.
	s, ds := spec.Parse(profileSource(name), data, spec.Options{Vars: vars, Getenv: stdio.Getenv})
	if ds.HasErrors() {
		ds.Sort()
		return report(stdio, ds, codeSpec, "in the profile with these variables")
	}
	filled := map[string]string{}
	var left []spec.Variable
	for _, v := range sortedVariables(s) {
		val, ok := vars[v.Name]
		if !ok {
			val, ok = stdio.Getenv(v.Name)
		}
		if ok && !v.Secret {
			filled[v.Name] = val
		} else {
			left = append(left, v)
		}
	}
	out := strings.Join(initHeader(name, opts, filled, left), "\n") + "\n\n" + fillIn(string(data), filled)
	// What was written in must leave a valid spec: a value can break the
	// YAML around it (a quote inside a quoted string, say).
	rest := map[string]string{}
	for _, v := range left {
		if val, ok := vars[v.Name]; ok {
			rest[v.Name] = val
		}
	}
	if _, ds := spec.Parse(initTarget(opts, name), []byte(out), spec.Options{Vars: rest, Getenv: stdio.Getenv}); ds.HasErrors() {
		ds.Sort()
		return report(stdio, ds, codeSpec, "in the copy with the values given: nothing was written")
	}
	if opts.Out == "-" {
		_, err := stdio.Out.Write([]byte(out))
		return err
	}
	path := initTarget(opts, name)
	if err := writeNew(path, []byte(out), opts.Force); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "Wrote %s from the built-in profile %q.\n", path, name)
	if len(left) > 0 {
		names := make([]string, len(left))
		for i, v := range left {
			names[i] = v.Name
		}
		fmt.Fprintf(stdio.Out, "Left as ${...}: %s (listed at the top of the file).\n", strings.Join(names, ", "))
	}
	fmt.Fprintf(stdio.Out, "Next: sfprov plan %s -o ORG\n", path)
	return nil
}

func initTarget(opts *InitOptions, name string) string {
	if opts.Out == "" || opts.Out == "-" {
		return name + ".yaml"
	}
	return opts.Out
}

// sortedVariables are the spec's variables in the order they are declared.
func sortedVariables(s *spec.Spec) []spec.Variable {
	out := make([]spec.Variable, 0, len(s.Variables))
	for _, v := range s.Variables {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pos.Line < out[j].Pos.Line })
	return out
}

// initHeader is the comment the copy starts with: where it came from, what
// was filled in and what is still ${NAME}, with each one's description.
func initHeader(name string, opts *InitOptions, filled map[string]string, left []spec.Variable) []string {
	lines := []string{fmt.Sprintf("# Written by `sfprov init --profile %s` from the built-in profile; edit it as you need.", name)}
	if len(filled) > 0 {
		names := make([]string, 0, len(filled))
		for n := range filled {
			names = append(names, n)
		}
		sort.Strings(names)
		lines = append(lines, "# Filled in: "+strings.Join(names, ", ")+".")
	}
	if len(left) > 0 {
		lines = append(lines, "# Still ${NAME}: set each with --var NAME=value or the environment, or change its default below.")
		for _, v := range left {
			line := "#   " + v.Name + ": " + v.Description
			switch {
			case v.Secret:
				line += " (secret: never written here)"
			case v.Default != nil && v.Placeholder:
				line += fmt.Sprintf(" (default %s, an example)", *v.Default)
			case v.Default != nil:
				line += fmt.Sprintf(" (default %s)", *v.Default)
			}
			lines = append(lines, line)
		}
	}
	return lines
}

var initVarRE = regexp.MustCompile(`\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// fillIn writes each filled variable's value in place of its ${NAME}
// (leaving $${, a literal, alone) and drops its declaration, which nothing
// uses any more.
func fillIn(text string, filled map[string]string) string {
	body := dropDeclarations(text, filled)
	return initVarRE.ReplaceAllStringFunc(body, func(m string) string {
		if m == "$${" {
			return m
		}
		v, ok := filled[m[2:len(m)-1]]
		if !ok {
			return m
		}
		// A value that holds "${" must stay text, not become a reference.
		return strings.ReplaceAll(v, "${", "$${")
	})
}

// dropDeclarations removes the filled variables from the top-level
// `variables:` block (each entry is its "  NAME:" line and the lines
// indented under it), and the block itself when none is left. The built-in
// profiles all declare their variables this way; their tests hold them to it.
func dropDeclarations(text string, filled map[string]string) string {
	lines := strings.SplitAfter(text, "\n")
	var out []string
	in, dropping, kept := false, false, 0
	header := -1
	for _, l := range lines {
		trimmed := strings.TrimRight(l, "\n")
		top := trimmed != "" && trimmed[0] != ' ' && trimmed[0] != '#'
		switch {
		case top && strings.HasPrefix(trimmed, "variables:"):
			in, header = true, len(out)
		case top:
			in = false
		case in && strings.HasPrefix(trimmed, "  ") && len(trimmed) > 2 && trimmed[2] != ' ' && trimmed[2] != '#':
			name, _, _ := strings.Cut(strings.TrimSpace(trimmed), ":")
			_, dropping = filled[name]
			if !dropping {
				kept++
			}
		}
		if in && dropping && trimmed != "" {
			continue
		}
		out = append(out, l)
	}
	if header >= 0 && kept == 0 {
		// No variable left: the key and the blank line after the block go.
		end := header + 1
		for end < len(out) && strings.TrimSpace(out[end]) == "" {
			end++
		}
		out = append(out[:header], out[end:]...)
	}
	return strings.Join(out, "")
}

// writeNew writes data to path; an existing file is an error unless force,
// and then it is replaced whole (a temporary file renamed over it).
func writeNew(path string, data []byte, force bool) error {
	if !force {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return &exitError{code: ExitError, kind: codeError, msg: fmt.Sprintf("%s exists: pass --force to replace it, or --out another file", path)}
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
