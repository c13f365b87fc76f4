// Package emulator is a local Salesforce org: an in-process implementation of
// the REST API surface that sfprov and real clients (jsforce 3, the sf CLI)
// use, with the setup objects (users, profiles, permission sets and their
// assignments, licences, groups) and the rules a real org enforces on them.
//
// Every rule cites its source in a comment. The sources are the team's
// reference notes (shared/reference/salesforce-api-facts.md, cited "facts §N";
// real-clients.md) and the recorded responses in shared/reference/fixtures
// (cited by file name). Wording that no source confirms is marked UNCONFIRMED.
package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sfprov/sfprov/internal/emulator/faults"
	"github.com/sfprov/sfprov/internal/emulator/oauth"
	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// Options configures an emulator org.
type Options struct {
	AccessToken    string        // a bearer token always accepted as the org's admin user ("" = none)
	Seed           *Seed         // nil: a fresh default org
	StatePath      string        // "" = in memory; else loaded if it exists, and saved after every mutating request
	ClientID       string        // the connected app's consumer key ("" = any client id for password/refresh grants)
	ClientSecret   string        // the connected app's consumer secret
	JWTCertPEM     []byte        // certificate for the JWT bearer grant (nil = grant refused)
	TokenLifetime  time.Duration // 0 = 2h
	Latency        time.Duration // added to every request
	Faults         []string      // raw --fault specs (internal/emulator/faults)
	FaultSeed      int64
	PSGRecalcDelay time.Duration    // how long a PermissionSetGroup stays "Updating" after a change (0 = 2s)
	Now            func() time.Time // nil = time.Now
	// RefreshToken, when set, is a refresh token always valid for the admin
	// user (as one stored by a client from an earlier web-server flow), so
	// that the refresh_token grant can be tested.
	RefreshToken string
	// DailyAPILimit is DailyApiRequests.Max (0 = DailyAPILimit). Real orgs'
	// allowances differ by edition and licences; a small one lets a test
	// reach REQUEST_LIMIT_EXCEEDED quickly.
	DailyAPILimit int
	// CallbackURLs are the connected app's callback URLs, which the web
	// server flow's redirect_uri must equal (oauth.Config.CallbackURLs).
	CallbackURLs []string
	// ConsumerSecretOptional deselects the app's "Require Secret for Web
	// Server Flow" (selected by default in Salesforce), so that a public
	// client can exchange a code with PKCE and no client_secret.
	ConsumerSecretOptional bool
	// OAuthScopes are the app's selected OAuth scopes (nil = api only). With
	// refresh_token among them, the web server flow issues refresh tokens.
	OAuthScopes []string
	// DeployPolls is how many status reads of a Metadata deploy answer
	// InProgress before it ends (metadata_deploy.go); InstallPolls the same
	// for a PackageInstallRequest's IN_PROGRESS (packages_install.go).
	// 0 means 1; a negative value means none (the first read is final).
	DeployPolls, InstallPolls int
	// DBPath, when set, keeps the state in a bbolt store there instead of
	// StatePath (org_db.go): opened, or made from the seed when empty, and
	// written one transaction per mutating request with only what it
	// changed. Close the org to let go of it.
	DBPath string
}

// DailyAPILimit is the default DailyApiRequests.Max. Source: fixtures limits-v60.json.
const DailyAPILimit = 15000

// dailyLimit is this org's DailyApiRequests.Max.
func (o *Org) dailyLimit() int {
	if o.opts.DailyAPILimit > 0 {
		return o.opts.DailyAPILimit
	}
	return DailyAPILimit
}

// Org is one emulated Salesforce org. It is safe for concurrent use: requests
// are served one at a time under the org's lock, as the whole org is one
// small in-memory database.
type Org struct {
	opts    Options
	now     func() time.Time
	handler http.Handler
	auth    *oauth.Server

	mu      sync.Mutex
	cat     *schema.Catalog
	st      *store
	meta    *orgMeta
	cursors map[string]*cursor
	nextCur uint64
	bulk    *bulkJobs   // Bulk API 2.0 jobs (bulk2.go), in memory only
	deploys *deployJobs // Metadata deploys (metadata_deploy.go), in memory only
	// blanks are the new-record templates of the catalog's objects
	// (org_fresh.go blankTemplate), made again with the catalog.
	blanks map[*schema.Object]soql.Record
}

// orgMeta is the org's state besides its records (persisted with them).
type orgMeta struct {
	OrgID    string `json:"orgId"`
	AdminID  string `json:"adminId"`
	Counter  uint64 `json:"counter"`
	APICalls int    `json:"apiCalls"`
	// APIDay is the UTC day APICalls counts (a new day starts from zero:
	// DailyApiRequests is a daily allowance, facts §12; Salesforce's rolling
	// 24-hour window is simplified to calendar days).
	APIDay    string            `json:"apiDay,omitempty"`
	Passwords map[string]string `json:"passwords,omitempty"`
	// PSGReadyAt is when each permission set group's recalculation ends
	// (Status goes from Updating to Updated); kept as a timestamp so that the
	// status is right after a restart.
	PSGReadyAt map[string]time.Time `json:"psgReadyAt,omitempty"`
	Seed       *Seed                `json:"seed,omitempty"`
	// OAuthAppID is the ConnectedApplication row of the OAuth client.
	OAuthAppID string `json:"oauthAppId,omitempty"`
	// RefreshTokens are the refresh tokens the web server flow issued and
	// nobody revoked, by oauth.RefreshKey (a hash: the file holds no usable
	// token). They are kept because a real org's refresh tokens outlive
	// restarts and sessions; issued access tokens are not kept (see package
	// oauth).
	RefreshTokens map[string]oauth.RefreshToken `json:"refreshTokens,omitempty"`
	// TokenKeys links each OauthToken row (by Id) to the refresh token it
	// lists, by oauth.RefreshKey (audit.go).
	TokenKeys map[string]string `json:"tokenKeys,omitempty"`
	// Metadata is what Metadata deploys and package installs changed that
	// no record holds (metadata_state.go).
	Metadata *mdState `json:"metadata,omitempty"`
}

// New makes an org: loaded from opts.StatePath when that file exists, else
// a fresh org seeded from opts.Seed.
func New(opts Options) (*Org, error) {
	o := &Org{opts: opts, now: opts.Now, cursors: map[string]*cursor{}}
	if o.now == nil {
		o.now = time.Now
	}
	if o.opts.PSGRecalcDelay == 0 {
		o.opts.PSGRecalcDelay = 2 * time.Second
	}
	loaded := false
	if opts.DBPath != "" {
		ok, err := o.openStore(opts.DBPath)
		if err != nil {
			return nil, err
		}
		loaded = ok
	} else if opts.StatePath != "" {
		ok, err := o.load(opts.StatePath)
		if err != nil {
			return nil, err
		}
		loaded = ok
	}
	if !loaded {
		seed := opts.Seed
		if seed == nil {
			seed = &Seed{}
		}
		o.meta = &orgMeta{Seed: seed, Passwords: map[string]string{}, PSGReadyAt: map[string]time.Time{}}
		if err := o.buildCatalog(); err != nil {
			return nil, err
		}
		db := o.st // the store openStore opened, if any
		o.st = newStore()
		if db != nil {
			o.st.db = db.db
		}
		if err := o.populate(seed); err != nil {
			o.Close()
			return nil, fmt.Errorf("emulator: seed the org: %w", err)
		}
		if opts.StatePath != "" || opts.DBPath != "" {
			if err := o.save(); err != nil {
				return nil, err
			}
		}
	}
	o.auth = oauth.New(oauth.Config{
		ClientID:               opts.ClientID,
		ClientSecret:           opts.ClientSecret,
		JWTCertPEM:             opts.JWTCertPEM,
		TokenLifetime:          opts.TokenLifetime,
		StaticToken:            opts.AccessToken,
		StaticRefreshToken:     opts.RefreshToken,
		StaticUser:             o.adminUser,
		ClientCredentialsUser:  o.runAsUser(),
		OrgID:                  o.meta.OrgID,
		Now:                    o.now,
		CallbackURLs:           opts.CallbackURLs,
		ConsumerSecretOptional: opts.ConsumerSecretOptional,
		Scopes:                 opts.OAuthScopes,
		RefreshTokens:          o.meta.RefreshTokens,
		SaveRefreshTokens:      o.saveRefreshTokens,
	}, directory{o})
	var h http.Handler = http.HandlerFunc(o.serve)
	if opts.Latency > 0 || len(opts.Faults) > 0 {
		w, err := faults.Wrap(h, faults.Config{
			Latency:      opts.Latency,
			Specs:        opts.Faults,
			Seed:         opts.FaultSeed,
			ExpireTokens: o.auth.ExpireAll,
			Counted:      counted,
		})
		if err != nil {
			return nil, fmt.Errorf("emulator: %w", err)
		}
		h = w
	}
	o.handler = h
	return o, nil
}

// saveRefreshTokens keeps the issued refresh tokens in the org's state, and
// in the state file when there is one.
func (o *Org) saveRefreshTokens(tokens map[string]oauth.RefreshToken) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.meta.RefreshTokens = tokens
	if err := o.save(); err != nil {
		// The token reply is written regardless; the operator sees the failure.
		fmt.Fprintln(os.Stderr, err)
	}
}

func (o *Org) buildCatalog() error {
	cfg := schema.Config{PersonAccounts: o.meta.Seed.PersonAccounts, Preferences: o.orgPreferences()}
	for _, so := range o.customObjects() {
		co := schema.CustomObject{Name: so.Name, Label: so.Label}
		for _, f := range so.Fields {
			co.Fields = append(co.Fields, schema.CustomField{Name: f.Name, Type: f.Type, ExternalID: f.ExternalID})
		}
		cfg.Custom = append(cfg.Custom, co)
	}
	cat, err := schema.New(cfg)
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	o.cat = cat
	o.blanks = nil
	o.finishCatalog()
	return nil
}

// ServeHTTP serves the whole API. Duplicate slashes are collapsed before
// routing and never redirected: the sf CLI sends //services/... and cannot
// follow a redirect (real-clients.md §3.2).
func (o *Org) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "//") {
		r2 := r.Clone(r.Context())
		r2.URL.Path = collapseSlashes(r.URL.Path)
		r2.URL.RawPath = ""
		r = r2
	}
	o.handler.ServeHTTP(w, r)
}

func collapseSlashes(p string) string {
	var sb strings.Builder
	sb.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		sb.WriteByte(p[i])
	}
	return sb.String()
}

// APICalls returns how many API requests the org has counted (DailyApiRequests used).
func (o *Org) APICalls() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.rollAPIDay()
	return o.meta.APICalls
}

// rollAPIDay starts a new day's count when the day has changed.
func (o *Org) rollAPIDay() {
	today := o.now().UTC().Format("2006-01-02")
	if o.meta.APIDay != today {
		o.meta.APIDay, o.meta.APICalls = today, 0
	}
}

// OrgID returns the org's 18-character Id.
func (o *Org) OrgID() string { return o.meta.OrgID }

// runAsUser is the client_credentials user of the seed's OAuth app ("" = admin).
func (o *Org) runAsUser() string {
	if a := o.meta.Seed.OAuthApp; a != nil {
		return a.RunAs
	}
	return ""
}

func (o *Org) adminUser() oauth.User {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.oauthUser(o.meta.AdminID)
}

func (o *Org) oauthUser(id string) oauth.User {
	u := oauth.User{ID: id, OrgID: o.meta.OrgID}
	if _, r, ok := o.st.Get(id); ok {
		u.Username, _ = r["Username"].(string)
	}
	return u
}

// newID returns the next Id for an object. Ids come from one counter so that
// an org built from the same requests has the same Ids.
func (o *Org) newID(obj *schema.Object) string {
	o.meta.Counter++
	return sfid.New(obj.KeyPrefix, o.meta.Counter)
}

// timestamp formats t the way Salesforce writes datetimes in JSON.
// Source: sobject-Organization.json ("2022-03-17T16:21:26.000+0000").
func timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000+0000")
}

// directory is the org's users as the OAuth server sees them.
type directory struct{ o *Org }

func (d directory) ByUsername(username string) (oauth.User, bool) {
	d.o.mu.Lock()
	defer d.o.mu.Unlock()
	for _, r := range d.o.st.lookup(ixUsername, username) {
		if u, _ := r["Username"].(string); strings.EqualFold(u, username) {
			return d.o.oauthUser(r["Id"].(string)), true
		}
	}
	return oauth.User{}, false
}

func (d directory) CheckPassword(userID, password string) bool {
	d.o.mu.Lock()
	defer d.o.mu.Unlock()
	stored, ok := d.o.meta.Passwords[sfid.Canonical(userID)]
	return ok && passwordMatches(stored, password)
}

// Approved implements oauth.Approvals for the JWT bearer grant: when the
// client's connected app admits only admin-approved users, a user must be
// pre-authorised through a SetupEntityAccess row for the app on their
// profile's or an assigned permission set (facts §5, §7: "Admin approved
// users are pre-authorized"; otherwise "user hasn't approved this consumer").
func (d directory) Approved(userID string) bool {
	d.o.mu.Lock()
	defer d.o.mu.Unlock()
	_, app, ok := d.o.st.Get(d.o.meta.OAuthAppID)
	if !ok || app["OptionsAllowAdminApprovedUsersOnly"] != true {
		return true
	}
	uid := sfid.Canonical(userID)
	sets := map[any]bool{}
	for _, a := range d.o.st.lookup(ixPSAAssignee, uid) {
		if a["AssigneeId"] == uid {
			sets[a["PermissionSetId"]] = true
		}
	}
	for _, sea := range d.o.st.All("SetupEntityAccess") {
		if sea["SetupEntityId"] == app["Id"] && sets[sea["ParentId"]] {
			return true
		}
	}
	return false
}

func (d directory) IsActive(userID string) bool {
	d.o.mu.Lock()
	defer d.o.mu.Unlock()
	_, r, ok := d.o.st.Get(userID)
	if !ok {
		return false
	}
	active, _ := r["IsActive"].(bool)
	return active
}

// RandomToken returns a fresh access token shaped like Salesforce's
// ("00D...!..."), which the sf CLI recognises as an access token
// (real-clients.md §3.1).
func RandomToken(orgID string) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("emulator: random token: %w", err)
	}
	if len(orgID) > 15 {
		orgID = orgID[:15]
	}
	return orgID + "!AQ" + strings.ToUpper(hex.EncodeToString(b)), nil
}
