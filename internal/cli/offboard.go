package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/state"
)

// NewCmdOffboard is `sfprov offboard FILE...` (alias destroy, Terraform's
// word); runF replaces offboardRun in tests. It takes apply's options: it
// is an apply of the plan that removes what the spec gave.
func NewCmdOffboard(f *Factory, runF func(context.Context, *ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{IO: f.IO, Connect: f.Connect}
	cmd := &cobra.Command{
		Use:     "offboard FILE...",
		Aliases: []string{"destroy"},
		Short:   "Remove what the spec gave: users deactivated, their tokens and assignments, the spec's sets, groups and remote sites",
		Long: `offboard plans, shows and then removes what the spec gave, when a vendor's
contract ends: the spec's users are deactivated (Salesforce never deletes
users), every OAuth token they granted an app is revoked (the running user
needs Customize Application to see other users' tokens), and they lose the
permission sets, groups and licences the spec names; the
spec's own permission set groups, permission sets and remote sites are
deleted. Nothing the spec did not create or name is touched (a managed
package's sets, the user's other assignments, the spec's profiles, which an
inactive user still holds). A second run says "No changes.".`,
		Example: `  sfprov offboard spec.yaml -o dev          # shows the plan, asks for "yes"
  sfprov destroy --profile coconut -o ci --yes --json`,
		Args: specFiles,
		RunE: func(cmd *cobra.Command, files []string) error {
			opts.Spec.Files = files
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return offboardRun(cmd.Context(), opts)
		},
	}
	addVarFlag(cmd, &opts.Spec)
	cmd.Flags().BoolVar(&opts.Spec.JSON, "json", false, "print the outcome (the plan with every step's status, or the error) as one JSON document on stdout (docs/json.md)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "remove without asking for confirmation (required without a terminal)")
	return cmd
}

func offboardRun(ctx context.Context, opts *ApplyOptions) error {
	stdio := opts.IO
	s, resolve, err := loadSpec(stdio, &opts.Spec)
	if err != nil {
		return err
	}
	o, err := opts.Connect(ctx)
	if err != nil {
		return err
	}
	st, err := state.Read(ctx, o.Client, state.NeedsOf(s))
	if err != nil {
		return orgError(o, o.Name, "read the org", err)
	}
	// The spec's users' OAuth tokens: one query more.
	users := map[string]string{}
	for _, u := range s.Users {
		if cur := st.Users[strings.ToLower(u.Username.Value)]; cur != nil {
			users[u.Username.Value] = cur.ID
		}
	}
	// And whether you may see them: without Customize Application the org
	// answers only your own OauthToken rows (same query as the users').
	others := len(users) > 0
	if _, listed := users[st.Username]; !listed && st.Username != "" {
		users[st.Username] = ""
	} else {
		others = len(users) > 1
	}
	tokens, err := state.ReadTokens(ctx, o.Client, users, []string{"PermissionsCustomizeApplication"})
	if err != nil {
		return orgError(o, o.Name, "read the users' OAuth tokens", err)
	}
	p, ds := plan.Offboard(s, st, tokens, planOptions(o, st, stdio, resolve))
	if ds.HasErrors() {
		return report(stdio, ds, codeOrgMismatch, "between the spec and "+p.Target.String())
	}
	if held, read := tokens.Held[strings.ToLower(st.Username)]; read && others && !held["PermissionsCustomizeApplication"] {
		p.Warnings = append(p.Warnings, "you ("+st.Username+") lack Customize Application: Salesforce shows you only your own OAuth tokens, so this offboard revokes none of the spec's users' tokens; run it as an admin who has that permission")
	}
	doc, _, err := applyPass(ctx, opts, o, p, true)
	stdio.setResult(doc)
	return err
}
