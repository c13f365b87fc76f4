package cli

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sfprov/sfprov/internal/target"
)

// TestNewCmdAuthLogin: flags (and their environment defaults) become the
// login request; a flow missing what it needs is a usage error. No login runs.
func TestNewCmdAuthLogin(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		want    target.LoginRequest
		wantErr string
	}{
		{name: "jwt sandbox", args: []string{"--jwt", "--client-id", "CID", "--key-file", "k.pem", "--username", "ci@acme.com", "--sandbox", "--alias", "ci"},
			want: target.LoginRequest{Alias: "ci", Flow: target.FlowJWT, ClientID: "CID", KeyFile: "k.pem", Username: "ci@acme.com", Sandbox: true, CallbackPort: 1717}},
		{name: "jwt from the environment", args: []string{"--jwt", "--alias", "ci", "--login-url", "https://acme--uat.sandbox.my.salesforce.com"},
			env:  map[string]string{"SFPROV_CLIENT_ID": "CID", "SFPROV_JWT_KEY_FILE": "/k", "SFPROV_USERNAME": "u@x.com"},
			want: target.LoginRequest{Alias: "ci", Flow: target.FlowJWT, ClientID: "CID", KeyFile: "/k", Username: "u@x.com", LoginURL: "https://acme--uat.sandbox.my.salesforce.com", CallbackPort: 1717}},
		{name: "web", args: []string{"--web", "--client-id", "CID", "--alias", "dev", "--callback-port", "8765"},
			want: target.LoginRequest{Alias: "dev", Flow: target.FlowWeb, ClientID: "CID", CallbackPort: 8765}},
		{name: "sfdx url", args: []string{"--sfdx-url-file", "auth.json", "-a", "dev"},
			want: target.LoginRequest{Alias: "dev", Flow: target.FlowSfdxURL, SfdxURLFile: "auth.json", CallbackPort: 1717}},
		{name: "two flows", args: []string{"--web", "--jwt", "--alias", "x"}, wantErr: "choose exactly one way to log in: --web, --jwt, --client-credentials or --sfdx-url-file FILE"},
		{name: "no alias", args: []string{"--web", "--client-id", "CID"}, wantErr: "auth login needs --alias NAME: the name to use with -o"},
		{name: "bad alias", args: []string{"--web", "--client-id", "CID", "--alias", "a/b"}, wantErr: `alias "a/b": use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit)`},
		{name: "web without client id", args: []string{"--web", "--alias", "dev"}, wantErr: "--web needs --client-id: the consumer key of an External Client App or connected app whose callback URL is http://localhost:1717/OauthRedirect (docs/auth.md)"},
		{name: "jwt without key", args: []string{"--jwt", "--client-id", "C", "--username", "u", "--alias", "ci"}, wantErr: "--jwt needs --key-file (or SFPROV_JWT_KEY_FILE)"},
		{name: "-o is not the alias", args: []string{"--web", "--client-id", "C", "--alias", "a", "-o", "b"}, wantErr: "auth login names its org with --alias, not -o"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *LoginOptions
			var out bytes.Buffer
			stdio := IO{Out: &out, Err: &out, Getenv: func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }, secrets: &redactor{}}
			f := &Factory{IO: stdio, g: &globalFlags{}}
			root := newRootWith(f)
			// Swap in a login command whose run only records its options.
			for _, c := range root.Commands() {
				if c.Name() == "auth" {
					for _, sub := range c.Commands() {
						if sub.Name() == "login" {
							c.RemoveCommand(sub)
						}
					}
					c.AddCommand(NewCmdAuthLogin(f, func(_ context.Context, o *LoginOptions) error { got = o; return nil }))
				}
			}
			root.SetArgs(append([]string{"auth", "login"}, tc.args...))
			root.SetOut(&out)
			root.SetErr(&out)
			err := root.Execute()
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if _, ok := err.(*usageError); !ok {
					t.Errorf("err is %T, want a usage error (exit 64)", err)
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("err = %v, options recorded: %v", err, got != nil)
			}
			if diff := cmp.Diff(tc.want, got.Request, cmpopts.IgnoreFields(target.LoginRequest{}, "OpenBrowser")); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}
