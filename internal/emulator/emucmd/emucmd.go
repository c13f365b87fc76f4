// Package emucmd is the `emulator` command: `emulator serve` runs the
// emulator org over HTTP until interrupted.
package emucmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/emulator"
)

// New returns the `emulator` command with its `serve` subcommand.
func New() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "emulator",
		Example: "  sfprov emulator serve --addr 127.0.0.1:8080 --access-token '00D000000000001AAA!AQlocal'",
		Short:   "Run the local Salesforce org emulator",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newServe())
	return cmd
}

type serveFlags struct {
	addr, token, seed, state        string
	refreshToken                    string
	clientID, clientSecret, jwtCert string
	tokenLifetime, latency          time.Duration
	faults                          []string
	faultSeed                       int64
	psgDelay                        time.Duration
	deployPolls, installPolls       int
	dailyLimit                      int
	callbackURLs, oauthScopes       []string
	secretOptional                  bool
}

func newServe() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use: "serve",
		Example: `  sfprov emulator serve --addr 127.0.0.1:0 --access-token "$TOKEN"
  SF_ACCESS_TOKEN="$TOKEN" sf org login access-token --instance-url http://127.0.0.1:PORT --alias emu --no-prompt
  sfprov plan spec.yaml -o emu`,
		Short: "Serve the emulator org over HTTP",
		Long: `Serve the emulator org over HTTP until interrupted (SIGINT or SIGTERM).

When listening, one line goes to standard output:
  Emulator org listening at http://127.0.0.1:PORT
which is the org's instance URL. Without --access-token a token is generated
and printed on standard error as "Access token: ...".

Fault specs (--fault, repeatable) are comma-separated key=value lists:
  nth=3,status=503                      fail the 3rd API request
  every=5,status=503,code=SERVER_UNAVAILABLE
  rate=0.2,status=500,code=UNABLE_TO_LOCK_ROW,message=unable to obtain exclusive access to this record
  nth=2,status=401                      (INVALID_SESSION_ID by default)
  nth=4,expire-tokens                   expire every issued token
  path=/services/data/*/composite*      only requests whose path matches
rate= faults are deterministic for a given --fault-seed.

OAuth: the connected app of --client-id takes the password, refresh_token,
JWT bearer (--jwt-cert) and client_credentials grants, and the web server
flow: GET /services/oauth2/authorize?response_type=code&client_id=...&
redirect_uri=...[&code_challenge=...&state=...&scope=...] answers a login
form (no browser session, no consent page); posting it with a seed user's
username and password redirects to redirect_uri?code=...&state=..., and
grant_type=authorization_code exchanges the code (PKCE S256). redirect_uri
must be one of the --callback-url values. The code exchange needs
--client-secret unless --consumer-secret-optional is given (a public client).
A refresh token is issued only when --oauth-scope includes refresh_token;
issued refresh tokens are kept in --state and survive a restart, access
tokens do not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runServe(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (127.0.0.1:0 picks a free port)")
	fl.StringVar(&f.token, "access-token", "", "bearer token always accepted as the admin user (default: generated and printed)")
	fl.StringVar(&f.refreshToken, "refresh-token", "", "a refresh token always accepted for the admin user (refresh_token grant)")
	fl.StringVar(&f.seed, "seed", "", "seed YAML file describing the org beyond the default")
	fl.StringVar(&f.state, "state", "", "state file: loaded if it exists, saved after every change")
	fl.StringVar(&f.clientID, "client-id", "", "connected app consumer key")
	fl.StringVar(&f.clientSecret, "client-secret", "", "connected app consumer secret")
	fl.StringVar(&f.jwtCert, "jwt-cert", "", "PEM certificate for the JWT bearer grant")
	fl.DurationVar(&f.tokenLifetime, "token-lifetime", 2*time.Hour, "lifetime of issued access tokens")
	fl.DurationVar(&f.latency, "latency", 0, "latency added to every request")
	fl.StringArrayVar(&f.faults, "fault", nil, "fault spec (repeatable; see above)")
	fl.Int64Var(&f.faultSeed, "fault-seed", 1, "seed for rate= faults")
	fl.DurationVar(&f.psgDelay, "psg-recalc-delay", 2*time.Second, "how long a permission set group stays Updating after a change")
	fl.IntVar(&f.deployPolls, "deploy-polls", 1, "status reads of a Metadata deploy that answer InProgress before its final status (0 = none)")
	fl.IntVar(&f.installPolls, "install-polls", 1, "status reads of a PackageInstallRequest that answer IN_PROGRESS before SUCCESS or ERROR (0 = none)")
	fl.IntVar(&f.dailyLimit, "daily-api-limit", emulator.DailyAPILimit, "DailyApiRequests allowance; past it every API request answers 403 REQUEST_LIMIT_EXCEEDED")
	fl.StringArrayVar(&f.callbackURLs, "callback-url", nil, "a callback URL of the connected app: the web server flow's redirect_uri must equal one (repeatable)")
	fl.StringArrayVar(&f.oauthScopes, "oauth-scope", nil, `a selected OAuth scope of the connected app, e.g. "api" or "refresh_token" (repeatable, or space/comma separated; default api)`)
	fl.BoolVar(&f.secretOptional, "consumer-secret-optional", false, `deselect the app's "Require Secret for Web Server Flow": the code exchange accepts no client_secret`)
	return cmd
}

func runServe(cmd *cobra.Command, f serveFlags) error {
	opts := emulator.Options{
		AccessToken:    f.token,
		StatePath:      f.state,
		ClientID:       f.clientID,
		ClientSecret:   f.clientSecret,
		TokenLifetime:  f.tokenLifetime,
		Latency:        f.latency,
		Faults:         f.faults,
		FaultSeed:      f.faultSeed,
		PSGRecalcDelay: f.psgDelay,
		DeployPolls:    pollsOption(f.deployPolls),
		InstallPolls:   pollsOption(f.installPolls),
		RefreshToken:   f.refreshToken,
		DailyAPILimit:  f.dailyLimit,

		CallbackURLs:           f.callbackURLs,
		ConsumerSecretOptional: f.secretOptional,
		OAuthScopes:            splitScopes(f.oauthScopes),
	}
	if f.seed != "" {
		s, err := emulator.LoadSeed(f.seed)
		if err != nil {
			return err
		}
		opts.Seed = s
	}
	if f.jwtCert != "" {
		pem, err := os.ReadFile(f.jwtCert)
		if err != nil {
			return fmt.Errorf("read --jwt-cert: %w", err)
		}
		opts.JWTCertPEM = pem
	}
	generated := false
	if opts.AccessToken == "" {
		generated = true
	}
	org, err := emulator.New(opts)
	if err != nil {
		return err
	}
	if generated {
		// The token must exist before the org can accept it, so the org is
		// made again with it; its Ids do not change (same seed, same counter).
		tok, err := emulator.RandomToken(org.OrgID())
		if err != nil {
			return err
		}
		opts.AccessToken = tok
		if org, err = emulator.New(opts); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	srv := &http.Server{Handler: org, ReadHeaderTimeout: 30 * time.Second}
	fmt.Fprintf(cmd.OutOrStdout(), "Emulator org listening at http://%s\n", ln.Addr().String())
	if generated {
		fmt.Fprintf(cmd.ErrOrStderr(), "Access token: %s\n", opts.AccessToken)
	}
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// splitScopes reads --oauth-scope values, each one scope or a list separated
// by spaces or commas (the form Salesforce's scope parameter and the
// Metadata API's comma-separated lists take).
func splitScopes(values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })...)
	}
	return out
}

// pollsOption maps a --*-polls flag (0 = none) to the Options field (0 = 1, negative = none).
func pollsOption(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}
