package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// External Client Apps (integration-metadata-facts.md §3.2). An app is made
// by one deploy of its header, OAuth settings and global OAuth settings
// ("deploy all ECA components in one call", trap 4). Salesforce then
// generates its OAuth policies under a name of its own (trap 1), so the
// policies are a step of their own, in a later wave: apply finds the
// generated name first, and the permission sets the policies pre-authorise
// must by then exist and be assigned to the deploying admin (trap 3), which
// this plan does in the assignment wave before it. The consumer key is the
// org's (it cannot be changed once made, trap 4); the secret is never read.

// GeneratedName marks a metadata step's component whose fullName Salesforce
// generated: apply lists Type and takes the name that starts with Prefix
// ("<App>_") before it deploys.
type GeneratedName struct {
	Type   string
	Prefix string
}

// ecaValues translate the spec's words for a policy into the Metadata
// API's (meta_extlclntappoauthconfigurablepolicies.htm; salesforce-api-facts.md
// §7: "Relax IP restrictions" is Bypass, "... with second factor"
// Bypass_2factor).
var (
	permittedUsersValue = map[string]string{"adminApproved": "AdminApprovedPreAuthorized", "allSelfAuthorize": "AllSelfAuthorized"}
	ipRelaxationValue   = map[string]string{"enforce": "Enforce", "relax": "Bypass", "relaxWithSecondFactor": "Bypass_2factor"}
	refreshUnitValue    = map[string]string{"h": "Hours", "d": "Days", "mo": "Months"}
)

func (pl *planner) externalClientApps() {
	for i := range pl.s.ExternalClientApps {
		a := &pl.s.ExternalClientApps[i]
		if pl.cond(a.If) {
			pl.externalClientApp(a)
		}
	}
}

func (pl *planner) externalClientApp(a *spec.ExternalClientApp) {
	have := pl.st.ECAs[lower(a.Name)]
	label := a.Label
	if label == "" {
		label = spec.DefaultLabel(a.Name)
	}
	want := metadata.ExternalClientApp{Name: a.Name, Label: label}
	if a.ContactEmail != nil {
		want.ContactEmail = a.ContactEmail.Value
	}
	if have != nil {
		want.Name = have.Name // as the org spells it
	}
	var changes []Change
	diff := func(field string, before, after any, differ bool) {
		if have == nil || differ {
			if have == nil {
				before = nil
			}
			changes = append(changes, Change{Field: field, Before: before, After: after})
		}
	}
	var haveLabel, haveEmail string
	if have != nil {
		haveLabel, haveEmail = have.Label, have.ContactEmail
	}
	diff("label", haveLabel, label, haveLabel != label)
	if a.ContactEmail != nil {
		diff("contactEmail", haveEmail, want.ContactEmail, !strings.EqualFold(haveEmail, want.ContactEmail))
	}
	parts := false // whether the OAuth parts are written
	if a.CallbackURL != "" || len(a.Scopes) > 0 || a.JWTCertificate != "" {
		var scopes []string
		for _, s := range a.Scopes {
			n, ok := metadata.ScopeName(s)
			if !ok {
				pl.errorf(a.Pos, "external client app %q: sfprov does not know the Metadata name of OAuth scope %q, so it cannot write it", a.Name, s)
				return
			}
			scopes = append(scopes, n)
		}
		if len(scopes) == 0 {
			pl.errorf(a.Pos, "external client app %q: oauth needs scopes (e.g. [api])", a.Name)
			return
		}
		if a.CallbackURL == "" {
			pl.errorf(a.Pos, "external client app %q: oauth needs a callbackUrl (Salesforce requires one even when no flow uses it)", a.Name)
			return
		}
		cert := ""
		if a.JWTCertificate != "" {
			var err error
			if cert, err = certificateBody(a.JWTCertificate); err != nil {
				pl.errorf(a.Pos, "external client app %q: jwtCertificate: %v", a.Name, err)
				return
			}
		}
		ccFlow := a.Policy != nil && a.Policy.ClientCredentialsUser != nil
		want.OAuth = &metadata.ECAOAuthSettings{Scopes: scopes}
		want.GlobalOAuth = &metadata.ECAGlobalOAuthSettings{CallbackURLs: []string{a.CallbackURL}, Certificate: cert}
		if ccFlow {
			want.GlobalOAuth.IsClientCredentialsFlowEnabled = metadata.Bool(true)
		}
		var o *metadata.ECAOAuthSettings
		var g *metadata.ECAGlobalOAuthSettings
		if have != nil {
			o, g = have.OAuth, have.GlobalOAuth
		}
		var haveScopes, haveCallbacks []string
		haveCert, haveCC := "", false
		if o != nil {
			haveScopes = o.Scopes
		}
		if g != nil {
			haveCallbacks, haveCert = g.CallbackURLs, g.Certificate
			haveCC = g.IsClientCredentialsFlowEnabled != nil && *g.IsClientCredentialsFlowEnabled
			// The key stays what the org made: a deploy cannot change it.
			want.GlobalOAuth.ConsumerKey = g.ConsumerKey
		}
		n := len(changes)
		diff("scopes", strings.Join(haveScopes, ", "), strings.Join(scopes, ", "), o == nil || !metadata.SameList(haveScopes, scopes))
		diff("callbackUrl", strings.Join(haveCallbacks, " "), a.CallbackURL, g == nil || !metadata.SameList(haveCallbacks, []string{a.CallbackURL}))
		if cert != "" || haveCert != "" {
			diff("certificate", fingerprint(haveCert), fingerprint(cert), stripPEM(haveCert) != cert)
		}
		if ccFlow || haveCC {
			diff("clientCredentialsFlow", haveCC, ccFlow, haveCC != ccFlow)
		}
		parts = len(changes) > n || have == nil || o == nil || g == nil
	}
	if have == nil || len(changes) > 0 {
		files, err := metadata.ExternalClientAppFiles(pickParts(want, parts))
		if err != nil {
			pl.errorf(a.Pos, "external client app %q: %v", a.Name, err)
			return
		}
		step := &Step{Action: Update, Type: TypeExternalClientApp, Name: a.Name, SObject: metadata.TypeExternalClientApp, Changes: changes, Metadata: &Metadata{Files: files}, Pos: a.Pos}
		if have == nil {
			step.Action = Create
			step.Note = "consumer key printed once created"
		}
		pl.add(step)
	} else {
		pl.add(&Step{Action: NoOp, Type: TypeExternalClientApp, Name: a.Name, SObject: metadata.TypeExternalClientApp})
	}
	if have != nil && have.GlobalOAuth != nil && have.GlobalOAuth.ConsumerKey != "" {
		pl.p.ManualSteps = append(pl.p.ManualSteps, fmt.Sprintf("External client app %q: its consumer key is %s; the consumer secret is in Setup → External Client App Manager → %s → Settings → OAuth Settings → Consumer Key and Secret (sfprov never shows or keeps it).",
			label, have.GlobalOAuth.ConsumerKey, label))
	}
	if a.Policy != nil {
		pl.ecaPolicies(a, have, label)
	}
}

// pickParts drops the OAuth parts when they need no write: a deploy leaves
// a part it does not carry as it is.
func pickParts(app metadata.ExternalClientApp, parts bool) metadata.ExternalClientApp {
	if !parts {
		app.OAuth, app.GlobalOAuth = nil, nil
	}
	return app
}

// ecaPolicies plans an app's OAuth policies.
func (pl *planner) ecaPolicies(a *spec.ExternalClientApp, have *state.ECA, label string) {
	pol := a.Policy
	want := &metadata.ECAOAuthPolicies{Label: label + " OAuth Policies"}
	if v := pol.PermittedUsers; v != "" {
		want.PermittedUsers = permittedUsersValue[v]
	}
	if v := pol.IPRelaxation; v != "" {
		want.IPRelaxation = ipRelaxationValue[v]
	}
	if rt := pol.RefreshToken; rt != nil {
		switch rt.Mode {
		case "untilRevoked":
			want.RefreshTokenPolicy = "Infinite"
		case "immediately":
			want.RefreshTokenPolicy = "Zero"
		case "expireAfter":
			num := strings.TrimRight(rt.ExpireAfter, "hdmo")
			n, err := strconv.Atoi(num)
			if err != nil || n <= 0 {
				pl.errorf(a.Pos, "external client app %q: refreshToken expireAfter %q is not a number and a unit", a.Name, rt.ExpireAfter)
				return
			}
			want.RefreshTokenPolicy, want.RefreshTokenValidityPeriod = "SpecificLifetime", n
			want.RefreshTokenValidityUnit = refreshUnitValue[rt.ExpireAfter[len(num):]]
		}
	}
	for _, r := range pol.PreAuthorizedPermSets {
		key, name, ok := pl.permSetRef(r)
		if !ok {
			continue
		}
		want.PermissionSets = append(want.PermissionSets, name)
		pl.adminAssignment(key, name, a.Name)
	}
	for _, r := range pol.PreAuthorizedProfiles {
		p := pl.st.Profiles[lower(r.Name)]
		if p == nil && !pl.specProfile(r.Name) {
			pl.errorf(r.Pos, "external client app %q: no profile %q to pre-authorise", a.Name, r.Name)
			continue
		}
		want.Profiles = append(want.Profiles, r.Name)
	}
	if u := pol.ClientCredentialsUser; u != nil {
		want.ClientCredentialsUser = u.Value
	}
	if (len(want.PermissionSets) > 0 || len(want.Profiles) > 0) && want.PermittedUsers == "" {
		want.PermittedUsers = "AdminApprovedPreAuthorized"
	}
	var cur *metadata.ECAOAuthPolicies
	if have != nil {
		cur = have.OAuthPolicies
	}
	var changes []Change
	diff := func(field, before, after string) {
		if after == "" || strings.EqualFold(before, after) {
			return
		}
		var b any = before
		if cur == nil {
			b = nil
		}
		changes = append(changes, Change{Field: field, Before: b, After: after})
	}
	var c metadata.ECAOAuthPolicies
	if cur != nil {
		c = *cur
	}
	diff("permittedUsers", c.PermittedUsers, want.PermittedUsers)
	if !metadata.SameList(c.PermissionSets, want.PermissionSets) {
		diff("preAuthorizedPermissionSets", strings.Join(c.PermissionSets, ", "), strings.Join(want.PermissionSets, ", "))
	}
	if !metadata.SameList(c.Profiles, want.Profiles) {
		diff("preAuthorizedProfiles", strings.Join(c.Profiles, ", "), strings.Join(want.Profiles, ", "))
	}
	diff("ipRelaxation", c.IPRelaxation, want.IPRelaxation)
	diff("refreshTokenPolicy", c.RefreshTokenPolicy, want.RefreshTokenPolicy)
	if want.RefreshTokenValidityPeriod > 0 {
		diff("refreshTokenValidity", validity(c), validity(*want))
	}
	diff("clientCredentialsUser", c.ClientCredentialsUser, want.ClientCredentialsUser)
	if cur != nil && len(changes) == 0 {
		return
	}
	if cur != nil {
		// What the spec does not set stays as the org has it: the file
		// is declarative (a setting left out may be reset).
		keep := *cur
		mergePolicies(&keep, want)
		want = &keep
	}
	step := &Step{Action: Update, Type: TypeECAPolicies, Name: a.Name, SObject: metadata.TypeECAOAuthPolicies, Changes: changes, Pos: a.Pos}
	if cur != nil {
		want.FullName = cur.FullName
	} else {
		// Named by Salesforce when the app was made: found by apply.
		want.FullName = a.Name + "_oauthPlcy"
		step.Note = "under the name Salesforce gave them"
	}
	files, err := metadata.ExternalClientAppFiles(metadata.ExternalClientApp{Name: a.Name, Label: label, OAuthPolicies: want})
	if err != nil {
		pl.errorf(a.Pos, "external client app %q: %v", a.Name, err)
		return
	}
	md := &Metadata{Files: files[1:]} // the header is the app step's
	if cur == nil {
		md.Generated = &GeneratedName{Type: metadata.TypeECAOAuthPolicies, Prefix: a.Name + "_"}
	}
	step.Metadata = md
	pl.add(step)
}

// mergePolicies sets on keep what want sets.
func mergePolicies(keep, want *metadata.ECAOAuthPolicies) {
	keep.Label = want.Label
	if want.PermittedUsers != "" {
		keep.PermittedUsers = want.PermittedUsers
	}
	keep.PermissionSets, keep.Profiles = want.PermissionSets, want.Profiles
	if want.IPRelaxation != "" {
		keep.IPRelaxation = want.IPRelaxation
	}
	if want.RefreshTokenPolicy != "" {
		keep.RefreshTokenPolicy, keep.RefreshTokenValidityPeriod, keep.RefreshTokenValidityUnit = want.RefreshTokenPolicy, want.RefreshTokenValidityPeriod, want.RefreshTokenValidityUnit
	}
	if want.ClientCredentialsUser != "" {
		keep.ClientCredentialsUser = want.ClientCredentialsUser
	}
}

func validity(p metadata.ECAOAuthPolicies) string {
	if p.RefreshTokenValidityPeriod == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s", p.RefreshTokenValidityPeriod, p.RefreshTokenValidityUnit)
}

// adminAssignment assigns a permission set that an app pre-authorises to
// the admin sfprov runs as, unless they hold it: Salesforce refuses the
// policies otherwise (§3.2 trap 3, "confirmed against a live Salesforce
// validation error").
func (pl *planner) adminAssignment(set Key, name, app string) {
	admin := pl.st.Username
	u := pl.st.Users[lower(admin)]
	if u == nil {
		return // read when the spec pre-authorises a set; absent only in tests
	}
	if id := pl.p.IDs[set]; id != "" {
		if _, ok := u.Sets[state.Key15(id)]; ok {
			return
		}
	}
	for _, s := range pl.p.Steps {
		if s.Type == TypePermSetAssign && s.Refs["AssigneeId"] == UserKey(lower(admin)) && s.Refs["PermissionSetId"] == set {
			return
		}
	}
	pl.add(&Step{Action: Create, Type: TypePermSetAssign, Name: name, Parent: "user " + quoteName(admin) + " (you)", SObject: "PermissionSetAssignment",
		Note:   "Salesforce lets external client app " + quoteName(app) + " pre-authorise only sets its deploying admin holds",
		Fields: map[string]any{}, Refs: map[string]Key{"AssigneeId": UserKey(lower(admin)), "PermissionSetId": set}, Changes: []Change{{Field: "PermissionSet", After: name}}})
}

// specProfile reports whether the spec makes a profile of that name.
func (pl *planner) specProfile(name string) bool {
	for _, p := range pl.s.Profiles {
		if strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}

// certificateBody reads a PEM certificate file and returns its base64 body,
// as ECA files carry it (practitioners deploy the body without the
// BEGIN/END lines; UNCONFIRMED whether the full PEM is accepted too).
func certificateBody(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if len(b) > 64<<10 {
		return "", fmt.Errorf("%s: %d bytes is not a certificate", path, len(b))
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return "", fmt.Errorf("%s is not a PEM certificate (-----BEGIN CERTIFICATE-----)", path)
	}
	return stripPEM(string(b)), nil
}

// stripPEM is the base64 body of a certificate, PEM or bare.
func stripPEM(s string) string {
	var out strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "-----") {
			continue
		}
		out.WriteString(line)
	}
	return out.String()
}

// fingerprint names a certificate in a plan without printing it.
func fingerprint(cert string) string {
	if cert == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(stripPEM(cert)))
	return "sha256:" + hex.EncodeToString(sum[:8])
}
