// Package export turns what an org gives one user into a spec v1: the user,
// its profile (a custom one with its settings, a standard one by name), the
// permission sets, licences and groups assigned to it (the org's own sets
// and groups with their access, managed ones by name), with variables for
// the parts an admin changes from org to org (the username's domain, the
// email). It works on data: state.ReadUser reads the org, Build makes the
// spec, spec.Encode writes it.
//
// The export is made so that applying it to the org it came from plans no
// change: everything in it is read from the org, in the names the planner
// finds it by, and nothing is in it that the planner would write (no
// cloneFrom, which would copy a source's access; no password, which is a
// secret and is set only for a user that sfprov creates).
package export

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/perms"
	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// Variables the export declares, named as the built-in profiles name them.
const (
	VarDomain = "ORG_DOMAIN"
	VarEmail  = "ADMIN_EMAIL"
)

// Options are an export's settings (none yet: the spec is all the org's).
type Options struct{}

// Result is an export: the spec, its YAML, and what could not go in it.
type Result struct {
	Spec     *spec.Spec
	YAML     []byte
	Warnings []string
}

// Export reads username's access from the org and writes it as a spec.
func Export(ctx context.Context, c *salesforce.Client, username string, opts Options) (*Result, error) {
	ua, err := state.ReadUser(ctx, c, username)
	if err != nil {
		return nil, err
	}
	return Build(ua, opts)
}

// Build makes the spec of ua and encodes it. The YAML is read back before it
// is returned: an export that would not load is an error, not a file.
func Build(ua *state.UserAccess, opts Options) (*Result, error) {
	b := &builder{ua: ua, std: standardObjects()}
	s := b.spec()
	var subs []string
	for _, v := range []string{VarDomain, VarEmail} {
		if _, ok := s.Variables[v]; ok {
			subs = append(subs, v)
		}
	}
	out, err := spec.Encode(s, spec.EncodeOptions{Comment: header(ua), Substitute: subs})
	if err != nil {
		return nil, fmt.Errorf("export user %q: %w", ua.User.Username, err)
	}
	if _, ds := spec.Parse("export.yaml", out, spec.Options{}); ds.HasErrors() {
		return nil, fmt.Errorf("export user %q: the spec written does not read back (a bug in sfprov):\n%s", ua.User.Username, strings.Join(ds.Strings(), "\n"))
	}
	return &Result{Spec: s, YAML: out, Warnings: b.warnings}, nil
}

// header says where the spec came from (not from which org: a URL or an
// alias means nothing in another checkout) and what to do with it.
func header(ua *state.UserAccess) string {
	return fmt.Sprintf(`Written by `+"`sfprov export --user %s`"+`.
Applied to the same org, it plans no changes. To create this user in another
org, set ORG_DOMAIN and ADMIN_EMAIL (--var), add cloneFrom: to a custom
profile the org lacks, and password: reset to have Salesforce email a password.
No password, token or other secret is exported.`, ua.User.Username)
}

type builder struct {
	ua       *state.UserAccess
	std      map[string]bool
	warnings []string
}

func (b *builder) warnf(format string, args ...any) {
	b.warnings = append(b.warnings, fmt.Sprintf(format, args...))
}

func standardObjects() map[string]bool {
	out := map[string]bool{}
	for _, o := range spec.StandardObjects() {
		out[strings.ToLower(o)] = true
	}
	return out
}

func val(s string) *spec.Value {
	if s == "" {
		return nil
	}
	return &spec.Value{Value: s}
}

func (b *builder) spec() *spec.Spec {
	u := b.ua.User
	local, domain, _ := strings.Cut(u.Username, "@")
	s := &spec.Spec{
		Version:     1,
		Name:        specName(local),
		Description: "User " + local + " with its profile, permission sets, licences and groups, as sfprov export read them",
		Variables:   map[string]spec.Variable{},
	}
	if domain != "" {
		d := domain
		s.Variables[VarDomain] = spec.Variable{Name: VarDomain, Description: "the domain of the username (" + local + "@" + VarDomain + ")", Default: &d}
	}
	if u.Email != "" {
		e := u.Email
		s.Variables[VarEmail] = spec.Variable{Name: VarEmail, Description: "the email address of the user, where Salesforce sends its login emails", Default: &e}
	}
	user := spec.User{
		Username:  spec.Value{Value: u.Username},
		FirstName: val(u.FirstName),
		LastName:  val(u.LastName),
		Email:     val(u.Email),
		Profile:   u.ProfileName,
		TimeZone:  u.TimeZone,
		Locale:    u.Locale,
		Language:  u.Language,
	}
	// Left unset where the default gives the same: an unset value leaves an
	// existing user's alone, and is the default for a new one.
	draft := user
	if def := spec.DefaultAlias(draft); def == nil || def.Value != u.Alias {
		user.Alias = val(u.Alias)
	}
	if u.EmailEncoding != spec.DefaultEmailEncoding {
		user.EmailEncoding = u.EmailEncoding
	}
	if !u.Active {
		f := false
		user.Active = &f
	}
	for k, v := range map[string]string{"CompanyName": u.CompanyName, "Department": u.Department, "Title": u.Title} {
		if v != "" {
			if user.Fields == nil {
				user.Fields = map[string]spec.Value{}
			}
			user.Fields[k] = spec.Value{Value: v}
		}
	}
	for _, l := range b.ua.Licences {
		user.PermissionSetLicenses = append(user.PermissionSetLicenses, spec.NamedRef{Name: l})
	}
	if p := b.ua.Profile; p != nil && p.Custom && p.AccessRead {
		s.Profiles = append(s.Profiles, b.profile(p))
	}
	defined := map[string]bool{}
	define := func(h *state.AccessHolder) {
		if custom(h) && !defined[strings.ToLower(h.Name)] {
			defined[strings.ToLower(h.Name)] = true
			s.PermissionSets = append(s.PermissionSets, b.permissionSet(h))
		}
	}
	for _, h := range b.ua.Sets {
		define(h)
		user.PermissionSets = append(user.PermissionSets, ref(h.FullName(), h.Namespace))
	}
	for _, g := range b.ua.Groups {
		user.PermissionSetGroups = append(user.PermissionSetGroups, ref(g.FullName(), g.Namespace))
		if g.Namespace != "" {
			continue
		}
		grp := spec.PermissionSetGroup{Name: g.Name}
		if g.Label != spec.DefaultLabel(g.Name) {
			grp.Label = g.Label
		}
		if g.Description != "" {
			d := g.Description
			grp.Description = &d
		}
		for _, m := range g.Members {
			ns, _, packaged := strings.Cut(m, "__")
			if !packaged {
				ns = ""
			}
			grp.PermissionSets = append(grp.PermissionSets, ref(m, ns))
		}
		s.PermissionSetGroups = append(s.PermissionSetGroups, grp)
	}
	for _, h := range b.ua.GroupSets {
		define(h)
	}
	s.Users = []spec.User{user}
	return s
}

// custom: a set of the org's own, exported with its access; the others
// (managed, or standard ones that come with a licence) go by name.
func custom(h *state.AccessHolder) bool { return h.Custom && h.Namespace == "" && h.AccessRead }

// ref names a set or group; a managed one is assigned where its package is
// installed (if: package:ns), as the built-in profiles do.
func ref(name, namespace string) spec.NamedRef {
	r := spec.NamedRef{Name: name}
	if namespace != "" {
		r.If = &spec.Condition{Raw: "package:" + namespace, Kind: "package", Namespace: namespace}
	}
	return r
}

// specName makes a spec name from the username's local part.
func specName(local string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(local) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if n := strings.Trim(b.String(), "-"); n != "" {
		return n
	}
	return "exported-user"
}

func (b *builder) profile(h *state.AccessHolder) spec.Profile {
	p := spec.Profile{Name: h.Name}
	if h.Description != "" {
		d := h.Description
		p.Description = &d
	}
	p.SystemPermissions = b.systemPermissions(h, "profile "+quote(h.Name), true)
	p.Objects = b.objects(h, "profile "+quote(h.Name), false)
	return p
}

func (b *builder) permissionSet(h *state.AccessHolder) spec.PermissionSet {
	what := "permission set " + quote(h.Name)
	p := spec.PermissionSet{Name: h.Name, License: h.Licence}
	if h.Label != spec.DefaultLabel(h.Name) {
		p.Label = h.Label
	}
	if h.Description != "" {
		d := h.Description
		p.Description = &d
	}
	p.SystemPermissions = b.systemPermissions(h, what, false)
	p.Objects = b.objects(h, what, true)
	for _, a := range h.ConnectedApps {
		p.ConnectedApps = append(p.ConnectedApps, spec.NamedRef{Name: a})
	}
	for _, c := range h.ApexClasses {
		p.ApexClasses = append(p.ApexClasses, spec.NamedRef{Name: c})
	}
	return p
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// systemPermissions names each permission that is on by its Setup label
// (the API name where the label is not unique); a permission the catalog
// does not know is left out with a warning, since the spec could not name it.
// On a profile, a permission only Setup can set is left out too: sfprov
// cannot read it there, and would list it as a change in Setup every time.
func (b *builder) systemPermissions(h *state.AccessHolder, what string, profile bool) []spec.SystemPermission {
	var out []spec.SystemPermission
	seen := map[string]bool{}
	var unknown, setupOnly []string
	add := func(name string, metadataOnly bool) {
		p, ok := perms.Lookup(name)
		if !ok {
			unknown = append(unknown, name)
			return
		}
		if seen[p.Name] || (metadataOnly && !p.MetadataOnly) {
			return
		}
		if profile && p.MetadataOnly {
			setupOnly = append(setupOnly, p.Label)
			return
		}
		seen[p.Name] = true
		written := p.Name
		if byLabel, ok := perms.Lookup(p.Label); ok && byLabel.Name == p.Name {
			written = p.Label
		}
		out = append(out, spec.SystemPermission{Written: written, Name: p.Name})
	}
	for _, f := range h.Perms {
		add(strings.TrimPrefix(f, "Permissions"), false)
	}
	for _, name := range h.MetadataPerms {
		add(name, true)
	}
	if len(unknown) > 0 {
		b.warnf("%s: left out %d system permission(s) that sfprov does not know: %s", what, len(unknown), strings.Join(unknown, ", "))
	}
	if len(setupOnly) > 0 {
		b.warnf("%s: left out %s: on a profile only Setup sets it, and sfprov cannot read it", what, strings.Join(setupOnly, ", "))
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Written) < strings.ToLower(out[j].Written) })
	return out
}

// shorthand is "all-edit" or "all-read" when fields are exactly what the
// shorthand gives on obj (every field that takes field permissions, edit
// where it can be edited, or read), else "". The planner reads the same
// describe, so either way the plan is the same; the shorthand is what an
// admin writes.
func (b *builder) shorthand(obj string, fields map[string]string) string {
	all := b.ua.FieldsOf[strings.ToLower(obj)]
	if len(all) == 0 || len(all) != len(fields) {
		return ""
	}
	edit, read := true, true
	for _, f := range all {
		level, ok := fields[f.Name]
		if !ok {
			return ""
		}
		want := spec.FieldRead
		if f.Editable {
			want = spec.FieldEdit
		}
		edit = edit && level == want
		read = read && level == spec.FieldRead
	}
	switch {
	case edit:
		return "all-edit"
	case read:
		return "all-read"
	}
	return ""
}

// objectAccess maps ObjectPermissions fields to the spec's words, in the
// order the spec lists them.
var objectAccess = []struct{ field, word string }{
	{"PermissionsRead", spec.AccessRead},
	{"PermissionsCreate", spec.AccessCreate},
	{"PermissionsEdit", spec.AccessEdit},
	{"PermissionsDelete", spec.AccessDelete},
	{"PermissionsViewAllRecords", spec.AccessViewAll},
	{"PermissionsModifyAllRecords", spec.AccessModifyAll},
	{"PermissionsViewAllFields", spec.AccessViewAllFields},
}

// objects writes one entry per object the holder gives access to, its
// fields or (on a permission set) its record types, sorted by object.
func (b *builder) objects(h *state.AccessHolder, what string, recordTypes bool) []spec.ObjectAccess {
	byObj := map[string]*spec.ObjectAccess{}
	entry := func(obj string) *spec.ObjectAccess {
		if !strings.Contains(obj, "__") && !b.std[strings.ToLower(obj)] {
			return nil
		}
		k := strings.ToLower(obj)
		if byObj[k] == nil {
			byObj[k] = &spec.ObjectAccess{Object: obj}
		}
		return byObj[k]
	}
	var skipped []string
	skip := func(obj string) {
		for _, s := range skipped {
			if s == obj {
				return
			}
		}
		skipped = append(skipped, obj)
	}
	for obj, flags := range h.Objects {
		e := entry(obj)
		if e == nil {
			skip(obj)
			continue
		}
		on := map[string]bool{}
		for _, f := range flags {
			on[f] = true
		}
		for _, a := range objectAccess {
			if on[a.field] {
				e.Access = append(e.Access, a.word)
			}
		}
	}
	for obj, fields := range h.Fields {
		e := entry(obj)
		if e == nil {
			skip(obj)
			continue
		}
		if all := b.shorthand(obj, fields); all != "" {
			e.FieldsAll = all
			continue
		}
		e.Fields = map[string]string{}
		for f, level := range fields {
			e.Fields[f] = level
		}
	}
	if recordTypes {
		for _, rt := range h.RecordTypes {
			obj, name, ok := strings.Cut(rt, ".")
			if !ok {
				continue
			}
			e := entry(obj)
			if e == nil {
				skip(obj)
				continue
			}
			e.RecordTypes = append(e.RecordTypes, name)
		}
	}
	if len(skipped) > 0 {
		sort.Strings(skipped)
		b.warnf("%s: left out the access to %s: not a standard object sfprov knows, nor a custom one", what, strings.Join(skipped, ", "))
	}
	keys := make([]string, 0, len(byObj))
	for k := range byObj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []spec.ObjectAccess
	for _, k := range keys {
		e := byObj[k]
		if len(e.Access) == 0 && len(e.Fields) == 0 && e.FieldsAll == "" && len(e.RecordTypes) == 0 {
			continue
		}
		out = append(out, *e)
	}
	return out
}
