package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/emulator/oauth"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// The org's LoginHistory and OauthToken records (oauth.Audit): the token
// endpoint (and SOAP login(), which goes through it) writes a LoginHistory
// row for each login attempt of a known user, and an OauthToken row for each
// refresh token it issues to the connected app; a refresh grant counts a use
// of its token; the revoke endpoint ends a token given its refresh token or
// its OauthToken's DeleteToken. Neither object can be written through the
// data API (schema/setup.go); a seed can plant rows (SeedOAuthToken,
// SeedLogin) so that a test can have stale tokens and failed logins.

// loginTypeOAuth is LoginHistory.LoginType for a login at the OAuth token
// endpoint. UNCONFIRMED: the object reference gives only "Application" as an
// example value; "Remote Access 2.0" is the value Setup's Login History shows
// for OAuth logins, as admins describe it.
const loginTypeOAuth = "Remote Access 2.0"

// SeedOAuthToken is an OauthToken row of a seeded org: a token the user
// granted the app earlier. With RefreshToken set, that refresh token works
// at the token endpoint (and its uses are counted) until it is revoked.
// Times are RFC 3339 or relative to the org's clock ("-120d", "-36h").
type SeedOAuthToken struct {
	Username     string `yaml:"username" json:"username"`
	App          string `yaml:"app" json:"app,omitempty"` // AppName ("" = the OAuth app's name)
	Created      string `yaml:"created" json:"created,omitempty"`
	LastUsed     string `yaml:"lastUsed" json:"lastUsed,omitempty"`
	UseCount     int    `yaml:"useCount" json:"useCount,omitempty"`
	RefreshToken string `yaml:"refreshToken" json:"refreshToken,omitempty"`
}

// SeedLogin is a LoginHistory row of a seeded org.
type SeedLogin struct {
	Username    string `yaml:"username" json:"username"`
	Time        string `yaml:"time" json:"time,omitempty"`     // RFC 3339 or relative ("-2h"); "" = now
	Status      string `yaml:"status" json:"status,omitempty"` // "" = Success
	LoginType   string `yaml:"loginType" json:"loginType,omitempty"`
	Application string `yaml:"application" json:"application,omitempty"`
	SourceIP    string `yaml:"sourceIp" json:"sourceIp,omitempty"`
}

// seedTime resolves a seed time against now.
func seedTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return now, nil
	}
	if strings.HasPrefix(s, "-") && len(s) > 2 {
		n, err := strconv.Atoi(s[1 : len(s)-1])
		if err == nil {
			switch s[len(s)-1] {
			case 'd':
				return now.Add(-time.Duration(n) * 24 * time.Hour), nil
			case 'h':
				return now.Add(-time.Duration(n) * time.Hour), nil
			case 'm':
				return now.Add(-time.Duration(n) * time.Minute), nil
			}
		}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05.000-0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither a time (RFC 3339) nor an age such as -90d", s)
}

// seedAudit plants the seed's OauthToken and LoginHistory rows. The caller
// holds the org under construction.
func (o *Org) seedAudit(seed *Seed) error {
	now := o.now()
	for i, t := range seed.OAuthTokens {
		u, ok := o.userByUsername(t.Username)
		if !ok {
			return fmt.Errorf("oauthTokens[%d]: no user %q", i, t.Username)
		}
		created, err := seedTime(t.Created, now)
		if err != nil {
			return fmt.Errorf("oauthTokens[%d].created: %w", i, err)
		}
		var used any
		if t.LastUsed != "" {
			lu, err := seedTime(t.LastUsed, now)
			if err != nil {
				return fmt.Errorf("oauthTokens[%d].lastUsed: %w", i, err)
			}
			used = timestamp(lu)
		}
		key := ""
		if t.RefreshToken != "" {
			key = oauth.RefreshKey(t.RefreshToken)
			if o.meta.RefreshTokens == nil {
				o.meta.RefreshTokens = map[string]oauth.RefreshToken{}
			}
			o.meta.RefreshTokens[key] = oauth.RefreshToken{UserID: str(u, "Id"), OrgID: o.meta.OrgID, Username: str(u, "Username"),
				ClientID: o.opts.ClientID, Scope: "api refresh_token", IssuedAt: created.UTC()}
		}
		app := t.App
		if app == "" {
			app = o.oauthAppName()
		}
		if err := o.insertToken(str(u, "Id"), app, key, created, used, t.UseCount); err != nil {
			return err
		}
	}
	for i, l := range seed.LoginHistory {
		u, ok := o.userByUsername(l.Username)
		if !ok {
			return fmt.Errorf("loginHistory[%d]: no user %q", i, l.Username)
		}
		at, err := seedTime(l.Time, now)
		if err != nil {
			return fmt.Errorf("loginHistory[%d].time: %w", i, err)
		}
		status, typ, app, ip := l.Status, l.LoginType, l.Application, l.SourceIP
		if status == "" {
			status = oauth.StatusSuccess
		}
		if typ == "" {
			typ = loginTypeOAuth
		}
		if app == "" {
			app = o.oauthAppName()
		}
		if ip == "" {
			ip = "127.0.0.1"
		}
		o.insertLogin(str(u, "Id"), at, status, typ, app, ip, "")
	}
	return nil
}

// oauthAppName is the Name of the OAuth client's ConnectedApplication row.
func (o *Org) oauthAppName() string {
	if _, r, ok := o.st.Get(o.meta.OAuthAppID); ok {
		return str(r, "Name")
	}
	return DefaultOAuthAppName
}

// insertToken adds an OauthToken row. key links it to the refresh token it
// lists (orgMeta.TokenKeys; "" = none the org can use).
func (o *Org) insertToken(userID, app, key string, created time.Time, lastUsed any, uses int) error {
	del, err := newDeleteToken()
	if err != nil {
		return err
	}
	id := o.seedInsert("OauthToken", soql.Record{"UserId": userID, "AppName": app, "CreatedDate": timestamp(created),
		"LastUsedDate": lastUsed, "UseCount": float64(uses), "DeleteToken": del,
		// The token itself is never kept (the state file holds none):
		// AccessToken and RequestToken read null. UNCONFIRMED what a real
		// org shows there for a refresh token.
		"AccessToken": nil, "RequestToken": nil, "AppMenuItemId": nil}, timestamp(created))
	if key != "" {
		if o.meta.TokenKeys == nil {
			o.meta.TokenKeys = map[string]string{}
		}
		o.meta.TokenKeys[id] = key
	}
	return nil
}

// newDeleteToken is an OauthToken's DeleteToken: opaque, usable once at the
// revoke endpoint. Its shape is UNCONFIRMED.
func newDeleteToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("emulator: random token: %w", err)
	}
	return "0CQ" + strings.ToUpper(hex.EncodeToString(b)), nil
}

// insertLogin adds a LoginHistory row.
func (o *Org) insertLogin(userID string, at time.Time, status, typ, app, ip, loginURL string) {
	o.seedInsert("LoginHistory", soql.Record{"UserId": userID, "LoginTime": timestamp(at), "Status": status,
		"LoginType": typ, "Application": app, "SourceIp": ip, "LoginUrl": nilIfEmpty(loginURL), "ApiType": nil,
		"ApiVersion": nil, "Browser": nil, "Platform": nil, "ClientVersion": nil, "OptionsIsGet": false, "OptionsIsPost": true}, timestamp(at))
}

// loginRetention is how long LoginHistory rows are kept: "The Login
// History data is retained for six months" (third-party admin guides,
// trustedinstitute.com, cloudworks.ae; another says the API sees a year:
// UNCONFIRMED), here 180 days. Rows are pruned when a login is recorded,
// so that a long-lived org does not grow without end; seeded rows stay
// until then.
const loginRetention = 180 * 24 * time.Hour

// pruneLogins drops LoginHistory rows older than loginRetention.
func (o *Org) pruneLogins() {
	cutoff := o.now().Add(-loginRetention)
	for _, r := range o.st.All("LoginHistory") {
		if t, err := time.Parse("2006-01-02T15:04:05.000-0700", str(r, "LoginTime")); err == nil && t.Before(cutoff) {
			o.st.remove(str(r, "Id"))
		}
	}
}

// tokensOf returns the OauthToken rows linked to a refresh token key.
func (o *Org) tokensOf(key string) []string {
	var ids []string
	for id, k := range o.meta.TokenKeys {
		if k == key {
			ids = append(ids, id)
		}
	}
	return ids
}

// saveAudit saves after an audit write (the caller holds o.mu).
func (o *Org) saveAudit() {
	if err := o.save(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

// LoggedIn implements oauth.Audit.
func (d directory) LoggedIn(e oauth.LoginEvent) {
	o := d.o
	o.mu.Lock()
	defer o.mu.Unlock()
	uid := sfid.Canonical(e.UserID)
	if _, _, ok := o.st.Get(uid); !ok {
		return
	}
	o.pruneLogins()
	o.insertLogin(uid, o.now(), e.Status, loginTypeOAuth, o.oauthAppName(), e.SourceIP, e.LoginURL)
	if e.Status == oauth.StatusSuccess {
		// User.LastLoginDate: "The date and time when the user last
		// successfully logged in" (User object reference).
		o.st.set(uid, map[string]any{"LastLoginDate": timestamp(o.now())})
	}
	o.saveAudit()
}

// RefreshIssued implements oauth.Audit: the app now holds a token for the
// user, which its OauthToken row lists. UseCount starts at 1, the grant that
// issued it (UNCONFIRMED: whether Salesforce counts it).
func (d directory) RefreshIssued(key string, t oauth.RefreshToken) {
	o := d.o
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.now()
	if err := o.insertToken(sfid.Canonical(t.UserID), o.oauthAppName(), key, now, timestamp(now), 1); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	o.saveAudit()
}

// RefreshUsed implements oauth.Audit: UseCount ("How often the token was
// used") and LastUsedDate ("The date when the OAuth token was last used").
func (d directory) RefreshUsed(key string) {
	o := d.o
	o.mu.Lock()
	defer o.mu.Unlock()
	ids := o.tokensOf(key)
	for _, id := range ids {
		if _, r, ok := o.st.Get(id); ok {
			n, _ := r["UseCount"].(float64)
			o.st.set(id, map[string]any{"UseCount": n + 1, "LastUsedDate": timestamp(o.now())})
		}
	}
	if len(ids) > 0 {
		o.saveAudit()
	}
}

// RefreshRevoked implements oauth.Audit: a revoked token is no longer
// listed.
func (d directory) RefreshRevoked(key string) {
	o := d.o
	o.mu.Lock()
	defer o.mu.Unlock()
	ids := o.tokensOf(key)
	for _, id := range ids {
		o.dropToken(id)
	}
	if len(ids) > 0 {
		o.saveAudit()
	}
}

// RevokeDeleteToken implements oauth.Audit.
func (d directory) RevokeDeleteToken(token string) (string, bool) {
	o := d.o
	o.mu.Lock()
	defer o.mu.Unlock()
	if token == "" {
		return "", false
	}
	for _, r := range o.st.All("OauthToken") {
		if str(r, "DeleteToken") == token {
			id := str(r, "Id")
			key := o.meta.TokenKeys[id]
			o.dropToken(id)
			// Every row listing the same refresh token goes with it.
			if key != "" {
				for _, other := range o.tokensOf(key) {
					o.dropToken(other)
				}
			}
			o.saveAudit()
			return key, true
		}
	}
	return "", false
}

// dropToken removes an OauthToken row and its link. A revoked token is
// gone, not in a Recycle Bin: the object is not undeletable.
func (o *Org) dropToken(id string) {
	o.st.remove(id)
	delete(o.meta.TokenKeys, id)
}

// auditStore is the store as a query of LoginHistory or OauthToken sees it:
// only the rows the caller may see, and OauthToken's Id null.
//
//   - LoginHistory: "only users with Manage Users or Monitor Login History
//     permissions can access this object. The exception is that, in API
//     version 37.0 and later, all users can retrieve their own login history
//     records" (LoginHistory object reference, Special Access Rules).
//   - OauthToken: "Users with the Customize Application permission see all
//     tokens for all users in the org. Otherwise, you see only your own
//     tokens" (OauthToken object reference; before about API 44 the page
//     named Manage Users instead, which is not modelled). Id: "Reserved for
//     future use. Currently, the value is always null."
type auditStore struct {
	o      *Org
	st     soql.Store
	userID string
	ver    string
}

// auditObject reports whether a query's FROM object needs auditStore.
func auditObject(from string) bool {
	return strings.EqualFold(from, "LoginHistory") || strings.EqualFold(from, "OauthToken")
}

func (a auditStore) seesAll(object string) bool {
	switch object {
	case "LoginHistory":
		return a.o.userHasPermission(a.userID, "PermissionsManageUsers") || a.o.userHasPermission(a.userID, "PermissionsMonitorLoginHistory")
	case "OauthToken":
		return a.o.userHasPermission(a.userID, "PermissionsCustomizeApplication")
	}
	return true
}

func (a auditStore) visible(object string, r soql.Record) bool {
	if a.seesAll(object) {
		return true
	}
	if object == "LoginHistory" && olderVersion(a.ver, 37) {
		return false
	}
	return sfid.Canonical(str(r, "UserId")) == sfid.Canonical(a.userID)
}

func (a auditStore) All(object string) []soql.Record {
	recs := a.st.All(object)
	if object != "LoginHistory" && object != "OauthToken" {
		return recs
	}
	out := make([]soql.Record, 0, len(recs))
	for _, r := range recs {
		if !a.visible(object, r) {
			continue
		}
		if object == "OauthToken" {
			cp := make(soql.Record, len(r))
			for k, v := range r {
				cp[k] = v
			}
			cp["Id"] = nil
			r = cp
		}
		out = append(out, r)
	}
	return out
}

func (a auditStore) Get(id string) (string, soql.Record, bool) {
	typ, r, ok := a.st.Get(id)
	if ok && (typ == "OauthToken" || typ == "LoginHistory" && !a.visible(typ, r)) {
		return "", nil, false
	}
	return typ, r, ok
}

// olderVersion reports whether API version v ("36.0") is below min.
func olderVersion(v string, min float64) bool {
	f, err := strconv.ParseFloat(v, 64)
	return err == nil && f < min
}
