package target

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// SFOrg is an org the sf CLI has authorised, as sfprov uses it.
type SFOrg struct {
	Alias, Username, OrgID, InstanceURL string
	AccessToken                         string
}

// SFCLI asks the sf CLI about the orgs it has authorised.
type SFCLI interface {
	// Org returns the org sf knows as name (alias or username), or nil
	// when sf does not know it.
	Org(ctx context.Context, name string) (*SFOrg, error)
	// Names lists the aliases and usernames sf knows.
	Names(ctx context.Context) ([]string, error)
}

// ErrNoSF means the sf CLI is not on PATH.
var ErrNoSF = errors.New("the sf CLI is not on PATH")

// ExecSF runs the sf CLI found on PATH (docs/sf-cli.md has the commands and
// the JSON they answer with, checked with sf 2.146.3).
type ExecSF struct{}

// sfAnswer is sf's --json envelope.
type sfAnswer struct {
	Status  int             `json:"status"`
	Name    string          `json:"name"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Result  json.RawMessage `json:"result"`
}

func (ExecSF) run(ctx context.Context, args ...string) (*sfAnswer, error) {
	path, err := exec.LookPath("sf")
	if err != nil {
		return nil, ErrNoSF
	}
	cmd := exec.CommandContext(ctx, path, append(args, "--json")...)
	// Plain JSON on stdout, and no updater started behind our back
	// (docs/sf-cli.md: sf colours even --json output under FORCE_COLOR).
	cmd.Env = append(os.Environ(), "FORCE_COLOR=0", "SF_SKIP_NEW_VERSION_CHECK=true", "SF_DISABLE_AUTOUPDATE=true", "SF_AUTOUPDATE_DISABLE=true")
	var out bytes.Buffer
	cmd.Stdout = &out
	runErr := cmd.Run()
	var a sfAnswer
	if err := json.Unmarshal(out.Bytes(), &a); err != nil {
		if runErr != nil {
			return nil, fmt.Errorf("sf %s: %w", strings.Join(args[:2], " "), runErr)
		}
		return nil, fmt.Errorf("sf %s: unreadable answer: %w", strings.Join(args[:2], " "), err)
	}
	return &a, nil
}

// Org asks `sf org display` for the org's instance and user and, at the
// same time, `sf org auth show-access-token` for the token: since sf 2.136.8
// display shows "[REDACTED] Use 'sf org auth show-access-token' to view"
// in its place (docs/sf-cli.md).
func (s ExecSF) Org(ctx context.Context, name string) (*SFOrg, error) {
	var tok *sfAnswer
	var tokErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		tok, tokErr = s.run(ctx, "org", "auth", "show-access-token", "--target-org", name)
	}()
	a, err := s.run(ctx, "org", "display", "--target-org", name)
	<-done
	if err != nil {
		return nil, err
	}
	if a.Status != 0 {
		if a.Code == "NamedOrgNotFoundError" || a.Name == "NamedOrgNotFoundError" || a.Name == "NoAuthInfoFound" {
			return nil, nil
		}
		return nil, fmt.Errorf("sf org display --target-org %s: %s: %s", name, a.Name, a.Message)
	}
	var r struct {
		ID          string `json:"id"`
		AccessToken string `json:"accessToken"`
		InstanceURL string `json:"instanceUrl"`
		Username    string `json:"username"`
		Alias       string `json:"alias"`
	}
	if err := json.Unmarshal(a.Result, &r); err != nil {
		return nil, fmt.Errorf("sf org display --target-org %s: unreadable result: %w", name, err)
	}
	o := &SFOrg{Alias: r.Alias, Username: r.Username, OrgID: r.ID, InstanceURL: strings.TrimRight(r.InstanceURL, "/"), AccessToken: r.AccessToken}
	// sf before 2.136.8 has no show-access-token, and display carries the token.
	if tokErr == nil && tok.Status == 0 {
		var t struct {
			AccessToken string `json:"accessToken"`
		}
		if json.Unmarshal(tok.Result, &t) == nil && looksLikeToken(t.AccessToken) {
			o.AccessToken = t.AccessToken
		}
	}
	return o, nil
}

// Names lists the aliases and usernames of `sf org list auth`, which reads
// sf's files only (docs/sf-cli.md).
func (s ExecSF) Names(ctx context.Context) ([]string, error) {
	a, err := s.run(ctx, "org", "list", "auth")
	if err != nil {
		return nil, err
	}
	var orgs []struct {
		Alias    string `json:"alias"`
		Username string `json:"username"`
	}
	if err := json.Unmarshal(a.Result, &orgs); err != nil {
		return nil, nil
	}
	var names []string
	for _, o := range orgs {
		// Several aliases of one username come comma-joined ("emu,emu2").
		names = append(names, strings.Split(o.Alias, ",")...)
		names = append(names, o.Username)
	}
	return names, nil
}

// looksLikeToken tells a real access token ("00D…!…") from sf's redaction text.
func looksLikeToken(s string) bool {
	return s != "" && !strings.ContainsAny(s, " []") && strings.Contains(s, "!")
}

// connectSF uses the session the sf CLI keeps for an org; when the org
// refuses it, sf is asked again (it refreshes its own sessions).
func connectSF(opts Options, name string, o *SFOrg) (*Org, error) {
	hint := fmt.Sprintf("Log in again with the sf CLI (sf org login web --alias %s), or with `sfprov auth login`.", name)
	if !looksLikeToken(o.AccessToken) {
		return nil, &AuthError{Msg: fmt.Sprintf("the sf CLI knows %s but gave no access token", name), Hint: hint}
	}
	opts.secret(o.AccessToken)
	sf := opts.sf()
	s := &salesforce.Session{Token: &oauth2.Token{AccessToken: o.AccessToken, TokenType: "Bearer"}, InstanceURL: o.InstanceURL, Flow: "sf CLI"}
	prev := o.AccessToken
	s.Renew = func(ctx context.Context) (*oauth2.Token, error) {
		again, err := sf.Org(ctx, name)
		if err != nil {
			return nil, err
		}
		if again == nil || !looksLikeToken(again.AccessToken) || again.AccessToken == prev {
			return nil, errors.New("the sf CLI has no newer session")
		}
		prev = again.AccessToken
		return &oauth2.Token{AccessToken: again.AccessToken, TokenType: "Bearer"}, nil
	}
	return &Org{Client: opts.client(s, nil), Name: name, Source: "sf CLI", InstanceURL: o.InstanceURL, Username: o.Username, Relogin: hint}, nil
}
