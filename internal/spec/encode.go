package spec

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// EncodeOptions say how Encode writes a spec.
type EncodeOptions struct {
	// Comment goes at the top of the document, each line as a # comment.
	Comment string
	// Substitute names declared variables whose default, wherever it occurs
	// in a value that takes ${NAME} (a username, an email, a record's
	// values...), is written as ${NAME}: the file then reads the same as the
	// spec with the default, and another value with --var. Names, labels,
	// descriptions and conditions are written as they are.
	Substitute []string
}

// Encode writes s as one spec v1 document (spec-v1.md), its blocks and keys
// in the order the format documents them. What is unset (nil, empty, false)
// is left out; a value is quoted only where YAML needs it. Values that the
// parser expanded are written so that they read back the same: a literal
// "${" becomes "$${".
//
// Load(Encode(s)) gives s back, positions aside. Unset is not the same as a
// default: for a thing the org has, an unset label or alias means "leave the
// org's own", so Encode never drops a value that equals sfprov's default
// (defaults.go); a caller that wants it left out leaves it unset.
//
// A secret value (one a `secret: true` variable gave) cannot be written: it
// is an error naming where the value came from.
func Encode(s *Spec, opts EncodeOptions) ([]byte, error) {
	if s == nil {
		return nil, fmt.Errorf("encode spec: no spec")
	}
	e := &encoder{}
	for _, name := range opts.Substitute {
		v, ok := s.Variables[name]
		if !ok {
			return nil, fmt.Errorf("encode spec: substitute ${%s}: the spec declares no variable %q", name, name)
		}
		if v.Default != nil && *v.Default != "" {
			e.subs = append(e.subs, substitution{name: name, value: *v.Default})
		}
	}
	// Longest first, so that a default containing another wins.
	sort.SliceStable(e.subs, func(i, j int) bool { return len(e.subs[i].value) > len(e.subs[j].value) })
	root := e.spec(s)
	if e.err != nil {
		return nil, e.err
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
	if c := strings.TrimSpace(opts.Comment); c != "" {
		lines := strings.Split(c, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight("# "+l, " ")
		}
		doc.HeadComment = strings.Join(lines, "\n")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	return buf.Bytes(), nil
}

type substitution struct{ name, value string }

type encoder struct {
	subs []substitution
	err  error
}

// flowWidth is the longest list or mapping written on one line, as
// spec-v1.md writes short lists ([API Enabled]); longer ones are a block.
const flowWidth = 72

func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if yaml11Bools[strings.ToLower(s)] {
		// Plain for yaml.v3, but a boolean to YAML 1.1 readers (editors,
		// linters): quoted, it reads as text everywhere.
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

var yaml11Bools = map[string]bool{"yes": true, "no": true, "on": true, "off": true, "y": true, "n": true}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// text is a string the parser expanded: "${" is written "$${".
func text(s string) *yaml.Node { return str(escapeVars(s)) }

func escapeVars(s string) string { return strings.ReplaceAll(s, "${", "$${") }

// value writes a Value, with the substitutions.
func (e *encoder) value(v Value, where string) *yaml.Node {
	if v.Secret {
		if e.err == nil {
			at := ""
			if v.Pos.File != "" {
				at = " (" + v.Pos.String() + ")"
			}
			e.err = fmt.Errorf("encode spec: %s%s is secret; a secret is never written to a file", where, at)
		}
		return str("")
	}
	return str(e.substitute(v.Value))
}

func (e *encoder) substitute(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		at, which := -1, -1
		for i, sub := range e.subs {
			if j := strings.Index(s, sub.value); j >= 0 && (at < 0 || j < at) {
				at, which = j, i
			}
		}
		if at < 0 {
			b.WriteString(escapeVars(s))
			break
		}
		b.WriteString(escapeVars(s[:at]))
		b.WriteString("${" + e.subs[which].name + "}")
		s = s[at+len(e.subs[which].value):]
	}
	return b.String()
}

// mapping builds a block mapping; add leaves out nil values.
type mapping struct{ n *yaml.Node }

func newMapping() *mapping { return &mapping{&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}} }

func (m *mapping) add(k string, v *yaml.Node) {
	if v == nil {
		return
	}
	m.n.Content = append(m.n.Content, str(k), v)
}

func (m *mapping) str(k, v string) {
	if v != "" {
		m.add(k, text(v))
	}
}

func (m *mapping) optStr(k string, v *string) {
	if v != nil {
		m.add(k, text(*v))
	}
}

func (m *mapping) flag(k string, b bool) {
	if b {
		m.add(k, boolean(true))
	}
}

func (m *mapping) optBool(k string, b *bool) {
	if b != nil {
		m.add(k, boolean(*b))
	}
}

func (m *mapping) cond(c *Condition) {
	if c != nil {
		m.add("if", str(c.Raw))
	}
}

func (m *mapping) empty() bool { return len(m.n.Content) == 0 }

// flow writes a node on one line when it is short and holds only scalars.
func flow(n *yaml.Node) *yaml.Node {
	width := 2
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return n
		}
		width += len(c.Value) + 2
	}
	if width <= flowWidth {
		n.Style = yaml.FlowStyle
	}
	return n
}

func seq(items []*yaml.Node) *yaml.Node {
	if len(items) == 0 {
		return nil
	}
	return flow(&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items})
}

func textList(list []string) *yaml.Node {
	items := make([]*yaml.Node, len(list))
	for i, s := range list {
		items[i] = text(s)
	}
	return seq(items)
}

// refs writes names; one with a condition is {name: X, if: C}.
func refs(list []NamedRef) *yaml.Node {
	items := make([]*yaml.Node, len(list))
	for i, r := range list {
		if r.If == nil {
			items[i] = text(r.Name)
			continue
		}
		m := newMapping()
		m.str("name", r.Name)
		m.cond(r.If)
		m.n.Style = yaml.FlowStyle
		items[i] = m.n
	}
	return seq(items)
}

func (e *encoder) spec(s *Spec) *yaml.Node {
	m := newMapping()
	m.add("version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"})
	m.str("name", s.Name)
	m.str("description", s.Description)
	m.add("variables", variables(s.Variables))
	var items []*yaml.Node
	for _, p := range s.Packages {
		items = append(items, e.pkg(p))
	}
	m.add("packages", seq(items))
	items = nil
	for _, p := range s.Profiles {
		items = append(items, profile(p))
	}
	m.add("profiles", seq(items))
	items = nil
	for _, p := range s.PermissionSets {
		items = append(items, permissionSet(p))
	}
	m.add("permissionSets", seq(items))
	items = nil
	for _, g := range s.PermissionSetGroups {
		items = append(items, group(g))
	}
	m.add("permissionSetGroups", seq(items))
	items = nil
	for _, a := range s.ConnectedApps {
		am := newMapping()
		am.str("name", a.Name)
		am.add("policy", e.policy(a.Policy))
		am.cond(a.If)
		items = append(items, am.n)
	}
	m.add("connectedApps", seq(items))
	items = nil
	for _, a := range s.ExternalClientApps {
		items = append(items, e.eca(a))
	}
	m.add("externalClientApps", seq(items))
	items = nil
	for _, r := range s.RemoteSites {
		rm := newMapping()
		rm.str("name", r.Name)
		rm.str("url", r.URL)
		rm.optStr("description", r.Description)
		rm.flag("disableProtocolSecurity", r.DisableProtocolSecurity)
		rm.optBool("active", r.Active)
		rm.cond(r.If)
		items = append(items, rm.n)
	}
	m.add("remoteSites", seq(items))
	items = nil
	for _, r := range s.Records {
		items = append(items, e.record(r))
	}
	m.add("records", seq(items))
	if o := s.OrgSettings; o != nil {
		om := newMapping()
		om.optBool("setAuditFieldsOnCreation", o.SetAuditFieldsOnCreation)
		om.optBool("updateRecordsWithInactiveOwners", o.UpdateRecordsWithInactiveOwners)
		if om.empty() {
			om.n.Style = yaml.FlowStyle
		}
		m.add("orgSettings", om.n)
	}
	items = nil
	for _, u := range s.Users {
		items = append(items, e.user(u))
	}
	m.add("users", seq(items))
	items = nil
	for _, a := range s.Assignments {
		items = append(items, e.assignment(a))
	}
	m.add("assignments", seq(items))
	items = nil
	for _, st := range s.ManualSteps {
		items = append(items, manualStep(st))
	}
	m.add("manualSteps", seq(items))
	return m.n
}

// variables are written sorted by name, each on one line:
// NAME: {description: ..., default: ...}. Descriptions and defaults are not
// expanded by the parser, so they are written as they are.
func variables(vars map[string]Variable) *yaml.Node {
	if len(vars) == 0 {
		return nil
	}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	m := newMapping()
	for _, n := range names {
		v := vars[n]
		vm := newMapping()
		if v.Description != "" {
			vm.add("description", str(v.Description))
		}
		if v.Default != nil {
			vm.add("default", str(*v.Default))
		}
		vm.flag("secret", v.Secret)
		vm.flag("placeholder", v.Placeholder)
		vm.n.Style = yaml.FlowStyle
		m.add(n, vm.n)
	}
	return m.n
}

func (e *encoder) pkg(p Package) *yaml.Node {
	m := newMapping()
	m.str("namespace", p.Namespace)
	if p.VersionID.Value != "" || p.VersionID.Secret {
		m.add("versionId", e.value(p.VersionID, "package "+p.Namespace+" versionId"))
	}
	m.str("securityType", p.SecurityType)
	if p.Password != nil {
		m.add("password", e.value(*p.Password, "package "+p.Namespace+" password"))
	}
	m.cond(p.If)
	return m.n
}

func systemPermissions(list []SystemPermission) *yaml.Node {
	out := make([]NamedRef, len(list))
	for i, p := range list {
		name := p.Written
		if name == "" {
			name = p.Name
		}
		out[i] = NamedRef{Name: name, If: p.If}
	}
	return refs(out)
}

func objects(list []ObjectAccess) *yaml.Node {
	var items []*yaml.Node
	for _, o := range list {
		m := newMapping()
		m.str("object", o.Object)
		m.add("access", textList(o.Access))
		switch {
		case o.FieldsAll != "":
			m.add("fields", str(o.FieldsAll))
		case o.Fields != nil:
			fm := newMapping()
			names := make([]string, 0, len(o.Fields))
			for f := range o.Fields {
				names = append(names, f)
			}
			sort.Strings(names)
			for _, f := range names {
				fm.add(f, str(o.Fields[f]))
			}
			m.add("fields", flow(fm.n))
		}
		m.add("recordTypes", textList(o.RecordTypes))
		m.cond(o.If)
		items = append(items, m.n)
	}
	return seq(items)
}

func profile(p Profile) *yaml.Node {
	m := newMapping()
	m.str("name", p.Name)
	m.str("cloneFrom", p.CloneFrom)
	m.optStr("description", p.Description)
	m.add("systemPermissions", systemPermissions(p.SystemPermissions))
	m.add("objects", objects(p.Objects))
	var items []*yaml.Node
	for _, d := range p.RecordTypeDefaults {
		dm := newMapping()
		dm.str("object", d.Object)
		dm.str("recordType", d.RecordType)
		dm.str("personAccountDefault", d.PersonAccountDefault)
		dm.cond(d.If)
		items = append(items, dm.n)
	}
	m.add("recordTypeDefaults", seq(items))
	m.flag("prune", p.Prune)
	m.cond(p.If)
	return m.n
}

func permissionSet(p PermissionSet) *yaml.Node {
	m := newMapping()
	m.str("name", p.Name)
	m.str("label", p.Label)
	m.optStr("description", p.Description)
	m.str("license", p.License)
	m.add("systemPermissions", systemPermissions(p.SystemPermissions))
	m.add("objects", objects(p.Objects))
	m.add("connectedApps", refs(p.ConnectedApps))
	m.add("apexClasses", refs(p.ApexClasses))
	m.flag("prune", p.Prune)
	m.cond(p.If)
	return m.n
}

func group(g PermissionSetGroup) *yaml.Node {
	m := newMapping()
	m.str("name", g.Name)
	m.str("label", g.Label)
	m.optStr("description", g.Description)
	m.add("permissionSets", refs(g.PermissionSets))
	m.flag("prune", g.Prune)
	m.cond(g.If)
	return m.n
}

func (e *encoder) policy(p *AppPolicy) *yaml.Node {
	if p == nil {
		return nil
	}
	m := newMapping()
	m.str("permittedUsers", p.PermittedUsers)
	m.str("ipRelaxation", p.IPRelaxation)
	if r := p.RefreshToken; r != nil {
		if r.Mode == "expireAfter" {
			rm := newMapping()
			rm.str("expireAfter", r.ExpireAfter)
			rm.n.Style = yaml.FlowStyle
			m.add("refreshToken", rm.n)
		} else {
			m.str("refreshToken", r.Mode)
		}
	}
	if len(p.PreAuthorizedPermSets)+len(p.PreAuthorizedProfiles) > 0 {
		pm := newMapping()
		pm.add("permissionSets", refs(p.PreAuthorizedPermSets))
		pm.add("profiles", refs(p.PreAuthorizedProfiles))
		m.add("preAuthorized", pm.n)
	}
	if p.ClientCredentialsUser != nil {
		m.add("clientCredentialsUser", e.value(*p.ClientCredentialsUser, "clientCredentialsUser"))
	}
	if m.empty() {
		m.n.Style = yaml.FlowStyle
	}
	return m.n
}

func (e *encoder) eca(a ExternalClientApp) *yaml.Node {
	m := newMapping()
	m.str("name", a.Name)
	m.str("label", a.Label)
	if a.ContactEmail != nil {
		m.add("contactEmail", e.value(*a.ContactEmail, "external client app "+a.Name+" contactEmail"))
	}
	if a.CallbackURL != "" || len(a.Scopes) > 0 || a.JWTCertificate != "" {
		om := newMapping()
		om.str("callbackUrl", a.CallbackURL)
		om.add("scopes", textList(a.Scopes))
		om.str("jwtCertificate", a.JWTCertificate)
		m.add("oauth", om.n)
	}
	m.add("policy", e.policy(a.Policy))
	m.cond(a.If)
	return m.n
}

func (e *encoder) record(r RecordSet) *yaml.Node {
	m := newMapping()
	m.str("object", r.Object)
	m.add("key", textList(r.Key))
	if r.CSV != "" {
		m.str("csv", r.CSV)
	} else if r.Values != nil {
		m.add("values", e.values(r.Values, r.Key, r.Object+" record"))
	}
	m.cond(r.If)
	return m.n
}

// values writes field: value pairs, the first fields (a record's key) in
// their order and the rest sorted.
func (e *encoder) values(vals map[string]Value, first []string, where string) *yaml.Node {
	m := newMapping()
	done := map[string]bool{}
	write := func(k string) {
		if done[k] {
			return
		}
		done[k] = true
		m.add(k, e.value(vals[k], where+" field "+k))
	}
	for _, k := range first {
		for vk := range vals {
			if strings.EqualFold(vk, k) {
				write(vk)
			}
		}
	}
	rest := make([]string, 0, len(vals))
	for k := range vals {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		write(k)
	}
	return flow(m.n)
}

func (e *encoder) user(u User) *yaml.Node {
	m := newMapping()
	who := "user " + u.Username.Redacted()
	m.add("username", e.value(u.Username, "user username"))
	opt := func(k string, v *Value) {
		if v != nil {
			m.add(k, e.value(*v, who+" "+k))
		}
	}
	opt("firstName", u.FirstName)
	opt("lastName", u.LastName)
	opt("email", u.Email)
	opt("alias", u.Alias)
	m.str("profile", u.Profile)
	m.str("timeZone", u.TimeZone)
	m.str("locale", u.Locale)
	m.str("language", u.Language)
	m.str("emailEncoding", u.EmailEncoding)
	m.optBool("active", u.Active)
	if p := u.Password; p != nil {
		if p.Mode == PasswordFromEnv {
			pm := newMapping()
			pm.add("fromEnv", str(p.FromEnv))
			pm.n.Style = yaml.FlowStyle
			m.add("password", pm.n)
		} else {
			m.str("password", p.Mode)
		}
	}
	if u.Fields != nil {
		m.add("fields", e.values(u.Fields, nil, who))
	}
	m.add("permissionSetLicenses", refs(u.PermissionSetLicenses))
	m.add("permissionSets", refs(u.PermissionSets))
	m.add("permissionSetGroups", refs(u.PermissionSetGroups))
	m.flag("prune", u.Prune)
	m.cond(u.If)
	return m.n
}

func (e *encoder) assignment(a Assignment) *yaml.Node {
	m := newMapping()
	m.str("permissionSet", a.PermissionSet)
	m.str("permissionSetGroup", a.PermissionSetGroup)
	m.str("permissionSetLicense", a.PermissionSetLicense)
	tm := newMapping()
	var users []*yaml.Node
	for _, u := range a.To.Users {
		users = append(users, e.value(u, "assignment user"))
	}
	tm.add("users", seq(users))
	tm.add("profiles", textList(a.To.Profiles))
	tm.add("permissionSets", textList(a.To.PermissionSets))
	tm.add("permissionSetGroups", textList(a.To.PermissionSetGroups))
	tm.str("where", a.To.Where)
	m.add("to", tm.n)
	m.cond(a.If)
	return m.n
}

func manualStep(s ManualStep) *yaml.Node {
	if s.If == nil && s.After == nil {
		return text(s.Text)
	}
	m := newMapping()
	m.str("text", s.Text)
	m.cond(s.If)
	if s.After != nil {
		m.add("after", text(s.After.Kind+":"+s.After.Name))
	}
	return m.n
}
