package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/export"
	"github.com/sfprov/sfprov/internal/state"
	"github.com/sfprov/sfprov/internal/target"
)

// ExportOptions are `sfprov export`'s inputs.
type ExportOptions struct {
	IO      IO
	Connect func(context.Context) (*target.Org, error)
	User    string // --user USERNAME
	Out     string // --out FILE; "" or "-" is stdout
	Force   bool   // --force: replace an existing FILE
	JSON    bool
}

// NewCmdExport is `sfprov export --user USERNAME -o ORG`; runF replaces
// exportRun in tests.
func NewCmdExport(f *Factory, runF func(context.Context, *ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{IO: f.IO, Connect: f.Connect}
	cmd := &cobra.Command{
		Use:   "export --user USERNAME [--out FILE]",
		Short: "Write a spec of an existing user: its profile, permission sets, licences and groups",
		Long: `export reads one user from the org and writes it as a spec (version 1): the
user's fields, its profile (a custom profile with its system permissions and
object and field access; a standard one by name), the permission sets
assigned to it (the org's own with their system, object, field, record type,
connected app and Apex class access; managed ones by name, assigned where
their package is installed), its permission set licences and its permission
set groups (the org's own with their sets). The username's domain and the
email become the variables ORG_DOMAIN and ADMIN_EMAIL, their defaults the
values read.

Applied to the same org, the export plans "No changes.". Nothing secret is
exported: no password, no token.`,
		Example: `  sfprov export --user svc@acme.com -o dev
  sfprov export --user svc@acme.com -o dev --out svc.yaml
  sfprov plan svc.yaml -o dev                    # No changes.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.User == "" {
				return &usageError{errors.New("export needs --user USERNAME (the user's full login name, e.g. svc@acme.com)")}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.User, "user", "", "the username of the user to export")
	cmd.Flags().StringVar(&opts.Out, "out", "", "write the spec to FILE (default: stdout)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace FILE if it exists")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the spec in one JSON document (docs/json.md)")
	return cmd
}

// exportDoc is export's JSON result.
type exportDoc struct {
	Target   string `json:"target"`
	Username string `json:"username"`
	File     string `json:"file,omitempty"` // where the spec was written, with --out
	Spec     string `json:"spec"`           // the spec's YAML
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	o, err := opts.Connect(ctx)
	if err != nil {
		return err
	}
	res, err := export.Export(ctx, o.Client, opts.User, export.Options{})
	if errors.Is(err, state.ErrNoUser) {
		return &exitError{code: ExitError, kind: codeNotFound, msg: fmt.Sprintf("export: %v", err)}
	}
	if err != nil {
		return orgError(o, o.Name, "export from", err)
	}
	toFile := opts.Out != "" && opts.Out != "-"
	if toFile {
		if err := writeNew(opts.Out, res.YAML, opts.Force); err != nil {
			return err
		}
	}
	if opts.JSON {
		doc := exportDoc{Target: o.Name, Username: res.Spec.Users[0].Username.Value, Spec: string(res.YAML)}
		if toFile {
			doc.File = opts.Out
		}
		opts.IO.setResult(doc)
		opts.IO.addWarnings(res.Warnings...)
		return nil
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(opts.IO.Err, "Warning: %s\n", w)
	}
	if !toFile {
		_, err := opts.IO.Out.Write(res.YAML)
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Wrote %s: user %s from %s.\nNext: sfprov plan %s -o %s   (No changes. on this org)\n", opts.Out, opts.User, o.Name, opts.Out, o.Name)
	return nil
}
