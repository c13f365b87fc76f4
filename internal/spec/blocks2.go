package spec

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

var (
	// A username or e-mail address: something@domain.tld. Salesforce checks
	// more, but this catches the usual mistakes (a bare name, a missing domain).
	emailRE  = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)
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

	//go:embed standard_objects.txt
	standardObjectsText string
	standardObjects     = parseStandardObjects(standardObjectsText)
)

func parseStandardObjects(text string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = line
	}
	return m
}

// StandardObjects returns the embedded standard sObject names, sorted.
func StandardObjects() []string {
	out := make([]string, 0, len(standardObjects))
	for _, v := range standardObjects {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// objectName checks an sObject API name offline and returns it in its
// canonical spelling. Names with "__" (custom objects, namespaced objects)
// cannot be checked without the org and pass as written.
func (p *parser) objectName(f *file, n *yaml.Node, s string) string {
	if strings.Contains(s, "__") {
		return s
	}
	if c, ok := standardObjects[strings.ToLower(s)]; ok {
		return c
	}
	p.errAt(f, n, "unknown object %q%s (custom objects end in __c)", s, didYouMean(s, StandardObjects()))
	return s
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// checkAPIName applies Salesforce's developer-name rules. Source: PermissionSet
// object reference, Name field: "can contain only underscores and alphanumeric
// characters ... must begin with a letter, not include spaces, not end with an
// underscore, and not contain two consecutive underscores"; limit 80. A single
// `ns__` prefix is how managed components are named.
func (p *parser) checkAPIName(f *file, n *yaml.Node, what string, v Value) bool {
	s := v.Value
	fail := func(reason string, hint string) bool {
		if v.Secret {
			hint = "" // a hint derived from a secret would leak it
		}
		p.errAt(f, n, "invalid %s %s: %s%s", what, quoteValue(v), reason, hint)
		return false
	}
	if l := len([]rune(s)); l > 80 {
		return fail(fmt.Sprintf("it is %d characters long; the limit is 80", l), "")
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			return fail("use only letters, digits and underscores", didYouMeanName(s))
		}
	}
	body := s
	if ns, rest, found := strings.Cut(s, "__"); found {
		if !namespaceRE.MatchString(ns) || strings.Contains(ns, "_") || rest == "" {
			return fail("two consecutive underscores are only allowed after a namespace prefix (ns__Name)", "")
		}
		body = rest
	}
	switch {
	case body == "" || !unicode.IsLetter(rune(body[0])):
		return fail("it must start with a letter", "")
	case strings.HasSuffix(body, "_"):
		return fail("it must not end with an underscore", didYouMeanName(s))
	case strings.Contains(body, "__"):
		return fail("it must not contain two consecutive underscores", didYouMeanName(s))
	}
	return true
}

// didYouMeanName proposes the API name Setup would derive from a label.
func didYouMeanName(s string) string {
	var b strings.Builder
	lastUnderscore := true
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore {
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	out := strings.TrimRight(b.String(), "_")
	if out == "" || out == s || !unicode.IsLetter(rune(out[0])) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", out)
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

// existingFile resolves a path against the spec file's directory and checks
// that a regular file is there; it returns the absolute path.
func (p *parser) existingFile(f *file, n *yaml.Node, what, s string) string {
	path := s
	if !filepath.IsAbs(path) {
		path = filepath.Join(f.dir, path)
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		p.errAt(f, n, "%s file %q does not exist (paths are relative to the spec file)", what, s)
	case err != nil:
		p.errAt(f, n, "%s file %q: %v", what, s, unwrapPathError(err))
	case !st.Mode().IsRegular():
		p.errAt(f, n, "%s file %q is not a regular file", what, s)
	}
	return path
}

func (p *parser) decodeRemoteSite(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "remote site", remoteSiteKeys)
	if !ok {
		return
	}
	rs := RemoteSite{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, rs.If) }()
	name, nameNode := p.requiredValue(f, fs, "name", "remote site")
	if name.Value != "" {
		p.checkAPIName(f, nameNode, "remote site name", name)
		rs.Name = name.Value
	}
	u, uNode := p.requiredStr(f, fs, "url", "remote site")
	if u != "" {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			p.errAt(f, uNode, "invalid remote site url %q: expected an absolute http:// or https:// URL", u)
		}
		rs.URL = u
	}
	rs.Description = p.description(f, fs)
	rs.DisableProtocolSecurity = p.flag(f, fs, "disableProtocolSecurity")
	rs.Active = p.optBool(f, fs, "active")
	if rs.Name != "" && p.define("remote site", strings.ToLower(rs.Name), fmt.Sprintf("%q", rs.Name), rs.Pos) {
		p.spec.RemoteSites = append(p.spec.RemoteSites, rs)
	}
}

func (p *parser) decodeRecord(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "record", recordKeys)
	if !ok {
		return
	}
	rec := RecordSet{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, rec.If) }()
	obj, objNode := p.requiredStr(f, fs, "object", "record")
	if obj != "" {
		rec.Object = p.objectName(f, objNode, obj)
	}
	if kn := p.required(f, fs, "key", "record"); kn != nil {
		if kn.Kind == yaml.ScalarNode {
			if s, ok := p.str(f, kn, "key"); ok {
				rec.Key = []string{s}
			}
		} else {
			rec.Key = p.stringList(f, kn, "key")
			if len(rec.Key) == 0 && kn.Kind == yaml.SequenceNode {
				p.errAt(f, kn, "record: \"key\" needs at least one field")
			}
		}
	}
	hasValues, hasCSV := !isNull(fs.get("values")), !isNull(fs.get("csv"))
	switch {
	case hasValues && hasCSV:
		p.errAt(f, fs.key("csv"), "record: give either \"values\" or \"csv\", not both")
	case !hasValues && !hasCSV:
		p.errAt(f, fs.node, "record: missing \"values\" or \"csv\"")
	}
	var identity []string
	if hasValues {
		vn := fs.get("values")
		if vn.Kind != yaml.MappingNode {
			p.errAt(f, vn, "values: expected a mapping of field: value, got %s", kindName(vn))
		} else {
			rec.Values = map[string]Value{}
			lines := map[string]int{}
			for i := 0; i+1 < len(vn.Content); i += 2 {
				k, v := vn.Content[i], resolve(vn.Content[i+1])
				if k.Kind != yaml.ScalarNode || k.Value == "" {
					p.errAt(f, k, "expected a field name, got %s", kindName(k))
					continue
				}
				if line, dup := lines[strings.ToLower(k.Value)]; dup {
					p.errAt(f, k, "field %q is given twice; first at line %d", k.Value, line)
					continue
				}
				lines[strings.ToLower(k.Value)] = k.Line
				if isNull(v) {
					rec.Values[k.Value] = Value{Pos: f.pos(v)}
					continue
				}
				if val, ok := p.value(f, v, k.Value); ok {
					rec.Values[k.Value] = val
				}
			}
			for _, key := range rec.Key {
				val, ok := lookupFold(rec.Values, key)
				if !ok {
					if _, wrote := lines[strings.ToLower(key)]; !wrote {
						p.errAt(f, vn, "record: key field %q is missing from values", key)
					}
					continue
				}
				identity = append(identity, key+"="+val.Value)
			}
		}
	}
	if hasCSV {
		if s, ok := p.str(f, fs.get("csv"), "csv"); ok {
			rec.CSV = p.existingFile(f, fs.get("csv"), "csv", s)
			p.checkCSV(f, fs.get("csv"), s, rec.CSV, rec.Key)
			identity = []string{"csv=" + rec.CSV}
		}
	}
	if rec.Object != "" && len(identity) == len(rec.Key) || rec.CSV != "" {
		shown := fmt.Sprintf("%s %s", rec.Object, recordShown(rec))
		if !p.define("record", strings.ToLower(rec.Object)+"\x00"+strings.Join(identity, "\x00"), shown, rec.Pos) {
			return
		}
	}
	p.spec.Records = append(p.spec.Records, rec)
}

func recordShown(rec RecordSet) string {
	if rec.CSV != "" {
		return "from " + filepath.Base(rec.CSV)
	}
	parts := make([]string, 0, len(rec.Key))
	for _, k := range rec.Key {
		v, _ := lookupFold(rec.Values, k)
		parts = append(parts, k+"="+quoteValue(v))
	}
	return "with " + strings.Join(parts, ", ")
}

func lookupFold(m map[string]Value, k string) (Value, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v, true
		}
	}
	return Value{}, false
}

func (p *parser) decodeOrgSettings(f *file, n *yaml.Node) {
	fs, ok := p.mapping(f, n, "orgSettings", orgSettingsKeys)
	if !ok {
		return
	}
	if p.spec.OrgSettings == nil {
		p.spec.OrgSettings = &OrgSettings{Pos: f.pos(n)}
	}
	set := func(k string, dst **bool) {
		b := p.optBool(f, fs, k)
		if b == nil {
			return
		}
		if p.define("org setting", k, fmt.Sprintf("%q", k), f.pos(fs.key(k))) {
			*dst = b
		}
	}
	set("setAuditFieldsOnCreation", &p.spec.OrgSettings.SetAuditFieldsOnCreation)
	set("updateRecordsWithInactiveOwners", &p.spec.OrgSettings.UpdateRecordsWithInactiveOwners)
}

// userFieldKeys are User fields that have their own spec key; writing them
// under `fields:` would fight that key.
var userFieldKeys = map[string]string{
	"username": "username", "firstname": "firstName", "lastname": "lastName", "email": "email",
	"alias": "alias", "profileid": "profile", "timezonesidkey": "timeZone", "localesidkey": "locale",
	"languagelocalekey": "language", "emailencodingkey": "emailEncoding", "isactive": "active",
}

func (p *parser) decodeUser(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "user", userKeys)
	if !ok {
		return
	}
	u := User{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, u.If) }()
	if un := p.required(f, fs, "username", "user"); un != nil {
		if v, ok := p.value(f, un, "username"); ok {
			if !emailRE.MatchString(v.Value) {
				p.errAt(f, un, "invalid username %s: a Salesforce username has the form of an email address (name@example.com)", quoteValue(v))
			} else if l := len(v.Value); l > 80 {
				p.errAt(f, un, "username is %d characters long; the limit is 80", l)
			}
			u.Username = v
		}
	}
	u.FirstName = p.optValue(f, fs, "firstName")
	if v, n := p.requiredValue(f, fs, "lastName", "user"); n != nil {
		u.LastName = &v
	}
	if v, n := p.requiredValue(f, fs, "email", "user"); n != nil {
		u.Email = &v
		if !emailRE.MatchString(v.Value) {
			p.errAt(f, n, "invalid email %s: expected an email address", quoteValue(v))
		}
	}
	u.Alias = p.optValue(f, fs, "alias")
	if u.Alias != nil {
		if l := len([]rune(u.Alias.Value)); l > 8 {
			p.errAt(f, fs.get("alias"), "alias %s is %d characters long; the limit is 8", quoteValue(*u.Alias), l)
		} else if l == 0 {
			p.errAt(f, fs.get("alias"), "alias must not be empty")
		}
	}
	u.Profile, _ = p.requiredStr(f, fs, "profile", "user")
	if s := p.optStr(f, fs, "timeZone"); s != nil {
		u.TimeZone = *s
	}
	if s := p.optStr(f, fs, "locale"); s != nil {
		u.Locale = *s
	}
	if s := p.optStr(f, fs, "language"); s != nil {
		u.Language = *s
	}
	u.EmailEncoding = p.enumKey(f, fs, "emailEncoding", "emailEncoding", emailEncodings)
	u.Active = p.optBool(f, fs, "active")
	if pn := fs.get("password"); !isNull(pn) {
		u.Password = p.password(f, pn)
	}
	if fn := fs.get("fields"); !isNull(fn) {
		if fn.Kind != yaml.MappingNode {
			p.errAt(f, fn, "fields: expected a mapping of User field: value, got %s", kindName(fn))
		} else {
			u.Fields = map[string]Value{}
			lines := map[string]int{}
			for i := 0; i+1 < len(fn.Content); i += 2 {
				k, v := fn.Content[i], resolve(fn.Content[i+1])
				if k.Kind != yaml.ScalarNode || k.Value == "" {
					p.errAt(f, k, "expected a field name, got %s", kindName(k))
					continue
				}
				lk := strings.ToLower(k.Value)
				if own, clash := userFieldKeys[lk]; clash {
					p.errAt(f, k, "field %q has its own key; use %q instead", k.Value, own)
					continue
				}
				if line, dup := lines[lk]; dup {
					p.errAt(f, k, "field %q is given twice; first at line %d", k.Value, line)
					continue
				}
				lines[lk] = k.Line
				if isNull(v) {
					u.Fields[k.Value] = Value{Pos: f.pos(v)}
					continue
				}
				if val, ok := p.value(f, v, k.Value); ok {
					u.Fields[k.Value] = val
				}
			}
		}
	}
	u.PermissionSetLicenses = p.namedRefs(f, fs.get("permissionSetLicenses"), "permissionSetLicenses")
	u.PermissionSets = p.namedRefs(f, fs.get("permissionSets"), "permissionSets")
	u.PermissionSetGroups = p.namedRefs(f, fs.get("permissionSetGroups"), "permissionSetGroups")
	u.Prune = p.flag(f, fs, "prune")
	if u.Username.Value != "" {
		// Usernames are unique regardless of case. Source: User object reference.
		if !p.define("user", strings.ToLower(u.Username.Value), quoteValue(u.Username), u.Pos) {
			return
		}
	}
	p.spec.Users = append(p.spec.Users, u)
}

func (p *parser) password(f *file, n *yaml.Node) *UserPassword {
	if n.Kind == yaml.MappingNode {
		fs, ok := p.mapping(f, n, "password", passwordKeys)
		if !ok {
			return nil
		}
		vn := p.required(f, fs, "fromEnv", "password")
		if vn == nil {
			return nil
		}
		name, ok := p.rawScalar(f, vn, "fromEnv")
		if !ok {
			return nil
		}
		if !varNameRE.MatchString(name) {
			p.errAt(f, vn, "invalid fromEnv %q: expected the name of an environment variable", name)
			return nil
		}
		return &UserPassword{Mode: PasswordFromEnv, FromEnv: name}
	}
	s, ok := p.str(f, n, "password")
	if !ok {
		return nil
	}
	for _, m := range passwordModes {
		if strings.EqualFold(m, s) {
			return &UserPassword{Mode: m}
		}
	}
	// Never echo what was written: it may be a password pasted by mistake.
	p.errAt(f, n, "invalid password setting: expected none, reset or {fromEnv: VAR} (a password never goes in the spec)")
	return nil
}

func (p *parser) decodeAssignment(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "assignment", assignmentKeys)
	if !ok {
		return
	}
	a := Assignment{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, a.If) }()
	var given []string
	for _, k := range []string{"permissionSet", "permissionSetGroup", "permissionSetLicense"} {
		if !fs.has(k) {
			continue
		}
		given = append(given, k)
		if len(given) > 1 {
			p.errAt(f, fs.key(k), "assignment: give only one of \"permissionSet\", \"permissionSetGroup\" and \"permissionSetLicense\"")
			continue
		}
		s, _ := p.requiredStr(f, fs, k, "assignment")
		switch k {
		case "permissionSet":
			a.PermissionSet = s
		case "permissionSetGroup":
			a.PermissionSetGroup = s
		case "permissionSetLicense":
			a.PermissionSetLicense = s
		}
	}
	if len(given) == 0 {
		p.errAt(f, fs.node, "assignment: missing \"permissionSet\", \"permissionSetGroup\" or \"permissionSetLicense\"")
	}
	if tn := p.required(f, fs, "to", "assignment"); tn != nil {
		before := len(p.diags)
		if tf, ok := p.mapping(f, tn, "to", targetKeys); ok {
			for _, un := range p.list(f, tf.get("users"), "users") {
				if v, ok := p.value(f, un, "users item"); ok {
					a.To.Users = append(a.To.Users, v)
				}
			}
			a.To.Profiles = p.stringList(f, tf.get("profiles"), "profiles")
			a.To.PermissionSets = p.stringList(f, tf.get("permissionSets"), "permissionSets")
			a.To.PermissionSetGroups = p.stringList(f, tf.get("permissionSetGroups"), "permissionSetGroups")
			if s := p.optStr(f, tf, "where"); s != nil {
				a.To.Where = strings.TrimSpace(*s)
			}
			t := a.To
			if len(t.Users)+len(t.Profiles)+len(t.PermissionSets)+len(t.PermissionSetGroups) == 0 && t.Where == "" && len(p.diags) == before {
				p.errAt(f, tn, "assignment: \"to\" selects nobody; give users, profiles, permissionSets, permissionSetGroups or where")
			}
		}
	}
	p.spec.Assignments = append(p.spec.Assignments, a)
}

func (p *parser) decodeManualStep(f *file, n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		fs, ok := p.item(f, n, "manual step", manualStepKeys)
		if !ok {
			return
		}
		text, _ := p.requiredStr(f, fs, "text", "manual step")
		if text != "" {
			p.spec.ManualSteps = append(p.spec.ManualSteps, ManualStep{Text: text, If: p.decodeIf(f, fs), After: p.decodeAfter(f, fs), Pos: f.pos(n)})
		}
		return
	}
	if s, ok := p.str(f, n, "manual step"); ok && strings.TrimSpace(s) != "" {
		p.spec.ManualSteps = append(p.spec.ManualSteps, ManualStep{Text: s, Pos: f.pos(n)})
	}
}

// Defaults apply when sfprov creates a thing, never to a thing that exists:
// a spec that leaves out label: must not overwrite a label changed in Setup.
// The parser leaves unset values unset, and the planner asks for these when
// it creates (spec-v1.md: "label defaults from it").

// DefaultEmailEncoding is a new user's emailEncoding when the spec gives none.
const DefaultEmailEncoding = "UTF-8"

// DefaultLabel is the label of a new permission set, group or app whose spec
// gives none: its API name with underscores as spaces.
func DefaultLabel(name string) string { return labelFromName(name) }

// DefaultAlias is a new user's alias when the spec gives none.
func DefaultAlias(u User) *Value { return deriveAlias(u) }

// labelFromName turns an API name into a label: underscores become spaces.
func labelFromName(name string) string {
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '_' }), " ")
}

// deriveAlias makes the default alias: the first 8 letters and digits of the
// last name, lower-cased (the username's local part when the last name has none).
func deriveAlias(u User) *Value {
	from := func(v Value) *Value {
		var b strings.Builder
		n := 0
		for _, r := range strings.ToLower(v.Value) {
			if n == 8 {
				break
			}
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
				n++
			}
		}
		if n == 0 {
			return nil
		}
		return &Value{Value: b.String(), Secret: v.Secret, Pos: v.Pos}
	}
	if u.LastName != nil {
		if a := from(*u.LastName); a != nil {
			return a
		}
	}
	local, _, _ := strings.Cut(u.Username.Value, "@")
	if a := from(Value{Value: local, Secret: u.Username.Secret, Pos: u.Username.Pos}); a != nil {
		return a
	}
	return nil
}
