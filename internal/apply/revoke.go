package apply

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// The writer of plan.ChannelRevoke: OAuth tokens revoked at the org's
// revoke endpoint. It registers itself after the other writers, so that
// apply.go needs no change for it.
func init() {
	writers = append(writers, struct {
		channel plan.Channel
		write   writer
	}{plan.ChannelRevoke, writeRevokes})
}

// writeRevokes revokes the tokens the steps name (by user, app and grant
// time). A token's DeleteToken is read now, in one query for all the steps,
// not taken from the plan (which never holds one); each is then posted to
// /services/oauth2/revoke as `token`, one after the other ("To
// delete an AccessToken, send a request to the revoke OAuth token endpoint
// with DeleteToken as a parameter", OauthToken object reference; "Salesforce
// indicates successful processing of the request by returning an HTTP 200
// status code. For all error conditions, Salesforce returns a 400", Mobile
// SDK guide "Revoking OAuth Tokens"). A token already gone is done: the
// step wanted it gone.
func writeRevokes(ctx context.Context, e *executor, steps []*plan.Step) {
	var ids []string
	seen := map[string]bool{}
	for _, s := range steps {
		if id, _ := s.Fields["UserId"].(string); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, "'"+strings.ReplaceAll(id, "'", `\'`)+"'")
		}
	}
	recs, err := e.c.Query(ctx, "SELECT UserId, AppName, CreatedDate, DeleteToken FROM OauthToken WHERE UserId IN ("+strings.Join(ids, ", ")+")")
	if err != nil {
		for _, s := range steps {
			e.finish(s, fmt.Errorf("read the OAuth tokens to revoke: %w", err))
		}
		return
	}
	// One by one, in plan order, so that outcomes are reported in the same
	// order run to run (a user holds a few tokens, not hundreds).
	for _, s := range steps {
		if e.stopped() {
			break
		}
		tok := deleteTokenOf(s, recs)
		if tok == "" {
			e.finish(s, nil)
			continue
		}
		e.finish(s, revoke(ctx, e.c, tok))
	}
}

// deleteTokenOf finds the DeleteToken of the token a step names ("" when
// the org no longer lists it).
func deleteTokenOf(s *plan.Step, recs []salesforce.Record) string {
	uid, _ := s.Fields["UserId"].(string)
	app, _ := s.Fields["AppName"].(string)
	created, _ := s.Fields["CreatedDate"].(string)
	want := sfTime(created)
	for _, r := range recs {
		if id15(r.String("UserId")) == id15(uid) && r.String("AppName") == app && sfTime(r.String("CreatedDate")).Equal(want) {
			return r.String("DeleteToken")
		}
	}
	return ""
}

func revoke(ctx context.Context, c *salesforce.Client, token string) error {
	body := []byte(url.Values{"token": {token}}.Encode())
	resp, err := c.Forward(ctx, http.MethodPost, "/services/oauth2/revoke",
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, body, "")
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	// The body is {"error","error_description"}, never the token.
	return fmt.Errorf("revoke: the org answered %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
}

func sfTime(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000-0700", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func id15(id string) string {
	if len(id) > 15 {
		return id[:15]
	}
	return id
}
