package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/target"
)

// NewCmdAuth is `sfprov auth`: logins saved under an alias.
func NewCmdAuth(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Log in to orgs once and name them with -o ALIAS",
		Example: `  sfprov auth login --web --client-id 3MVG9... --alias dev
  sfprov auth list
  sfprov auth status -o dev
  sfprov auth logout -o dev`,
		Long: `Logins are saved under the configuration directory ($SFPROV_HOME when set,
else ~/.config/sfprov), one file per org with mode 0600, and renew their own
sessions (refresh token, or a new JWT). Orgs the sf CLI has authorised work
with -o too, without a login here.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(withEnv(NewCmdAuthLogin(f, nil), "", envLogin...), withEnv(NewCmdAuthList(f, nil), "", envStore...),
		withEnv(NewCmdAuthStatus(f, nil), "", envTarget...), withEnv(NewCmdAuthLogout(f, nil), "", envStore...))
	return cmd
}

// LoginOptions are `sfprov auth login`'s inputs.
type LoginOptions struct {
	IO      IO
	Target  func() target.Options
	Request target.LoginRequest
	// SecretFile holds the client secret (else SFPROV_CLIENT_SECRET, then
	// SFPROV_CLIENT_SECRET_FILE).
	SecretFile string
	NoBrowser  bool
	JSON       bool
}

// NewCmdAuthLogin is `sfprov auth login`; runF replaces loginRun in tests.
func NewCmdAuthLogin(f *Factory, runF func(context.Context, *LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{IO: f.IO, Target: f.targetOptions}
	var web, jwtFlow, cc bool
	cmd := &cobra.Command{
		Use:   "login --alias NAME (--web | --jwt | --client-credentials | --sfdx-url-file FILE)",
		Short: "Log in to an org and save the login under an alias",
		Long: `Log in once; then name the org with -o ALIAS. Exactly one way to log in:

  --web                 a browser login (authorization code with PKCE) through
                        http://localhost:1717/OauthRedirect, which must be a
                        callback URL of the app named by --client-id
  --jwt                 the JWT bearer flow: --client-id, --key-file, --username
                        (what CI uses; the app must hold the key's certificate)
  --client-credentials  the client credentials flow: --client-id, with the
                        secret in SFPROV_CLIENT_SECRET or --client-secret-file;
                        --instance-url must be the org's My Domain URL
  --sfdx-url-file FILE  the force://... URL that "sf org auth show-sfdx-auth-url
                        --json" prints as sfdxAuthUrl (the whole answer will do)

Sandboxes log in at https://test.salesforce.com: pass --sandbox (or
--login-url with the sandbox's My Domain URL).

--client-id, --username and --key-file default to SFPROV_CLIENT_ID,
SFPROV_USERNAME and SFPROV_JWT_KEY_FILE.`,
		Example: `  sfprov auth login --web --client-id 3MVG9... --alias dev
  sfprov auth login --web --client-id 3MVG9... --sandbox --alias uat
  sfprov auth login --jwt --client-id 3MVG9... --key-file server.key --username ci@acme.com --sandbox --alias ci
  SFPROV_CLIENT_SECRET=... sfprov auth login --client-credentials --client-id 3MVG9... --instance-url https://acme.my.salesforce.com --alias acme
  sf org auth show-sfdx-auth-url --json -o dev > auth.json && sfprov auth login --sfdx-url-file auth.json --alias dev`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := &opts.Request
			n := 0
			for _, on := range []bool{web, jwtFlow, cc, r.SfdxURLFile != ""} {
				if on {
					n++
				}
			}
			if n != 1 {
				return &usageError{errors.New("choose exactly one way to log in: --web, --jwt, --client-credentials or --sfdx-url-file FILE")}
			}
			switch {
			case web:
				r.Flow = target.FlowWeb
			case jwtFlow:
				r.Flow = target.FlowJWT
			case cc:
				r.Flow = target.FlowClientCredentials
			default:
				r.Flow = target.FlowSfdxURL
			}
			t := opts.Target()
			env := func(k string) string { v, _ := opts.IO.Getenv(k); return v }
			r.InstanceURL, r.LoginURL = t.InstanceURL, t.LoginURL
			if r.LoginURL == "" {
				r.LoginURL = env("SFPROV_LOGIN_URL")
			}
			if t.TargetOrg != "" {
				return &usageError{errors.New("auth login names its org with --alias, not -o")}
			}
			if r.ClientID == "" {
				r.ClientID = env("SFPROV_CLIENT_ID")
			}
			if r.Username == "" {
				r.Username = env("SFPROV_USERNAME")
			}
			if r.KeyFile == "" {
				r.KeyFile = env("SFPROV_JWT_KEY_FILE")
			}
			if err := checkLoginFlags(r); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Request.Alias, "alias", "a", "", "the name to use with -o (required)")
	fl.BoolVar(&web, "web", false, "log in in a browser (authorization code + PKCE)")
	fl.BoolVar(&jwtFlow, "jwt", false, "log in with the JWT bearer flow")
	fl.BoolVar(&cc, "client-credentials", false, "log in with the client credentials flow")
	fl.StringVar(&opts.Request.SfdxURLFile, "sfdx-url-file", "", "log in with the sf CLI's force:// auth URL from this file")
	fl.StringVar(&opts.Request.ClientID, "client-id", "", "consumer key of the External Client App or connected app (env SFPROV_CLIENT_ID)")
	fl.StringVar(&opts.Request.KeyFile, "key-file", "", "JWT: PEM private key whose certificate the app holds (env SFPROV_JWT_KEY_FILE)")
	fl.StringVar(&opts.Request.Username, "username", "", "JWT: the user to log in as (env SFPROV_USERNAME)")
	fl.StringVar(&opts.SecretFile, "client-secret-file", "", "file holding the consumer secret (else env SFPROV_CLIENT_SECRET or SFPROV_CLIENT_SECRET_FILE)")
	fl.BoolVar(&opts.Request.Sandbox, "sandbox", false, "log in at https://test.salesforce.com")
	fl.IntVar(&opts.Request.CallbackPort, "callback-port", target.DefaultCallbackPort, "web: the loopback port of the callback URL http://localhost:PORT/OauthRedirect")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "web: print the login URL instead of opening a browser")
	fl.BoolVar(&opts.JSON, "json", false, "print the saved login (never its tokens), or the error, as one JSON document (docs/json.md)")
	return cmd
}

// checkLoginFlags says which flag a flow is missing.
func checkLoginFlags(r *target.LoginRequest) error {
	missing := func(what string) error { return &usageError{fmt.Errorf("--%s needs %s", r.Flow, what)} }
	if r.Alias == "" {
		return &usageError{errors.New("auth login needs --alias NAME: the name to use with -o")}
	}
	if err := target.CheckAlias(r.Alias); err != nil {
		return &usageError{err}
	}
	switch r.Flow {
	case target.FlowJWT:
		switch {
		case r.ClientID == "":
			return missing("--client-id (or SFPROV_CLIENT_ID)")
		case r.KeyFile == "":
			return missing("--key-file (or SFPROV_JWT_KEY_FILE)")
		case r.Username == "":
			return missing("--username (or SFPROV_USERNAME)")
		}
	case target.FlowClientCredentials:
		if r.ClientID == "" {
			return missing("--client-id (or SFPROV_CLIENT_ID)")
		}
		if r.InstanceURL == "" {
			return missing("--instance-url: the org's My Domain URL (the flow does not work at login.salesforce.com)")
		}
	case target.FlowWeb:
		if r.ClientID == "" {
			return missing("--client-id: the consumer key of an External Client App or connected app whose callback URL is " + target.CallbackURL(r.CallbackPort) + " (docs/auth.md)")
		}
	}
	return nil
}

func (opts *LoginOptions) clientSecret() (string, error) {
	file := opts.SecretFile
	if file == "" {
		if v, ok := opts.IO.Getenv("SFPROV_CLIENT_SECRET"); ok && v != "" {
			return v, nil
		}
		file, _ = opts.IO.Getenv("SFPROV_CLIENT_SECRET_FILE")
	}
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", exitWith(ExitAuth, "read the client secret: %v", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	r := opts.Request
	secret, err := opts.clientSecret()
	if err != nil {
		return err
	}
	opts.IO.secrets.add(secret)
	if r.Flow == target.FlowClientCredentials && secret == "" {
		return &usageError{errors.New("--client-credentials needs the consumer secret: set SFPROV_CLIENT_SECRET or pass --client-secret-file FILE")}
	}
	if r.Flow == target.FlowClientCredentials || r.Flow == target.FlowWeb {
		r.ClientSecret = secret
	}
	r.OpenBrowser = func(u string) error {
		fmt.Fprintf(opts.IO.Err, "Log in to Salesforce in your browser at:\n\n  %s\n\nWaiting for the login to come back to %s ...\n", u, target.CallbackURL(r.CallbackPort))
		switch {
		case opts.NoBrowser:
			return nil
		case opts.IO.Browser != nil:
			return opts.IO.Browser(u)
		}
		return target.OpenBrowser(u)
	}
	l, err := target.DoLogin(ctx, opts.Target(), r)
	if err != nil {
		return targetError(err)
	}
	sum := l.Summary()
	if opts.JSON {
		opts.IO.setResult(sum)
		return nil
	}
	fmt.Fprintf(opts.IO.Out, "Logged in to %s (%s, %s) as %s, org %s.\nUse it with -o %s.\n", l.Alias, sum.Kind, l.InstanceURL, l.Username, l.OrgID, l.Alias)
	return nil
}

// ListOptions are `sfprov auth list`'s inputs.
type ListOptions struct {
	IO     IO
	Target func() target.Options
	JSON   bool
}

// NewCmdAuthList is `sfprov auth list`; runF replaces listRun in tests.
func NewCmdAuthList(f *Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IO, Target: f.targetOptions}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the saved logins (never their tokens)",
		Example: "  sfprov auth list\n  sfprov auth list --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the logins, or the error, as one JSON document (docs/json.md)")
	return cmd
}

func listRun(_ context.Context, opts *ListOptions) error {
	all, err := target.Logins(opts.Target())
	if err != nil {
		return exitWith(ExitError, "%v", err)
	}
	sums := []target.Summary{}
	for _, l := range all {
		sums = append(sums, l.Summary())
	}
	if opts.JSON {
		opts.IO.setResult(authListDoc{Logins: sums})
		return nil
	}
	if len(sums) == 0 {
		fmt.Fprintln(opts.IO.Out, "No saved logins. Log in with: sfprov auth login --alias NAME --web --client-id ID (see sfprov auth login --help).")
		fmt.Fprintln(opts.IO.Out, "Orgs the sf CLI knows (sf org list) work with -o as well.")
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ALIAS\tUSERNAME\tKIND\tINSTANCE\tLOGIN")
	for _, s := range sums {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Alias, s.Username, s.Kind, s.InstanceURL, s.Flow)
	}
	return tw.Flush()
}

// StatusOptions are `sfprov auth status`'s inputs.
type StatusOptions struct {
	IO      IO
	Connect func(context.Context) (*target.Org, error)
	JSON    bool
}

// NewCmdAuthStatus is `sfprov auth status -o ORG`; runF replaces statusRun in tests.
func NewCmdAuthStatus(f *Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IO, Connect: f.Connect}
	cmd := &cobra.Command{
		Use:   "status -o ORG",
		Short: "Show who sfprov acts as in an org, and whether the session works",
		Example: `  sfprov auth status -o ci
  sfprov auth status -o my-sf-alias --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the status, or the error, as one JSON document (docs/json.md)")
	return cmd
}

// orgStatus is what `auth status` shows; it holds no secret.
type orgStatus struct {
	Name        string `json:"name"`
	Source      string `json:"source"`
	Kind        string `json:"kind"`
	InstanceURL string `json:"instanceUrl"`
	Username    string `json:"username"`
	UserID      string `json:"userId"`
	OrgID       string `json:"orgId"`
	OrgName     string `json:"orgName"`
	APIVersion  string `json:"apiVersion"`
	Connected   bool   `json:"connected"`
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	o, err := opts.Connect(ctx)
	if err != nil {
		return err
	}
	id, err := o.Client.Identify(ctx)
	if err != nil {
		return orgError(o, o.Name, "check the session of", err)
	}
	st := orgStatus{Name: o.Name, Source: o.Source, Kind: o.Kind(id.IsSandbox), InstanceURL: o.InstanceURL,
		Username: id.Username, UserID: id.UserID, OrgID: id.OrgID, OrgName: id.OrgName, APIVersion: o.Client.APIVersion(), Connected: true}
	if opts.JSON {
		opts.IO.setResult(st)
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Org:\t%s (%s)\n", st.Name, st.Source)
	fmt.Fprintf(tw, "Kind:\t%s\n", st.Kind)
	if st.InstanceURL != "" {
		fmt.Fprintf(tw, "Instance:\t%s\n", st.InstanceURL)
	}
	fmt.Fprintf(tw, "User:\t%s (%s)\n", st.Username, st.UserID)
	fmt.Fprintf(tw, "Org Id:\t%s (%s)\n", st.OrgID, st.OrgName)
	fmt.Fprintf(tw, "API version:\t%s\n", st.APIVersion)
	fmt.Fprintf(tw, "Session:\tworks\n")
	return tw.Flush()
}

// authListDoc is `auth list --json`'s result.
type authListDoc struct {
	Logins []target.Summary `json:"logins"`
}

// LogoutOptions are `sfprov auth logout`'s inputs.
type LogoutOptions struct {
	IO     IO
	Target func() target.Options
	JSON   bool
}

// NewCmdAuthLogout is `sfprov auth logout -o ALIAS`; runF replaces logoutRun in tests.
func NewCmdAuthLogout(f *Factory, runF func(context.Context, *LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{IO: f.IO, Target: f.targetOptions}
	cmd := &cobra.Command{
		Use:     "logout -o ALIAS",
		Short:   "Revoke a saved login's token at the org and forget the login",
		Example: "  sfprov auth logout -o ci",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Target().TargetOrg == "" {
				return &usageError{errors.New("auth logout needs -o ALIAS: the saved login to forget (sfprov auth list)")}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the forgotten login, or the error, as one JSON document (docs/json.md)")
	return cmd
}

func logoutRun(ctx context.Context, opts *LogoutOptions) error {
	t := opts.Target()
	l, err := target.Logout(ctx, t, t.TargetOrg)
	if err != nil {
		return targetError(err)
	}
	if opts.JSON {
		opts.IO.setResult(l.Summary())
		return nil
	}
	fmt.Fprintf(opts.IO.Out, "Logged out of %s (%s as %s): its token is revoked and the login forgotten.\n", l.Alias, l.InstanceURL, l.Username)
	return nil
}
