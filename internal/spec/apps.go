package spec

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// This file holds connected apps, external client apps and their OAuth policy.

// RefreshTokenPolicy: Mode "untilRevoked" | "immediately" | "expireAfter" (with ExpireAfter like "90d").
type RefreshTokenPolicy struct {
	Mode        string
	ExpireAfter string
}

// AppPolicy is the OAuth policy of a connected app or external client app.
type AppPolicy struct {
	PermittedUsers        string // adminApproved | allSelfAuthorize
	IPRelaxation          string // enforce | relax | relaxWithSecondFactor
	RefreshToken          *RefreshTokenPolicy
	PreAuthorizedPermSets []NamedRef
	PreAuthorizedProfiles []NamedRef
	ClientCredentialsUser *Value
}

// ConnectedApp is a (legacy) connected app's policy.
type ConnectedApp struct {
	Name   string
	Policy *AppPolicy
	If     *Condition
	Pos    Pos
}

// ExternalClientApp is an external client app and its OAuth settings and policy.
type ExternalClientApp struct {
	Name           string
	Label          string
	ContactEmail   *Value
	CallbackURL    string
	Scopes         []string
	JWTCertificate string // path, relative to the spec file, resolved to absolute
	Policy         *AppPolicy
	If             *Condition
	Pos            Pos
}

var (
	connectedAppKeys  = []string{"name", "policy", "if"}
	policyKeys        = []string{"permittedUsers", "ipRelaxation", "refreshToken", "preAuthorized", "clientCredentialsUser"}
	preAuthorizedKeys = []string{"permissionSets", "profiles"}
	ecaKeys           = []string{"name", "label", "contactEmail", "oauth", "policy", "if"}
	oauthKeys         = []string{"callbackUrl", "scopes", "jwtCertificate"}
	refreshTokenKeys  = []string{"expireAfter"}

	permittedUsers = []string{"adminApproved", "allSelfAuthorize"}
	ipRelaxations  = []string{"enforce", "relax", "relaxWithSecondFactor"}
	refreshTokens  = []string{"untilRevoked", "immediately"}

	expireRE = regexp.MustCompile(`^[1-9][0-9]*(h|d|mo)$`)

	// OAuth scopes a connected app or external client app can request.
	// Source: Salesforce Help "OAuth Tokens and Scopes" (scope parameter values).
	oauthScopes = []string{
		"api", "refresh_token", "offline_access", "full", "web", "openid", "id", "profile", "email",
		"address", "phone", "chatter_api", "wave_api", "custom_permissions", "visualforce", "content",
		"lightning", "cdp_api", "cdp_ingest_api", "cdp_profile_api", "cdp_query_api", "cdp_segment_api",
		"cdp_identityresolution_api", "cdp_calculated_insight_api", "pardot_api", "eclair_api",
		"interaction_api", "pwdless_login_api", "forgot_password", "user_registration_api", "sfap_api",
		"einstein_gpt_api", "chatbot_api", "mcp_api",
	}
)

func (p *parser) decodeConnectedApp(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "connected app", connectedAppKeys)
	if !ok {
		return
	}
	app := ConnectedApp{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, app.If) }()
	app.Name, _ = p.requiredStr(f, fs, "name", "connected app")
	if pn := fs.get("policy"); !isNull(pn) {
		app.Policy = p.policy(f, pn)
	}
	if app.Name != "" && p.define("connected app", strings.ToLower(app.Name), fmt.Sprintf("%q", app.Name), app.Pos) {
		p.spec.ConnectedApps = append(p.spec.ConnectedApps, app)
	}
}

func (p *parser) policy(f *file, n *yaml.Node) *AppPolicy {
	fs, ok := p.mapping(f, n, "policy", policyKeys)
	if !ok {
		return nil
	}
	pol := &AppPolicy{
		PermittedUsers: p.enumKey(f, fs, "permittedUsers", "permittedUsers", permittedUsers),
		IPRelaxation:   p.enumKey(f, fs, "ipRelaxation", "ipRelaxation", ipRelaxations),
	}
	if rn := fs.get("refreshToken"); !isNull(rn) {
		switch rn.Kind {
		case yaml.MappingNode:
			rf, ok := p.mapping(f, rn, "refreshToken", refreshTokenKeys)
			if ok {
				en := p.required(f, rf, "expireAfter", "refreshToken")
				if en != nil {
					if s, ok := p.str(f, en, "expireAfter"); ok {
						if !expireRE.MatchString(s) {
							p.errAt(f, en, "invalid expireAfter %q: write a number and a unit, h (hours), d (days) or mo (months), e.g. 90d", s)
						} else {
							pol.RefreshToken = &RefreshTokenPolicy{Mode: "expireAfter", ExpireAfter: s}
						}
					}
				}
			}
		default:
			if s, ok := p.str(f, rn, "refreshToken"); ok {
				if v, ok := p.enum(f, rn, "refreshToken", s, refreshTokens); ok {
					pol.RefreshToken = &RefreshTokenPolicy{Mode: v}
				}
			}
		}
	}
	if pn := fs.get("preAuthorized"); !isNull(pn) {
		if pf, ok := p.mapping(f, pn, "preAuthorized", preAuthorizedKeys); ok {
			pol.PreAuthorizedPermSets = p.namedRefs(f, pf.get("permissionSets"), "permissionSets")
			pol.PreAuthorizedProfiles = p.namedRefs(f, pf.get("profiles"), "profiles")
		}
	}
	if v := p.optValue(f, fs, "clientCredentialsUser"); v != nil {
		if !emailRE.MatchString(v.Value) {
			p.errAt(f, fs.get("clientCredentialsUser"), "invalid clientCredentialsUser %s: expected a username in the form of an email address", quoteValue(*v))
		}
		pol.ClientCredentialsUser = v
	}
	return pol
}

func (p *parser) decodeECA(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "external client app", ecaKeys)
	if !ok {
		return
	}
	app := ExternalClientApp{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, app.If) }()
	name, nameNode := p.requiredValue(f, fs, "name", "external client app")
	if name.Value != "" {
		p.checkAPIName(f, nameNode, "external client app name", name)
		app.Name = name.Value
	}
	if s := p.optStr(f, fs, "label"); s != nil {
		app.Label = *s
		p.maxLen(f, fs.get("label"), "label", *s, 80)
	}
	if v := p.optValue(f, fs, "contactEmail"); v != nil {
		if !emailRE.MatchString(v.Value) {
			p.errAt(f, fs.get("contactEmail"), "invalid contactEmail %s: expected an email address", quoteValue(*v))
		}
		app.ContactEmail = v
	}
	if on := fs.get("oauth"); !isNull(on) {
		if of, ok := p.mapping(f, on, "oauth", oauthKeys); ok {
			if s := p.optStr(f, of, "callbackUrl"); s != nil {
				if u, err := url.Parse(*s); err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "" && u.Path == "") {
					p.errAt(f, of.get("callbackUrl"), "invalid callbackUrl %q: expected an absolute URL", *s)
				}
				app.CallbackURL = *s
			}
			for _, sn := range p.list(f, of.get("scopes"), "scopes") {
				s, ok := p.str(f, sn, "scopes item")
				if !ok {
					continue
				}
				if v, ok := p.enum(f, sn, "OAuth scope", s, oauthScopes); ok {
					app.Scopes = append(app.Scopes, v)
				}
			}
			if s := p.optStr(f, of, "jwtCertificate"); s != nil {
				app.JWTCertificate = p.existingFile(f, of.get("jwtCertificate"), "jwtCertificate", *s)
			}
		}
	}
	if pn := fs.get("policy"); !isNull(pn) {
		app.Policy = p.policy(f, pn)
	}
	if app.Name != "" && p.define("external client app", strings.ToLower(app.Name), fmt.Sprintf("%q", app.Name), app.Pos) {
		p.spec.ExternalClientApps = append(p.spec.ExternalClientApps, app)
	}
}
