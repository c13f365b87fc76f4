package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/perms"
	"github.com/sfprov/sfprov/internal/state"
	"github.com/sfprov/sfprov/internal/target"
	"github.com/sfprov/sfprov/internal/verify"
)

// VerifyOptions are `sfprov verify`'s inputs.
type VerifyOptions struct {
	IO      IO
	Connect func(context.Context) (*target.Org, error)
	Spec    SpecInput
}

// NewCmdVerify is `sfprov verify FILE... -o ORG`; runF replaces verifyRun
// in tests.
func NewCmdVerify(f *Factory, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IO, Connect: f.Connect}
	cmd := &cobra.Command{
		Use:   "verify FILE...",
		Short: "Check that the org holds what the spec says, as a guide's troubleshooting does",
		Long: `verify reads the org and checks, without changing anything: that every block of
the spec holds (each step apply would take is a failed check naming it,
configuration records and remote sites included), that each user is active,
which powerful permissions (Modify All Data, View All Data, Manage Users,
Customize Application, Author Apex) a user holds (beyond what the spec asks
for they fail the check: least privilege), how each user's logins of the
last 30 days went (the last one failed: fail; an earlier failure: warn),
the user's OAuth tokens (app, when granted and last used, uses): none for an
app the spec gives the user warns (the vendor has not connected), one unused
for 90 days warns (stale), one older than the app's refreshToken expireAfter
fails (expired: the vendor must reconnect), when the password of a user the
spec gives one expires (Password Never Expires, or 90 days after its last
change, Salesforce's default; expired fails, within 14 days warns), that
each remote site is active, and that each permission set group is Updated.
Exit 1 when a check fails. The running user sees other users' login history
only with Manage Users, and their tokens only with Customize Application.`,
		Example: `  sfprov verify spec.yaml -o dev
  sfprov verify --profile coconut -o dev --json`,
		Args: specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			opts.Spec.Files = files
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	addVarFlag(cmd, &opts.Spec)
	cmd.Flags().BoolVar(&opts.Spec.JSON, "json", false, "print the checks as one JSON document (docs/json.md)")
	return cmd
}

// verifyDoc is verify's JSON result.
type verifyDoc struct {
	Target string         `json:"target"`
	Passed bool           `json:"passed"`
	Checks []verify.Check `json:"checks"`
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
	s, resolve, err := loadSpec(opts.IO, &opts.Spec)
	if err != nil {
		return err
	}
	o, err := opts.Connect(ctx)
	if err != nil {
		return err
	}
	p, st, err := planOrgState(ctx, o, opts.IO, &opts.Spec, s, resolve)
	if err != nil {
		return err
	}
	// One more round trip, whatever the spec: the users' assignments,
	// tokens, logins and password expiry, four queries in one composite.
	users := map[string]string{}
	for _, u := range s.Users {
		id := ""
		if cur := st.Users[strings.ToLower(u.Username.Value)]; cur != nil {
			id = cur.ID
		}
		users[u.Username.Value] = id
	}
	// And what you hold yourself (no more queries): without Manage Users
	// or Customize Application the org hides other users' logins or tokens.
	if _, listed := users[st.Username]; !listed && st.Username != "" {
		users[st.Username] = ""
	}
	audit, err := state.ReadAudit(ctx, o.Client, users, verify.Fields())
	if err != nil {
		return orgError(o, o.Name, "verify", err)
	}
	checks := verify.Run(s, st, p, perms.Requires, audit, time.Now())
	failed := verify.Failed(checks)
	if opts.Spec.JSON {
		opts.IO.setResult(verifyDoc{Target: p.Target.String(), Passed: !failed, Checks: checks})
	} else {
		out := opts.IO.Out
		fmt.Fprintf(out, "Target org: %s\n\n", p.Target)
		var table strings.Builder
		tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
		for _, c := range checks {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Status, c.Check, c.Detail)
		}
		tw.Flush()
		for _, line := range strings.SplitAfter(table.String(), "\n") {
			// A check without detail would end in the padding of its column.
			if line != "" {
				fmt.Fprintln(out, strings.TrimRight(line, " \n"))
			}
		}
	}
	if failed {
		n := 0
		for _, c := range checks {
			if c.Status == verify.Fail {
				n++
			}
		}
		return &exitError{code: ExitError, kind: codeVerifyFailed, msg: fmt.Sprintf("%d of %d checks failed against %s", n, len(checks), p.Target)}
	}
	if !opts.Spec.JSON {
		fmt.Fprintf(opts.IO.Out, "\nAll %d checks passed.\n", len(checks))
	}
	return nil
}
