package state

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// This file reads, for `sfprov export`, everything one user holds: the user,
// its profile, the permission sets, licences and groups assigned to it, and
// the access of the profile and of each set. It costs four /composite
// rounds at most whatever the number of sets (the user and the lists; the sets and
// groups by Id; their access rows by Id; the describes of the objects they
// give field access on), and, beside the third round, one
// Tooling Metadata request per custom permission set (Salesforce returns the
// Metadata of one row per request): record type visibilities and the user
// permissions only Metadata holds.

// ErrNoUser is returned by ReadUser when the org has no user by that name.
var ErrNoUser = errors.New("no such user")

// UserAccess is one user and everything that gives it access.
type UserAccess struct {
	User     UserFields
	Profile  *AccessHolder   // the profile, its access read only when it is custom
	Sets     []*AccessHolder // assigned directly, by full name
	Licences []string        // permission set licences (MasterLabel), sorted
	Groups   []*GroupMembers // assigned groups, by full name
	// GroupSets are the member sets of the groups that are not assigned
	// directly too, by full name.
	GroupSets []*AccessHolder
	// ObjectPermFields are the Permissions* fields of ObjectPermissions (the
	// org's API version may lack PermissionsViewAllFields).
	ObjectPermFields map[string]bool
	// FieldsOf are, for each object a custom holder gives field access on
	// (by lower name), the fields that take field permissions, from its
	// describe: what `fields: all-read` and `all-edit` mean there.
	FieldsOf map[string][]PermissionableField
}

// PermissionableField is a field that takes field permissions; Editable
// when it can be given edit (not calculated, createable or updateable), as
// the planner reads `all-edit`.
type PermissionableField struct {
	Name     string
	Editable bool
}

// UserFields are the User fields a spec sets.
type UserFields struct {
	ID, Username, FirstName, LastName, Email, Alias                string
	TimeZone, Locale, Language, EmailEncoding                      string
	Active                                                         bool
	Department, Title, CompanyName                                 string
	ProfileName, ProfileDescription, ProfileLicence, ProfileHolder string
}

// AccessHolder is a permission set, or the permission set a profile owns,
// with its access.
type AccessHolder struct {
	ID, Name, Namespace, Label, Description string
	// Custom: an admin made it (a custom profile, a set of the org's own);
	// false for standard profiles and the sets that come with a licence.
	Custom  bool
	Licence string // its permission set licence (MasterLabel) or user licence (Name)
	// Perms are the Permissions* fields that are on, sorted.
	Perms []string
	// Objects: SobjectType → the ObjectPermissions flags that are on.
	Objects map[string][]string
	// Fields: SobjectType → field name → "read" or "edit".
	Fields map[string]map[string]string
	// ConnectedApps and ApexClasses it gives access to (SetupEntityAccess),
	// sorted; classes as ns__Name when packaged.
	ConnectedApps, ApexClasses []string
	// RecordTypes visible through it (Object.DeveloperName, sorted) and the
	// user permissions only its Metadata shows, read for custom sets.
	RecordTypes   []string
	MetadataPerms []string
	// AccessRead says whether the access above was read.
	AccessRead bool
}

// FullName is ns__Name for packaged sets, else Name.
func (h *AccessHolder) FullName() string {
	if h.Namespace != "" {
		return h.Namespace + "__" + h.Name
	}
	return h.Name
}

// GroupMembers is a permission set group and its member sets.
type GroupMembers struct {
	ID, Name, Namespace, Label, Description string
	Members                                 []string // full names, sorted
}

// FullName is ns__Name for packaged groups, else DeveloperName.
func (g *GroupMembers) FullName() string {
	if g.Namespace != "" {
		return g.Namespace + "__" + g.Name
	}
	return g.Name
}

const exportUserCols = "Id, Username, FirstName, LastName, Email, Alias, TimeZoneSidKey, LocaleSidKey, LanguageLocaleKey, EmailEncodingKey, IsActive, Department, Title, CompanyName, ProfileId, Profile.Name, Profile.Description, Profile.UserLicense.Name"

// ReadUser reads what username holds in the org. A name the org does not
// have is ErrNoUser (wrapped with the name).
func ReadUser(ctx context.Context, c *salesforce.Client, username string) (*UserAccess, error) {
	ua := &UserAccess{ObjectPermFields: map[string]bool{}}
	permFields := map[string]bool{}
	licences := map[string]string{} // Id(15) → name, for PermissionSet.LicenseId
	pslNames := map[string]string{}
	var userRows []salesforce.Record

	// Round 1: the user with its assignments, and what names their Ids.
	r1 := newRound(c)
	r1.query("user", "SELECT "+exportUserCols+
		", (SELECT Id, PermissionSetLicenseId FROM PermissionSetLicenseAssignments)"+
		", (SELECT Id, PermissionSetId, PermissionSetGroupId, PermissionSet.IsOwnedByProfile FROM PermissionSetAssignments)"+
		" FROM User WHERE Username = "+quote(username), func(rs []salesforce.Record) { userRows = rs })
	r1.get("describe PermissionSet", c.DataPath("sobjects/PermissionSet/describe"), func(b []byte) error {
		return permissionColumns(b, true, permFields)
	})
	r1.get("describe ObjectPermissions", c.DataPath("sobjects/ObjectPermissions/describe"), func(b []byte) error {
		return permissionColumns(b, false, ua.ObjectPermFields)
	})
	r1.query("user licences", "SELECT Id, Name FROM UserLicense", func(rs []salesforce.Record) {
		for _, r := range rs {
			licences[Key15(r.String("Id"))] = r.String("Name")
		}
	})
	r1.query("permission set licences", "SELECT Id, DeveloperName, MasterLabel FROM PermissionSetLicense", func(rs []salesforce.Record) {
		for _, r := range rs {
			licences[Key15(r.String("Id"))] = r.String("MasterLabel")
			pslNames[Key15(r.String("Id"))] = r.String("MasterLabel")
		}
	})
	if err := r1.run(ctx); err != nil {
		return nil, err
	}
	if len(userRows) == 0 {
		return nil, fmt.Errorf("user %q: %w in this org (usernames are the full login name, e.g. svc@acme.com)", username, ErrNoUser)
	}
	u := userRows[0]
	psla, err := children(ctx, c, u, "PermissionSetLicenseAssignments")
	if err != nil {
		return nil, fmt.Errorf("read licence assignments: %w", err)
	}
	psa, err := children(ctx, c, u, "PermissionSetAssignments")
	if err != nil {
		return nil, fmt.Errorf("read assignments: %w", err)
	}
	ua.User = UserFields{
		ID: u.String("Id"), Username: u.String("Username"), FirstName: u.String("FirstName"), LastName: u.String("LastName"),
		Email: u.String("Email"), Alias: u.String("Alias"), TimeZone: u.String("TimeZoneSidKey"), Locale: u.String("LocaleSidKey"),
		Language: u.String("LanguageLocaleKey"), EmailEncoding: u.String("EmailEncodingKey"), Active: u.Bool("IsActive"),
		Department: u.String("Department"), Title: u.String("Title"), CompanyName: u.String("CompanyName"),
		ProfileName: u.String("Profile.Name"), ProfileDescription: u.String("Profile.Description"), ProfileLicence: u.String("Profile.UserLicense.Name"),
	}
	for _, r := range psla {
		if name := pslNames[Key15(r.String("PermissionSetLicenseId"))]; name != "" {
			ua.Licences = append(ua.Licences, name)
		}
	}
	sort.Strings(ua.Licences)
	var setIDs, groupIDs []string
	for _, r := range psa {
		switch {
		case r.Bool("PermissionSet.IsOwnedByProfile"):
		case r.String("PermissionSetGroupId") != "":
			groupIDs = append(groupIDs, r.String("PermissionSetGroupId"))
		default:
			setIDs = append(setIDs, r.String("PermissionSetId"))
		}
	}

	// Round 2: the sets (the profile's own among them) and the groups, by Id.
	perms := sortedKeys(permFields)
	setCols := "Id, Name, NamespacePrefix, Label, Description, LicenseId, IsOwnedByProfile, IsCustom"
	if len(perms) > 0 {
		setCols += ", " + strings.Join(perms, ", ")
	}
	holder := func(r salesforce.Record) *AccessHolder {
		h := &AccessHolder{ID: r.String("Id"), Name: r.String("Name"), Namespace: r.String("NamespacePrefix"), Label: r.String("Label"),
			Description: r.String("Description"), Custom: r.Bool("IsCustom"), Licence: licences[Key15(r.String("LicenseId"))],
			Objects: map[string][]string{}, Fields: map[string]map[string]string{}}
		for _, f := range perms {
			if r.Bool(f) {
				h.Perms = append(h.Perms, f)
			}
		}
		return h
	}
	var setRows, memberRows, groupRows []salesforce.Record
	r2 := newRound(c)
	where := "(IsOwnedByProfile = true AND ProfileId = " + quote(u.String("ProfileId")) + ")"
	if len(setIDs) > 0 {
		// Id IN ('') is refused ("invalid ID field"): only with Ids.
		where = "Id IN " + inList(setIDs) + " OR " + where
	}
	r2.query("permission sets", "SELECT "+setCols+" FROM PermissionSet WHERE "+where, func(rs []salesforce.Record) { setRows = rs })
	if len(groupIDs) > 0 {
		r2.query("permission set groups", "SELECT Id, DeveloperName, NamespacePrefix, MasterLabel, Description"+
			", (SELECT PermissionSetId, PermissionSet.Name, PermissionSet.NamespacePrefix FROM PermissionSetGroupComponents)"+
			" FROM PermissionSetGroup WHERE Id IN "+inList(groupIDs), func(rs []salesforce.Record) { groupRows = rs })
		r2.query("permission sets of groups", "SELECT "+setCols+" FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetGroupComponent WHERE PermissionSetGroupId IN "+inList(groupIDs)+")",
			func(rs []salesforce.Record) { memberRows = rs })
	}
	if err := r2.run(ctx); err != nil {
		return nil, err
	}
	byID := map[string]*AccessHolder{}
	for _, r := range setRows {
		h := holder(r)
		if r.Bool("IsOwnedByProfile") {
			h.Name, h.Label, h.Description = ua.User.ProfileName, ua.User.ProfileName, ua.User.ProfileDescription
			ua.Profile = h
			ua.User.ProfileHolder = h.ID
		} else {
			ua.Sets = append(ua.Sets, h)
		}
		byID[Key15(h.ID)] = h
	}
	if ua.Profile == nil {
		// An org that does not show the profile's own set: the profile by
		// name, its access unknown.
		ua.Profile = &AccessHolder{Name: ua.User.ProfileName, Label: ua.User.ProfileName, Description: ua.User.ProfileDescription}
	}
	ua.Profile.Licence = ua.User.ProfileLicence
	for _, r := range memberRows {
		if byID[Key15(r.String("Id"))] != nil {
			continue
		}
		h := holder(r)
		ua.GroupSets = append(ua.GroupSets, h)
		byID[Key15(h.ID)] = h
	}
	for _, r := range groupRows {
		g := &GroupMembers{ID: r.String("Id"), Name: r.String("DeveloperName"), Namespace: r.String("NamespacePrefix"), Label: r.String("MasterLabel"), Description: r.String("Description")}
		comps, err := children(ctx, c, r, "PermissionSetGroupComponents")
		if err != nil {
			return nil, fmt.Errorf("read permission set group components: %w", err)
		}
		for _, cr := range comps {
			name := cr.String("PermissionSet.Name")
			if ns := cr.String("PermissionSet.NamespacePrefix"); ns != "" {
				name = ns + "__" + name
			}
			if h := byID[Key15(cr.String("PermissionSetId"))]; h != nil {
				name = h.FullName()
			}
			if name != "" {
				g.Members = append(g.Members, name)
			}
		}
		sort.Strings(g.Members)
		ua.Groups = append(ua.Groups, g)
	}

	// Round 3: the access rows of every custom holder (a standard profile's
	// thousands of field rows are not wanted: it is exported by name), and
	// beside it each custom set's Metadata.
	var ids []string
	var metaJobs []func() error
	for _, h := range ua.allHolders() {
		if h.ID == "" || !h.Custom {
			continue
		}
		h.AccessRead = true
		ids = append(ids, h.ID)
		if h != ua.Profile && h.Namespace == "" {
			metaJobs = append(metaJobs, func() error { return readHolderMeta(ctx, c, h) })
		}
	}
	if len(ids) == 0 {
		ua.sort()
		return ua, nil
	}
	viewAllFields := ""
	if ua.ObjectPermFields["PermissionsViewAllFields"] {
		viewAllFields = ", PermissionsViewAllFields"
	}
	parents := "ParentId IN " + inList(ids)
	owner := func(r salesforce.Record) *AccessHolder { return byID[Key15(r.String("ParentId"))] }
	var entityRows []salesforce.Record
	apps, classes := map[string]string{}, map[string]string{}
	r3 := newRound(c)
	r3.query("object permissions", "SELECT ParentId, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords"+viewAllFields+" FROM ObjectPermissions WHERE "+parents, func(rs []salesforce.Record) {
		for _, r := range rs {
			h := owner(r)
			if h == nil {
				continue
			}
			var on []string
			for k, v := range r {
				if b, ok := v.(bool); ok && b && strings.HasPrefix(k, "Permissions") {
					on = append(on, k)
				}
			}
			if len(on) > 0 {
				sort.Strings(on)
				h.Objects[r.String("SobjectType")] = on
			}
		}
	})
	r3.query("field permissions", "SELECT ParentId, SobjectType, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE "+parents, func(rs []salesforce.Record) {
		for _, r := range rs {
			h := owner(r)
			if h == nil || !r.Bool("PermissionsRead") {
				continue
			}
			obj := r.String("SobjectType")
			_, field, found := strings.Cut(r.String("Field"), ".")
			if !found {
				continue
			}
			level := "read"
			if r.Bool("PermissionsEdit") {
				level = "edit"
			}
			if h.Fields[obj] == nil {
				h.Fields[obj] = map[string]string{}
			}
			h.Fields[obj][field] = level
		}
	})
	r3.query("setup entity access", "SELECT ParentId, SetupEntityId, SetupEntityType FROM SetupEntityAccess WHERE "+parents, func(rs []salesforce.Record) { entityRows = rs })
	r3.query("connected apps", "SELECT Id, Name FROM ConnectedApplication WHERE Id IN (SELECT SetupEntityId FROM SetupEntityAccess WHERE "+parents+")", func(rs []salesforce.Record) {
		for _, r := range rs {
			apps[Key15(r.String("Id"))] = r.String("Name")
		}
	})
	r3.query("Apex classes", "SELECT Id, Name, NamespacePrefix FROM ApexClass WHERE Id IN (SELECT SetupEntityId FROM SetupEntityAccess WHERE "+parents+")", func(rs []salesforce.Record) {
		for _, r := range rs {
			name := r.String("Name")
			if ns := r.String("NamespacePrefix"); ns != "" {
				name = ns + "__" + name
			}
			classes[Key15(r.String("Id"))] = name
		}
	})
	side := &sideReads{}
	for _, j := range metaJobs {
		side.run(j)
	}
	err = r3.run(ctx)
	if serr := side.wait(); err == nil {
		err = serr
	}
	if err != nil {
		return nil, err
	}
	if err := ua.readFieldsOf(ctx, c); err != nil {
		return nil, err
	}
	for _, r := range entityRows {
		h := owner(r)
		if h == nil {
			continue
		}
		id := Key15(r.String("SetupEntityId"))
		if name := apps[id]; name != "" {
			h.ConnectedApps = append(h.ConnectedApps, name)
		} else if name := classes[id]; name != "" {
			h.ApexClasses = append(h.ApexClasses, name)
		}
	}
	ua.sort()
	return ua, nil
}

// readFieldsOf describes, in one more round, each object whose fields a
// custom holder gives access to.
func (ua *UserAccess) readFieldsOf(ctx context.Context, c *salesforce.Client) error {
	objects := map[string]string{}
	for _, h := range ua.allHolders() {
		for obj := range h.Fields {
			objects[strings.ToLower(obj)] = obj
		}
	}
	ua.FieldsOf = map[string][]PermissionableField{}
	if len(objects) == 0 {
		return nil
	}
	keys := make([]string, 0, len(objects))
	for k := range objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	r := newRound(c)
	for _, k := range keys {
		obj := objects[k]
		r.getOptional("describe "+obj, c.DataPath("sobjects/"+obj+"/describe"), func(b []byte, found bool) error {
			if !found {
				return nil
			}
			var d Describe
			if err := decode(b, &d); err != nil {
				return err
			}
			var fields []PermissionableField
			for _, f := range d.Fields {
				if f.Permissionable {
					fields = append(fields, PermissionableField{Name: f.Name, Editable: !f.Calculated && (f.Updateable || f.Createable)})
				}
			}
			ua.FieldsOf[k] = fields
			return nil
		})
	}
	return r.run(ctx)
}

// readHolderMeta reads a custom set's record type visibilities and the user
// permissions only its Metadata holds.
func readHolderMeta(ctx context.Context, c *salesforce.Client, h *AccessHolder) error {
	row, err := c.ToolingMetadataRow(ctx, "PermissionSet", "Name = "+quote(h.Name)+" AND NamespacePrefix = null")
	if errors.Is(err, salesforce.ErrNoRow) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the metadata of permission set %q: %w", h.Name, err)
	}
	md, err := salesforce.DecodePermissionSetMetadata(row.Metadata)
	if err != nil {
		return fmt.Errorf("read the metadata of permission set %q: %w", h.Name, err)
	}
	for _, v := range md.RecordTypeVisibilities {
		if v.Visible {
			h.RecordTypes = append(h.RecordTypes, v.RecordType)
		}
	}
	for _, p := range md.UserPermissions {
		if p.Enabled {
			h.MetadataPerms = append(h.MetadataPerms, p.Name)
		}
	}
	return nil
}

func (ua *UserAccess) allHolders() []*AccessHolder {
	out := []*AccessHolder{ua.Profile}
	out = append(out, ua.Sets...)
	return append(out, ua.GroupSets...)
}

func (ua *UserAccess) sort() {
	byName := func(hs []*AccessHolder) {
		sort.Slice(hs, func(i, j int) bool { return strings.ToLower(hs[i].FullName()) < strings.ToLower(hs[j].FullName()) })
	}
	byName(ua.Sets)
	byName(ua.GroupSets)
	sort.Slice(ua.Groups, func(i, j int) bool {
		return strings.ToLower(ua.Groups[i].FullName()) < strings.ToLower(ua.Groups[j].FullName())
	})
	for _, h := range ua.allHolders() {
		sort.Strings(h.ConnectedApps)
		sort.Strings(h.ApexClasses)
		sort.Strings(h.RecordTypes)
		sort.Strings(h.MetadataPerms)
	}
}
