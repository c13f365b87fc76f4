package state

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// Audit is what verify and offboard read of a spec's users beyond State:
// which powerful permissions they hold through any assignment, their OAuth
// tokens, their recent logins and their password's expiry. Maps are by
// lower username; users the org does not have are absent.
type Audit struct {
	Held   map[string]map[string]bool
	Tokens map[string][]OAuthToken
	// Logins are the users' LoginHistory rows of the last LoginDays days,
	// newest first, at most LoginRows in all.
	Logins map[string][]Login
	// PasswordExpires is User.PasswordExpirationDate where the org sets it.
	PasswordExpires map[string]time.Time
}

// OAuthToken is an OauthToken row: a refresh token a connected app (or
// external client app) holds for the user. The row has no usable Id ("Id:
// Reserved for future use. Currently, the value is always null", OauthToken
// object reference); DeleteToken revokes it at the OAuth revoke endpoint.
type OAuthToken struct {
	UserID      string
	App         string // AppName: "The label for the connected app"
	Created     time.Time
	LastUsed    time.Time // zero when never used
	UseCount    int
	DeleteToken string
}

// Login is a LoginHistory row.
type Login struct {
	Time        time.Time
	Status      string // "Success", "Invalid Password", ...
	Type        string // LoginType, e.g. "Remote Access 2.0"
	Application string
	SourceIP    string
}

// Failed reports whether the login failed: LoginHistory.Status is
// "Success" for a login that succeeded and says what went wrong otherwise
// (values admins report: "Invalid Password", "User is Inactive",
// "Password Lockout", "Failed: ..."; no Salesforce page lists them).
func (l Login) Failed() bool { return !strings.EqualFold(l.Status, "Success") }

// Login history read: the last 30 days (Setup's Login History page shows
// the last six months; troubleshooting is about what happens now), at most
// 500 rows newest first, one page of one query.
const (
	LoginDays = 30
	LoginRows = 500
)

// ReadAudit reads users' (by username → user Id) held permissions (fields,
// PermissionSet field names), tokens, recent logins and password expiry in
// one batched read: four queries in one /composite call, whatever the number
// of users. The caller needs Manage Users for other users' login history
// and Customize Application for their tokens (the objects' access rules);
// without them the org answers only the caller's own rows.
func ReadAudit(ctx context.Context, c *salesforce.Client, users map[string]string, fields []string) (*Audit, error) {
	return readAudit(ctx, c, users, fields, true)
}

// ReadTokens reads only the users' OAuth tokens (Audit.Tokens) and what of
// fields the users hold (Audit.Held, none when fields is empty): one
// composite call, two queries at most.
func ReadTokens(ctx context.Context, c *salesforce.Client, users map[string]string, fields []string) (*Audit, error) {
	return readAudit(ctx, c, users, fields, false)
}

func readAudit(ctx context.Context, c *salesforce.Client, users map[string]string, fields []string, full bool) (*Audit, error) {
	a := &Audit{Held: map[string]map[string]bool{}, Tokens: map[string][]OAuthToken{}, Logins: map[string][]Login{}, PasswordExpires: map[string]time.Time{}}
	if len(users) == 0 {
		return a, nil
	}
	names := make([]string, 0, len(users))
	byID := map[string]string{} // Id(15) → lower username
	var ids []string
	for u, id := range users {
		names = append(names, u)
		if id != "" {
			byID[Key15(id)] = strings.ToLower(u)
			ids = append(ids, id)
		}
	}
	sort.Strings(names)
	sort.Strings(ids)
	r := newRound(c)
	if len(fields) > 0 {
		cols := make([]string, len(fields))
		for i, f := range fields {
			cols[i] = "PermissionSet." + f
		}
		r.query("the users' permissions", "SELECT Assignee.Username, "+strings.Join(cols, ", ")+" FROM PermissionSetAssignment WHERE Assignee.Username IN "+inList(names), func(rs []salesforce.Record) {
			for _, rec := range rs {
				u := strings.ToLower(rec.String("Assignee.Username"))
				if a.Held[u] == nil {
					a.Held[u] = map[string]bool{}
				}
				for _, f := range fields {
					if rec.Bool("PermissionSet." + f) {
						a.Held[u][f] = true
					}
				}
			}
		})
	}
	if len(ids) > 0 {
		in := inList(ids)
		r.query("the users' OAuth tokens", "SELECT UserId, AppName, CreatedDate, LastUsedDate, UseCount, DeleteToken FROM OauthToken WHERE UserId IN "+in, func(rs []salesforce.Record) {
			for _, rec := range rs {
				u, ok := byID[Key15(rec.String("UserId"))]
				if !ok {
					continue
				}
				a.Tokens[u] = append(a.Tokens[u], OAuthToken{UserID: rec.String("UserId"), App: rec.String("AppName"),
					Created: parseTime(rec.String("CreatedDate")), LastUsed: parseTime(rec.String("LastUsedDate")),
					UseCount: intOf(rec.Get("UseCount")), DeleteToken: rec.String("DeleteToken")})
			}
		})
		if full {
			r.query("the users' login history", fmt.Sprintf("SELECT UserId, LoginTime, Status, LoginType, Application, SourceIp FROM LoginHistory WHERE UserId IN %s AND LoginTime = LAST_N_DAYS:%d ORDER BY LoginTime DESC LIMIT %d", in, LoginDays, LoginRows), func(rs []salesforce.Record) {
				for _, rec := range rs {
					u, ok := byID[Key15(rec.String("UserId"))]
					if !ok {
						continue
					}
					a.Logins[u] = append(a.Logins[u], Login{Time: parseTime(rec.String("LoginTime")), Status: rec.String("Status"),
						Type: rec.String("LoginType"), Application: rec.String("Application"), SourceIP: rec.String("SourceIp")})
				}
			})
			r.query("the users' password expiry", "SELECT Id, PasswordExpirationDate FROM User WHERE Id IN "+in, func(rs []salesforce.Record) {
				for _, rec := range rs {
					if t := parseTime(rec.String("PasswordExpirationDate")); !t.IsZero() {
						a.PasswordExpires[byID[Key15(rec.String("Id"))]] = t
					}
				}
			})
		}
	}
	if err := r.run(ctx); err != nil {
		return nil, err
	}
	for u := range a.Tokens {
		ts := a.Tokens[u]
		sort.SliceStable(ts, func(i, j int) bool {
			if ts[i].App != ts[j].App {
				return ts[i].App < ts[j].App
			}
			return ts[i].Created.Before(ts[j].Created)
		})
	}
	return a, nil
}

// ReadHeld reads which of the given permission fields ("PermissionsModifyAllData")
// each user holds through any of its assignments, by lower username: its
// profile's own permission set, its permission sets and its groups' sets
// each have a PermissionSetAssignment (salesforce-api-facts.md §5), so one
// query sees them all, those the spec does not name included.
func ReadHeld(ctx context.Context, c *salesforce.Client, usernames, fields []string) (map[string]map[string]bool, error) {
	users := map[string]string{}
	for _, u := range usernames {
		users[u] = ""
	}
	a, err := ReadAudit(ctx, c, users, fields)
	if err != nil {
		return nil, err
	}
	return a.Held, nil
}

// parseTime reads a Salesforce datetime ("2026-11-23T12:00:00.000+0000");
// zero when empty or unreadable.
func parseTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func intOf(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}
