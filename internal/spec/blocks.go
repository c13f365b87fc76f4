package spec

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sfprov/sfprov/internal/perms"
)

// Key lists of every block, in documentation order. The JSON Schema test
// checks that schema.json lists the same keys.
var (
	packageKeys       = []string{"namespace", "versionId", "securityType", "password", "if"}
	profileKeys       = []string{"name", "cloneFrom", "description", "systemPermissions", "objects", "recordTypeDefaults", "prune", "if"}
	permissionSetKeys = []string{"name", "label", "description", "license", "systemPermissions", "objects", "connectedApps", "apexClasses", "prune", "if"}
	groupKeys         = []string{"name", "label", "description", "permissionSets", "prune", "if"}
	objectKeys        = []string{"object", "access", "fields", "recordTypes", "if"}
	recordTypeKeys    = []string{"object", "recordType", "personAccountDefault", "if"}
	connectedAppKeys  = []string{"name", "policy", "if"}
	policyKeys        = []string{"permittedUsers", "ipRelaxation", "refreshToken", "preAuthorized", "clientCredentialsUser"}
	preAuthorizedKeys = []string{"permissionSets", "profiles"}
	ecaKeys           = []string{"name", "label", "contactEmail", "oauth", "policy", "if"}
	oauthKeys         = []string{"callbackUrl", "scopes", "jwtCertificate"}
	remoteSiteKeys    = []string{"name", "url", "description", "disableProtocolSecurity", "active", "if"}
	recordKeys        = []string{"object", "key", "values", "csv", "if"}
	orgSettingsKeys   = []string{"setAuditFieldsOnCreation", "updateRecordsWithInactiveOwners"}
	userKeys          = []string{"username", "firstName", "lastName", "email", "alias", "profile", "timeZone", "locale", "language", "emailEncoding", "active", "password", "fields", "permissionSetLicenses", "permissionSets", "permissionSetGroups", "prune", "if"}
	assignmentKeys    = []string{"permissionSet", "permissionSetGroup", "permissionSetLicense", "to", "if"}
	targetKeys        = []string{"users", "profiles", "permissionSets", "permissionSetGroups", "where"}
	namedRefKeys      = []string{"name", "if"}
	manualStepKeys    = []string{"text", "if", "after"}
	passwordKeys      = []string{"fromEnv"}
	refreshTokenKeys  = []string{"expireAfter"}
)

// Enumerations, as the spec spells them.
var (
	securityTypes   = []string{"AdminsOnly", "AllUsers"}
	permittedUsers  = []string{"adminApproved", "allSelfAuthorize"}
	ipRelaxations   = []string{"enforce", "relax", "relaxWithSecondFactor"}
	refreshTokens   = []string{"untilRevoked", "immediately"}
	objectAccesses  = []string{AccessRead, AccessCreate, AccessEdit, AccessDelete, AccessViewAll, AccessModifyAll, AccessViewAllFields}
	fieldAccesses   = []string{FieldRead, FieldEdit}
	fieldsShorthand = []string{"all-read", "all-edit"}
	passwordModes   = []string{PasswordNone, PasswordReset}
	// Source: User object reference, EmailEncodingKey picklist.
	emailEncodings = []string{"UTF-8", "ISO-8859-1", "Shift_JIS", "ISO-2022-JP", "EUC-JP", "ks_c_5601-1987", "Big5", "GB2312", "Big5-HKSCS", "x-SJIS_0213"}
)

func (p *parser) decodeDocument(f *file, fs *fields) {
	if n := fs.get("name"); n != nil {
		if s, ok := p.str(f, n, "name"); ok {
			p.setOnce(f, n, "spec name", &p.spec.Name, s)
		}
	}
	if n := fs.get("description"); n != nil && !isNull(n) {
		if s, ok := p.str(f, n, "description"); ok {
			p.setOnce(f, n, "spec description", &p.spec.Description, s)
		}
	}
	for _, n := range p.list(f, fs.get("packages"), "packages") {
		p.decodePackage(f, n)
	}
	for _, n := range p.list(f, fs.get("profiles"), "profiles") {
		p.decodeProfile(f, n)
	}
	for _, n := range p.list(f, fs.get("permissionSets"), "permissionSets") {
		p.decodePermissionSet(f, n)
	}
	for _, n := range p.list(f, fs.get("permissionSetGroups"), "permissionSetGroups") {
		p.decodeGroup(f, n)
	}
	for _, n := range p.list(f, fs.get("connectedApps"), "connectedApps") {
		p.decodeConnectedApp(f, n)
	}
	for _, n := range p.list(f, fs.get("externalClientApps"), "externalClientApps") {
		p.decodeECA(f, n)
	}
	for _, n := range p.list(f, fs.get("remoteSites"), "remoteSites") {
		p.decodeRemoteSite(f, n)
	}
	for _, n := range p.list(f, fs.get("records"), "records") {
		p.decodeRecord(f, n)
	}
	if n := fs.get("orgSettings"); n != nil && !isNull(n) {
		p.decodeOrgSettings(f, n)
	}
	for _, n := range p.list(f, fs.get("users"), "users") {
		p.decodeUser(f, n)
	}
	for _, n := range p.list(f, fs.get("assignments"), "assignments") {
		p.decodeAssignment(f, n)
	}
	for _, n := range p.list(f, fs.get("manualSteps"), "manualSteps") {
		p.decodeManualStep(f, n)
	}
}

// setOnce sets a spec-wide scalar; a different value in another document is
// a conflict reported at both places.
func (p *parser) setOnce(f *file, n *yaml.Node, what string, dst *string, v string) {
	key := "\x01" + what
	if *dst != "" && *dst != v {
		first := p.defs[key].pos
		p.errAt(f, n, "%s %q conflicts with %q set at %s", what, v, *dst, posString(first))
		p.errPos(first, "%s %q is set differently (%q) at %s", what, *dst, v, posString(f.pos(n)))
		return
	}
	if *dst == "" {
		*dst = v
		p.defs[key] = definition{pos: f.pos(n)}
	}
}

// enum matches s against valid ignoring case and returns the canonical
// spelling, or reports `invalid WHAT "s"; did you mean "x"? (valid: ...)`.
func (p *parser) enum(f *file, n *yaml.Node, what, s string, valid []string) (string, bool) {
	for _, v := range valid {
		if strings.EqualFold(v, s) {
			return v, true
		}
	}
	p.errAt(f, n, "invalid %s %q%s (valid: %s)", what, s, didYouMean(s, valid), strings.Join(valid, ", "))
	return "", false
}

func (p *parser) enumKey(f *file, fs *fields, k, what string, valid []string) string {
	n := fs.get(k)
	if isNull(n) {
		return ""
	}
	s, ok := p.str(f, n, k)
	if !ok {
		return ""
	}
	out, _ := p.enum(f, n, what, s, valid)
	return out
}

// item decodes a list item that must be a mapping.
func (p *parser) item(f *file, n *yaml.Node, what string, keys []string) (*fields, bool) {
	return p.mapping(f, n, what, keys)
}

// requiredStr decodes a required string key; "" when missing or invalid.
func (p *parser) requiredStr(f *file, fs *fields, k, what string) (string, *yaml.Node) {
	v, n := p.requiredValue(f, fs, k, what)
	return v.Value, n
}

// requiredValue is requiredStr keeping the secret flag.
func (p *parser) requiredValue(f *file, fs *fields, k, what string) (Value, *yaml.Node) {
	n := p.required(f, fs, k, what)
	if n == nil {
		return Value{}, nil
	}
	v, ok := p.value(f, n, k)
	if !ok {
		return Value{}, nil
	}
	if strings.TrimSpace(v.Value) == "" {
		p.errAt(f, n, "%s: %q must not be empty", what, k)
		return Value{}, nil
	}
	return v, n
}

func (p *parser) maxLen(f *file, n *yaml.Node, what string, s string, max int) {
	if l := len([]rune(s)); l > max {
		p.errAt(f, n, "%s is %d characters long; the limit is %d", what, l, max)
	}
}

func (p *parser) description(f *file, fs *fields) *string {
	d := p.optStr(f, fs, "description")
	if d != nil {
		p.maxLen(f, fs.get("description"), "description", *d, 255)
	}
	return d
}

// namedRefs decodes a list whose items are names or {name, if} mappings.
func (p *parser) namedRefs(f *file, n *yaml.Node, what string) []NamedRef {
	var out []NamedRef
	for _, r := range p.namedRefsAll(f, n, what) {
		// The same name twice without conditions says nothing new, and
		// planning it twice would make the org refuse the second assignment.
		if r.If == nil && containsUnconditional(out, r.Name) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func containsUnconditional(refs []NamedRef, name string) bool {
	for _, r := range refs {
		if r.If == nil && strings.EqualFold(r.Name, name) {
			return true
		}
	}
	return false
}

// namedRefsAll decodes the list keeping repeats.
func (p *parser) namedRefsAll(f *file, n *yaml.Node, what string) []NamedRef {
	var out []NamedRef
	for _, it := range p.list(f, n, what) {
		if it.Kind == yaml.MappingNode {
			fs, ok := p.item(f, it, what+" item", namedRefKeys)
			if !ok {
				continue
			}
			name, _ := p.requiredStr(f, fs, "name", what+" item")
			if name == "" {
				continue
			}
			out = append(out, NamedRef{Name: name, If: p.decodeIf(f, fs), Pos: f.pos(it)})
			continue
		}
		s, ok := p.str(f, it, what+" item")
		if !ok {
			continue
		}
		out = append(out, NamedRef{Name: s, Pos: f.pos(it)})
	}
	return out
}

func (p *parser) stringList(f *file, n *yaml.Node, what string) []string {
	var out []string
	for _, it := range p.list(f, n, what) {
		if s, ok := p.str(f, it, what+" item"); ok {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) systemPermissions(f *file, n *yaml.Node) []SystemPermission {
	var out []SystemPermission
	seen := map[string]bool{}
	for _, ref := range p.namedRefsAll(f, n, "systemPermissions") {
		perm, ok := perms.Lookup(ref.Name)
		if !ok {
			hint := ""
			if s := perms.Suggest(ref.Name); s != "" {
				hint = fmt.Sprintf("; did you mean %q?", s)
			}
			p.errPos(ref.Pos, "unknown system permission %q%s", ref.Name, hint)
			continue
		}
		// The same permission twice without conditions says nothing new.
		if ref.If == nil {
			if seen[perm.Name] {
				continue
			}
			seen[perm.Name] = true
		}
		out = append(out, SystemPermission{Written: ref.Name, Name: perm.Name, If: ref.If, Pos: ref.Pos})
	}
	return out
}

func (p *parser) decodePackage(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "package", packageKeys)
	if !ok {
		return
	}
	pkg := Package{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, pkg.If) }()
	ns, nsNode := p.requiredStr(f, fs, "namespace", "package")
	if ns != "" {
		if !namespaceRE.MatchString(ns) || len(ns) > 15 {
			p.errAt(f, nsNode, "invalid namespace %q: a namespace prefix is up to 15 letters, digits and underscores, starting with a letter", ns)
		}
		pkg.Namespace = ns
	}
	if v := p.optValue(f, fs, "versionId"); v != nil {
		pkg.VersionID = *v
		// Source: salesforce-api-facts.md §9, SubscriberPackageVersion Ids start with 04t.
		if l := len(v.Value); !strings.HasPrefix(v.Value, "04t") || (l != 15 && l != 18) || !isAlnum(v.Value) {
			p.errAt(f, fs.get("versionId"), "invalid versionId %s: a package version Id starts with 04t and is 15 or 18 characters", quoteValue(*v))
		}
	}
	pkg.SecurityType = p.enumKey(f, fs, "securityType", "securityType", securityTypes)
	pkg.Password = p.optValue(f, fs, "password")
	if pkg.Namespace != "" && p.define("package", strings.ToLower(pkg.Namespace), fmt.Sprintf("%q", pkg.Namespace), pkg.Pos) {
		p.spec.Packages = append(p.spec.Packages, pkg)
	}
}

func (p *parser) decodeProfile(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "profile", profileKeys)
	if !ok {
		return
	}
	pr := Profile{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, pr.If) }()
	pr.Name, _ = p.requiredStr(f, fs, "name", "profile")
	if n := fs.get("name"); pr.Name != "" {
		p.maxLen(f, n, "profile name", pr.Name, 255)
	}
	if s := p.optStr(f, fs, "cloneFrom"); s != nil {
		pr.CloneFrom = *s
	}
	pr.Description = p.description(f, fs)
	pr.SystemPermissions = p.systemPermissions(f, fs.get("systemPermissions"))
	pr.Objects = p.objects(f, fs.get("objects"))
	for _, it := range p.list(f, fs.get("recordTypeDefaults"), "recordTypeDefaults") {
		rf, ok := p.item(f, it, "record type default", recordTypeKeys)
		if !ok {
			continue
		}
		d := RecordTypeDefault{Pos: f.pos(it), If: p.decodeIf(f, rf)}
		obj, objNode := p.requiredStr(f, rf, "object", "record type default")
		if obj != "" {
			d.Object = p.objectName(f, objNode, obj)
		}
		d.RecordType, _ = p.requiredStr(f, rf, "recordType", "record type default")
		if s := p.optStr(f, rf, "personAccountDefault"); s != nil {
			d.PersonAccountDefault = *s
		}
		pr.RecordTypeDefaults = append(pr.RecordTypeDefaults, d)
	}
	pr.Prune = p.flag(f, fs, "prune")
	if pr.Name != "" && p.define("profile", strings.ToLower(pr.Name), fmt.Sprintf("%q", pr.Name), pr.Pos) {
		p.spec.Profiles = append(p.spec.Profiles, pr)
	}
}

func (p *parser) decodePermissionSet(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "permission set", permissionSetKeys)
	if !ok {
		return
	}
	ps := PermissionSet{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, ps.If) }()
	name, nameNode := p.requiredValue(f, fs, "name", "permission set")
	if name.Value != "" {
		p.checkAPIName(f, nameNode, "permission set name", name)
		ps.Name = name.Value
	}
	if s := p.optStr(f, fs, "label"); s != nil {
		ps.Label = *s
		p.maxLen(f, fs.get("label"), "label", *s, 80)
	}
	ps.Description = p.description(f, fs)
	if s := p.optStr(f, fs, "license"); s != nil {
		ps.License = *s
	}
	ps.SystemPermissions = p.systemPermissions(f, fs.get("systemPermissions"))
	ps.Objects = p.objects(f, fs.get("objects"))
	ps.ConnectedApps = p.namedRefs(f, fs.get("connectedApps"), "connectedApps")
	ps.ApexClasses = p.namedRefs(f, fs.get("apexClasses"), "apexClasses")
	ps.Prune = p.flag(f, fs, "prune")
	if ps.Name != "" && p.define("permission set", strings.ToLower(ps.Name), fmt.Sprintf("%q", ps.Name), ps.Pos) {
		p.spec.PermissionSets = append(p.spec.PermissionSets, ps)
	}
}

func (p *parser) decodeGroup(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "permission set group", groupKeys)
	if !ok {
		return
	}
	g := PermissionSetGroup{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, g.If) }()
	name, nameNode := p.requiredValue(f, fs, "name", "permission set group")
	if name.Value != "" {
		p.checkAPIName(f, nameNode, "permission set group name", name)
		g.Name = name.Value
	}
	if s := p.optStr(f, fs, "label"); s != nil {
		g.Label = *s
		p.maxLen(f, fs.get("label"), "label", *s, 80)
	}
	g.Description = p.description(f, fs)
	g.PermissionSets = p.namedRefs(f, fs.get("permissionSets"), "permissionSets")
	g.Prune = p.flag(f, fs, "prune")
	if g.Name != "" && p.define("permission set group", strings.ToLower(g.Name), fmt.Sprintf("%q", g.Name), g.Pos) {
		p.spec.PermissionSetGroups = append(p.spec.PermissionSetGroups, g)
	}
}

// objects decodes `objects:` of a profile or permission set.
func (p *parser) objects(f *file, n *yaml.Node) []ObjectAccess {
	var out []ObjectAccess
	seen := map[string]Pos{}
	for _, it := range p.list(f, n, "objects") {
		fs, ok := p.item(f, it, "object access", objectKeys)
		if !ok {
			continue
		}
		oa := ObjectAccess{Pos: f.pos(it), If: p.decodeIf(f, fs)}
		obj, objNode := p.requiredStr(f, fs, "object", "object access")
		if obj != "" {
			oa.Object = p.objectName(f, objNode, obj)
		}
		have := map[string]bool{}
		for _, an := range p.list(f, fs.get("access"), "access") {
			s, ok := p.str(f, an, "access item")
			if !ok {
				continue
			}
			a, ok := objectAccess(s)
			if !ok {
				p.errAt(f, an, "invalid object access %q%s (valid: %s)", s, didYouMean(s, objectAccesses), strings.Join(objectAccesses, ", "))
				continue
			}
			if !have[a] {
				have[a] = true
				oa.Access = append(oa.Access, a)
			}
		}
		if fn := fs.get("fields"); !isNull(fn) {
			p.fieldAccess(f, fn, &oa)
		}
		oa.RecordTypes = p.stringList(f, fs.get("recordTypes"), "recordTypes")
		// One object listed twice in a block is a mistake unless conditions
		// tell the entries apart.
		if oa.Object != "" && oa.If == nil {
			k := strings.ToLower(oa.Object)
			if first, dup := seen[k]; dup {
				p.errPos(oa.Pos, "object %q is listed twice in this block; first at %s", oa.Object, posString(first))
			} else {
				seen[k] = oa.Pos
			}
		}
		out = append(out, oa)
	}
	return out
}

// objectAccess maps a spec spelling, a Setup label ("View All Records") or an
// ObjectPermissions field ("PermissionsViewAllRecords") to an Access* constant.
// Source: salesforce-api-facts.md §4 (ObjectPermissions fields); Setup labels
// as the vendor guides quote them ("View All Records", "Modify All Records").
func objectAccess(s string) (string, bool) {
	k := strings.ToLower(s)
	k = strings.NewReplacer(" ", "", "_", "", "-", "").Replace(k)
	k = strings.TrimPrefix(k, "permissions")
	switch k {
	case "read":
		return AccessRead, true
	case "create":
		return AccessCreate, true
	case "edit":
		return AccessEdit, true
	case "delete":
		return AccessDelete, true
	case "viewall", "viewallrecords":
		return AccessViewAll, true
	case "modifyall", "modifyallrecords":
		return AccessModifyAll, true
	case "viewallfields":
		return AccessViewAllFields, true
	}
	return "", false
}

func (p *parser) fieldAccess(f *file, n *yaml.Node, oa *ObjectAccess) {
	switch n.Kind {
	case yaml.ScalarNode:
		s, ok := p.str(f, n, "fields")
		if !ok {
			return
		}
		if v, ok := p.enum(f, n, "fields value", s, fieldsShorthand); ok {
			oa.FieldsAll = v
		}
	case yaml.MappingNode:
		oa.Fields = map[string]string{}
		oa.FieldPos = map[string]Pos{}
		keyLine := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolve(n.Content[i+1])
			if k.Kind != yaml.ScalarNode || k.Value == "" {
				p.errAt(f, k, "expected a field name, got %s", kindName(k))
				continue
			}
			if line, dup := keyLine[strings.ToLower(k.Value)]; dup {
				p.errAt(f, k, "field %q is given twice; first at line %d", k.Value, line)
				continue
			}
			keyLine[strings.ToLower(k.Value)] = k.Line
			s, ok := p.str(f, v, "field access")
			if !ok {
				continue
			}
			lvl, ok := p.enum(f, v, "field access", s, fieldAccesses)
			if !ok {
				continue
			}
			oa.Fields[k.Value] = lvl
			oa.FieldPos[k.Value] = f.pos(k)
		}
	default:
		p.errAt(f, n, "fields: expected all-read, all-edit or a mapping of field: read|edit, got %s", kindName(n))
	}
}

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
