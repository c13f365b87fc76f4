package verify

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// This file holds the checks of how the spec's users get in: their recent
// logins, their OAuth tokens for the vendor's app, their password's expiry
// (when the spec gives them one), and the spec's remote sites.

// StaleAfter is when an OAuth token counts as stale: not used for 90 days.
// Salesforce's default refresh-token policy keeps a token "valid until
// revoked" (salesforce-api-facts.md §7), so an unused token is not expired,
// but a vendor whose integration runs uses it every day or so; 90 days
// unused means the integration stopped, or the admin set an inactivity
// policy that has ended it, when the vendor sees "invalid_grant: expired
// access/refresh token" and must reconnect (the LinkPoint and SmartCloud
// guides' troubleshooting). A spec policy "refreshToken: expireAfter: N"
// ("Expire refresh token after N") is stricter: a token older than N has
// expired.
const StaleAfter = 90 * 24 * time.Hour

// PasswordLifetime is how long a password lasts when sfprov cannot read
// the org's policy: 90 days, Salesforce's default "User passwords expire
// in" (Setup > Password Policies). The org's own policy lives in the
// Metadata API (SecuritySettings passwordPolicies, per profile too), which
// verify does not read; User.PasswordExpirationDate wins where the org
// fills it. PasswordSoon is when an expiry draws near enough to warn.
const (
	PasswordLifetime = 90 * 24 * time.Hour
	PasswordSoon     = 14 * 24 * time.Hour
)

// loginHints say what the guides' troubleshooting does about a failed
// login, by LoginHistory.Status (values as admins report them).
var loginHints = map[string]string{
	"invalid password":                     "the password the vendor holds is wrong: set it again on both sides",
	"user is inactive":                     "the user is inactive: activate it",
	"password lockout":                     "the user is locked out: unlock it in Setup (Users)",
	"failed: api security token required":  "the vendor must append the user's security token, or log in from a trusted IP range",
	"failed: computer activation required": "the login needs identity verification: log in once from the vendor's side and verify",
	"user is frozen":                       "the user is frozen: unfreeze it in Setup (Users)",
}

// accessChecks are the checks of one spec user who exists.
func accessChecks(s *spec.Spec, u *spec.User, cur *state.User, a *state.Audit, has map[string]bool, now time.Time) []Check {
	name := u.Username.Value
	key := strings.ToLower(name)
	who := "user " + quote(name)
	var out []Check
	out = append(out, loginCheck(who, a.Logins[key], now))
	out = append(out, tokenChecks(s, u, who, a.Tokens[key], now)...)
	if c, ok := passwordCheck(u, cur, who, a, has, now); ok {
		out = append(out, c)
	}
	return out
}

// loginCheck judges a user's recent logins: the last one failed is a failed
// check (the integration cannot get in), an earlier failure a warning.
func loginCheck(who string, logins []state.Login, now time.Time) Check {
	title := "recent logins of " + who
	if len(logins) == 0 {
		return Check{Pass, title, fmt.Sprintf("none in the last %d days", state.LoginDays)}
	}
	failed := 0
	for _, l := range logins {
		if l.Failed() {
			failed++
		}
	}
	last := logins[0]
	span := fmt.Sprintf("%d in the last %d days", len(logins), state.LoginDays)
	if last.Failed() {
		d := fmt.Sprintf("the last login, %s%s, failed: %s (%d of %s failed)", ago(now, last.Time), from(last), last.Status, failed, span)
		if h := loginHints[strings.ToLower(last.Status)]; h != "" {
			d += "; " + h
		}
		return Check{Fail, title, d}
	}
	if failed > 0 {
		var lastFail state.Login
		for _, l := range logins {
			if l.Failed() {
				lastFail = l
				break
			}
		}
		return Check{Warn, title, fmt.Sprintf("%d of %s failed, the latest %s%s: %s; the last login, %s, succeeded", failed, span, ago(now, lastFail.Time), from(lastFail), lastFail.Status, ago(now, last.Time))}
	}
	via := ""
	if last.Application != "" {
		via = " through " + quote(last.Application)
	}
	return Check{Pass, title, fmt.Sprintf("%s, all succeeded; the last %s%s", span, ago(now, last.Time), via)}
}

func from(l state.Login) string {
	if l.SourceIP == "" {
		return ""
	}
	return " from " + l.SourceIP
}

// vendorApp is an app the spec gives a user, with the spec's refresh-token
// policy for it (nil: none said).
type vendorApp struct {
	name   string
	policy *spec.RefreshTokenPolicy
}

// appsOf is the apps the spec lets the user use: those its permission sets
// grant access to (connectedApps:), and the connected apps and external
// client apps whose policy pre-authorises one of its sets or its profile.
// An app whose policy names a client credentials user is left out for that
// user: the client credentials flow never issues a refresh token.
func appsOf(s *spec.Spec, u *spec.User) []vendorApp {
	sets := map[string]bool{}
	for _, r := range u.PermissionSets {
		sets[strings.ToLower(r.Name)] = true
	}
	profile := strings.ToLower(u.Profile)
	seen := map[string]int{}
	var out []vendorApp
	addApp := func(name string, pol *spec.AppPolicy) {
		if name == "" {
			return
		}
		var rt *spec.RefreshTokenPolicy
		if pol != nil {
			if pol.ClientCredentialsUser != nil && strings.EqualFold(pol.ClientCredentialsUser.Value, u.Username.Value) {
				return
			}
			rt = pol.RefreshToken
		}
		if i, ok := seen[strings.ToLower(name)]; ok {
			if rt != nil {
				out[i].policy = rt
			}
			return
		}
		seen[strings.ToLower(name)] = len(out)
		out = append(out, vendorApp{name, rt})
	}
	for _, ps := range s.PermissionSets {
		if !sets[strings.ToLower(ps.Name)] {
			continue
		}
		for _, a := range ps.ConnectedApps {
			addApp(a.Name, policyOf(s, a.Name))
		}
	}
	preAuth := func(pol *spec.AppPolicy) bool {
		if pol == nil {
			return false
		}
		for _, r := range pol.PreAuthorizedPermSets {
			if sets[strings.ToLower(r.Name)] {
				return true
			}
		}
		for _, r := range pol.PreAuthorizedProfiles {
			if profile != "" && strings.ToLower(r.Name) == profile {
				return true
			}
		}
		return false
	}
	for _, a := range s.ConnectedApps {
		if preAuth(a.Policy) {
			addApp(a.Name, a.Policy)
		}
	}
	for _, a := range s.ExternalClientApps {
		if preAuth(a.Policy) && issuesRefreshTokens(a) {
			addApp(ecaLabel(a), a.Policy)
		}
	}
	return out
}

// issuesRefreshTokens reports whether a vendor using an external client
// app holds a refresh token for its user: not when the app's scopes leave
// out refresh_token (offline_access), without which no flow returns one
// ("Allows a refresh token to be returned when the requesting client is
// eligible to receive one", Salesforce Help "OAuth Tokens and Scopes"), nor
// when it has a certificate for the JWT bearer flow, which "never issues a
// refresh token" (the vendor signs a new assertion each time).
func issuesRefreshTokens(a spec.ExternalClientApp) bool {
	if a.JWTCertificate != "" {
		return false
	}
	if len(a.Scopes) == 0 {
		return true // the spec says nothing of the app's OAuth settings
	}
	for _, sc := range a.Scopes {
		if strings.EqualFold(sc, "refresh_token") || strings.EqualFold(sc, "offline_access") {
			return true
		}
	}
	return false
}

// policyOf is the spec's policy for the app of this name, if it has one.
func policyOf(s *spec.Spec, name string) *spec.AppPolicy {
	for _, a := range s.ConnectedApps {
		if strings.EqualFold(a.Name, name) {
			return a.Policy
		}
	}
	for _, a := range s.ExternalClientApps {
		if strings.EqualFold(a.Name, name) || strings.EqualFold(ecaLabel(a), name) {
			return a.Policy
		}
	}
	return nil
}

// ecaLabel is the name OauthToken.AppName gives an external client app: its
// label ("AppName: The label for the connected app that's associated with
// this OAuth token"), its API name when the spec gives no label.
func ecaLabel(a spec.ExternalClientApp) string {
	if a.Label != "" {
		return a.Label
	}
	return a.Name
}

// tokenChecks lists the user's OAuth tokens and judges them: each of the
// vendor's apps should hold one (none: the vendor has not connected, or its
// token was revoked), and none should be stale or past the spec's
// refresh-token lifetime.
func tokenChecks(s *spec.Spec, u *spec.User, who string, tokens []state.OAuthToken, now time.Time) []Check {
	var out []Check
	apps := appsOf(s, u)
	for _, app := range apps {
		found := false
		for _, t := range tokens {
			found = found || strings.EqualFold(t.App, app.name)
		}
		if !found && (app.policy == nil || app.policy.Mode != "immediately") {
			out = append(out, Check{Warn, "OAuth token of " + who + " for app " + quote(app.name),
				"none: the vendor has not connected as this user yet, or its token was revoked; connect from the vendor's side"})
		}
	}
	for _, t := range tokens {
		var pol *spec.RefreshTokenPolicy
		for _, app := range apps {
			if strings.EqualFold(app.name, t.App) {
				pol = app.policy
			}
		}
		out = append(out, tokenCheck(who, t, pol, now))
	}
	return out
}

func tokenCheck(who string, t state.OAuthToken, pol *spec.RefreshTokenPolicy, now time.Time) Check {
	title := "OAuth token of " + who + " for app " + quote(t.App)
	used := t.LastUsed
	usage := fmt.Sprintf("granted %s, never used since", ago(now, t.Created))
	if used.IsZero() {
		used = t.Created
	} else {
		usage = fmt.Sprintf("granted %s, last used %s, %s", ago(now, t.Created), ago(now, used), plural(t.UseCount, "use"))
	}
	if pol != nil && pol.Mode == "expireAfter" {
		if life, ok := lifetime(pol.ExpireAfter); ok && now.Sub(t.Created) >= life {
			return Check{Fail, title, usage + "; expired: the app's policy ends refresh tokens after " + pol.ExpireAfter +
				`, so the vendor gets "invalid_grant: expired access/refresh token" and must reconnect`}
		}
	}
	if now.Sub(used) >= StaleAfter {
		return Check{Warn, title, fmt.Sprintf("%s; stale: unused for %d days or more. If the integration should be running, it has stopped, or an inactivity policy ended the token (\"invalid_grant: expired access/refresh token\": reconnect from the vendor's side)", usage, int(StaleAfter.Hours()/24))}
	}
	return Check{Pass, title, usage}
}

// lifetime reads an expireAfter value: 12h, 90d, 3mo (a month is 30 days).
func lifetime(s string) (time.Duration, bool) {
	unit := strings.TrimLeft(s, "0123456789")
	var n int
	if _, err := fmt.Sscanf(strings.TrimSuffix(s, unit), "%d", &n); err != nil || n <= 0 {
		return 0, false
	}
	switch unit {
	case "h":
		return time.Duration(n) * time.Hour, true
	case "d":
		return time.Duration(n) * 24 * time.Hour, true
	case "mo":
		return time.Duration(n) * 30 * 24 * time.Hour, true
	}
	return 0, false
}

// passwordCheck judges the password of a user the spec gives one (reset or
// fromEnv): it never expires with Password Never Expires; otherwise it
// expires on User.PasswordExpirationDate, or PasswordLifetime after its
// last change. A user who never had one is the spec's pending password step.
func passwordCheck(u *spec.User, cur *state.User, who string, a *state.Audit, has map[string]bool, now time.Time) (Check, bool) {
	if u.Password == nil || (u.Password.Mode != spec.PasswordReset && u.Password.Mode != spec.PasswordFromEnv) {
		return Check{}, false
	}
	title := "password of " + who
	if has["PermissionsPasswordNeverExpires"] {
		return Check{Pass, title, "never expires (Password Never Expires)"}, true
	}
	changed := parseTime(cur.Record.String("LastPasswordChangeDate"))
	if changed.IsZero() {
		return Check{}, false
	}
	expires, how := a.PasswordExpires[strings.ToLower(u.Username.Value)], "as the org says"
	if expires.IsZero() {
		expires = changed.Add(PasswordLifetime)
		how = fmt.Sprintf("%d days after its last change, Salesforce's default policy (the org's own is not read)", int(PasswordLifetime.Hours()/24))
	}
	switch left := expires.Sub(now); {
	case left <= 0:
		return Check{Fail, title, fmt.Sprintf("expired %s (%s): the integration's logins fail until it is changed; set a new one, or grant Password Never Expires to an API-only user", ago(now, expires), how)}, true
	case left <= PasswordSoon:
		return Check{Warn, title, fmt.Sprintf("expires in %s (%s): change it with the vendor, or grant Password Never Expires to an API-only user", span(left), how)}, true
	default:
		return Check{Pass, title, fmt.Sprintf("expires in %s (%s)", span(left), how)}, true
	}
}

// remoteSiteChecks says that each remote site of the spec that the org
// has is active, or inactive as the spec asks. One the spec wants active
// and the org has inactive is already a failed check (a pending step).
func remoteSiteChecks(s *spec.Spec, st *state.State) []Check {
	var out []Check
	names := make([]string, 0, len(s.RemoteSites))
	want := map[string]bool{}
	for _, r := range s.RemoteSites {
		names = append(names, r.Name)
		want[r.Name] = r.Active == nil || *r.Active
	}
	sort.Strings(names)
	for _, n := range names {
		cur := st.RemoteSites[strings.ToLower(n)]
		if cur == nil || cur.Active != want[n] {
			continue
		}
		title := "remote site " + quote(n) + " is active"
		if !cur.Active {
			out = append(out, Check{Pass, "remote site " + quote(n) + " is inactive", "as the spec says: callouts to " + cur.URL + " are refused"})
			continue
		}
		out = append(out, Check{Pass, title, "callouts to " + cur.URL + " are allowed"})
	}
	return out
}

// ago says how long before now t was, in whole units: stable from run to
// run, unlike a date.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	if d < time.Minute {
		return "just now"
	}
	return span(d) + " ago"
}

func span(d time.Duration) string {
	switch {
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute")
	case d < 24*time.Hour:
		return plural(int(d.Hours()), "hour")
	default:
		return plural(int(d.Hours()/24), "day")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func parseTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
