package state

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/spec"
)

// names collects, from a spec, every org name the planner will need to look up.
type names struct {
	profiles, permSets, groups, users, apps, classes, objects map[string]bool
	needPackages                                              bool
	// accessProfiles are the profiles whose object, field and entity
	// access is read: the spec's own and their clone sources, not those
	// only named as a user's profile (a standard profile holds thousands of
	// field rows that no step needs).
	accessProfiles map[string]bool
}

func collect(s *spec.Spec) names {
	n := names{map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}, false, map[string]bool{}}
	addObjects := func(objs []spec.ObjectAccess) {
		for _, o := range objs {
			n.objects[o.Object] = true
		}
	}
	for _, p := range s.Profiles {
		n.profiles[p.Name] = true
		n.accessProfiles[p.Name] = true
		if p.CloneFrom != "" {
			n.profiles[p.CloneFrom] = true
			n.accessProfiles[p.CloneFrom] = true
		}
		addObjects(p.Objects)
		for _, r := range p.RecordTypeDefaults {
			n.objects[r.Object] = true // its record types come with the describe
		}
	}
	for _, p := range s.PermissionSets {
		n.permSets[p.Name] = true
		addObjects(p.Objects)
		for _, a := range p.ConnectedApps {
			n.apps[a.Name] = true
		}
		for _, c := range p.ApexClasses {
			n.classes[c.Name] = true
		}
	}
	for _, g := range s.PermissionSetGroups {
		n.groups[g.Name] = true
		for _, r := range g.PermissionSets {
			n.permSets[r.Name] = true
		}
	}
	for _, u := range s.Users {
		n.users[u.Username.Value] = true
		if u.Profile != "" {
			n.profiles[u.Profile] = true
		}
		for _, r := range u.PermissionSets {
			n.permSets[r.Name] = true
		}
		for _, r := range u.PermissionSetGroups {
			n.groups[r.Name] = true
		}
	}
	for _, r := range s.Records {
		n.objects[r.Object] = true
	}
	for _, a := range s.ConnectedApps {
		n.apps[a.Name] = true
	}
	// An assignment may name a set, group or licence that only the org has
	// (a vendor's managed set): by API name, ns__Name or label.
	for _, a := range s.Assignments {
		if a.PermissionSet != "" {
			n.permSets[a.PermissionSet] = true
		}
		if a.PermissionSetGroup != "" {
			n.groups[a.PermissionSetGroup] = true
		}
	}
	if len(s.Packages) > 0 {
		n.needPackages = true
	}
	for _, c := range conditions(s) {
		if c.Kind == "package" {
			n.needPackages = true
		}
		if c.Kind == "personAccounts" {
			n.objects["Account"] = true
		}
	}
	for _, set := range []map[string]bool{n.profiles, n.accessProfiles} {
		for _, names := range profileAliases {
			for _, name := range names {
				if containsFold(set, name) {
					for _, alias := range names {
						set[alias] = true
					}
					break
				}
			}
		}
	}
	return n
}

// profileAliases are names one standard profile has had. The Salesforce
// Integration licence's profile was first "Salesforce API Only System
// Integrations" and is "Minimum Access - API Only Integrations" in newer orgs,
// from a date nobody has recorded (salesforce-api-facts.md §1), so a spec that
// names either finds whichever the org has.
var profileAliases = [][]string{
	{"Minimum Access - API Only Integrations", "Salesforce API Only System Integrations"},
}

func containsFold(m map[string]bool, name string) bool {
	for k := range m {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// aliasProfiles files a profile the org has under its other names too.
func aliasProfiles(st *State) {
	for _, names := range profileAliases {
		var found *Profile
		for _, name := range names {
			if p := st.Profiles[strings.ToLower(name)]; p != nil {
				found = p
				break
			}
		}
		if found == nil {
			continue
		}
		for _, name := range names {
			if st.Profiles[strings.ToLower(name)] == nil {
				st.Profiles[strings.ToLower(name)] = found
			}
		}
	}
}

// conditions lists every `if:` in the spec.
func conditions(s *spec.Spec) []*spec.Condition {
	var out []*spec.Condition
	add := func(c *spec.Condition) {
		if c != nil {
			out = append(out, c)
		}
	}
	for _, p := range s.Profiles {
		add(p.If)
		for _, o := range p.Objects {
			add(o.If)
		}
		for _, sp := range p.SystemPermissions {
			add(sp.If)
		}
		for _, r := range p.RecordTypeDefaults {
			add(r.If)
		}
	}
	for _, p := range s.PermissionSets {
		add(p.If)
		for _, o := range p.Objects {
			add(o.If)
		}
		for _, sp := range p.SystemPermissions {
			add(sp.If)
		}
		for _, r := range p.ConnectedApps {
			add(r.If)
		}
	}
	for _, g := range s.PermissionSetGroups {
		add(g.If)
	}
	for _, u := range s.Users {
		add(u.If)
		for _, r := range u.PermissionSets {
			add(r.If)
		}
		for _, r := range u.PermissionSetLicenses {
			add(r.If)
		}
		for _, r := range u.PermissionSetGroups {
			add(r.If)
		}
	}
	for _, m := range s.ManualSteps {
		add(m.If)
	}
	for _, p := range s.Packages {
		add(p.If)
	}
	for _, r := range s.Records {
		add(r.If)
	}
	for _, r := range s.RemoteSites {
		add(r.If)
	}
	for _, a := range s.Assignments {
		add(a.If)
	}
	for _, a := range s.ConnectedApps {
		add(a.If)
	}
	for _, a := range s.ExternalClientApps {
		add(a.If)
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// quote renders a SOQL string literal.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

func inList(vals []string) string {
	if len(vals) == 0 {
		return "('')" // matches nothing, keeps the query valid
	}
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = quote(v)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// bareNames strips namespaces: PermissionSet.Name holds the name without ns__.
func bareNames(full []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range full {
		if i := strings.Index(f, "__"); i > 0 {
			f = f[i+2:]
		}
		if !seen[strings.ToLower(f)] {
			seen[strings.ToLower(f)] = true
			out = append(out, f)
		}
	}
	return out
}

// Read reads the org state that nd names (NeedsOf a spec).
func Read(ctx context.Context, c *salesforce.Client, nd Needs) (*State, error) {
	st := &State{
		InstanceURL:       c.InstanceURL(),
		Packages:          map[string]string{},
		PermissionFields:  map[string]bool{},
		ObjectPermFields:  map[string]bool{},
		UserLicenses:      map[string]*UserLicense{},
		Profiles:          map[string]*Profile{},
		Groups:            map[string]*Group{},
		Users:             map[string]*User{},
		Apps:              map[string]*Named{},
		AdminApprovedOnly: map[string]bool{},
		ApexClasses:       map[string]*Named{},
		ObjectPerms:       map[string]map[string]*ObjectPerm{},
		FieldPerms:        map[string]map[string]*FieldPerm{},
		EntityAccess:      map[string]map[string]string{},
		Describes:         map[string]*Describe{},
		RemoteSites:       map[string]*RemoteSite{},
		AssignedNames:     map[string]string{},
	}
	n := nd.names()
	// The org's permission dependencies are read beside everything else:
	// they need no Id, so they cost no round trip on the critical path.
	var deps *Dependencies
	var depsErr error
	depsDone := make(chan struct{})
	if nd.Dependencies {
		go func() {
			defer close(depsDone)
			deps, depsErr = readDependencies(ctx, c, sortedKeys(n.objects))
		}()
	} else {
		close(depsDone)
	}
	defer func() { <-depsDone }() // no read outlives Read
	// Everything that needs no answer of another read goes out at once:
	// who the token belongs to, the External Client Apps (Metadata API),
	// the installed packages and remote sites (Tooling), the Metadata of the
	// sets that set record types, and one /composite round with every query
	// and describe. Reading the org then costs one round trip on the
	// critical path; a second one only for what needs the first's answers
	// (below).
	var ui *salesforce.UserInfo
	var uiErr error
	uiDone := make(chan struct{})
	go func() { defer close(uiDone); ui, uiErr = c.UserInfo(ctx) }()
	var ecas map[string]*ECA
	side := &sideReads{}
	side.run(func() error { <-uiDone; return uiErr })
	side.run(func() (err error) { ecas, err = readECAs(ctx, c, nd.ExternalClientApps); return })
	if n.needPackages {
		side.run(func() error { return readPackages(ctx, c, st) })
	}
	side.run(func() error { return readRemoteSites(ctx, c, nd.RemoteSites, st) })
	var setMeta, laterSetMeta map[string]*PermSetMeta
	if names := permSetMetaNames(nd.PermSetMeta, nil, nil); len(names) > 0 {
		side.run(func() (err error) { setMeta, err = readPermSetMeta(ctx, c, names); return })
	}
	defer side.wait() // no read outlives Read

	r1 := newRound(c)
	r1.get("describe PermissionSet", c.DataPath("sobjects/PermissionSet/describe"), func(b []byte) error {
		return permissionColumns(b, true, st.PermissionFields)
	})
	r1.get("describe ObjectPermissions", c.DataPath("sobjects/ObjectPermissions/describe"), func(b []byte) error {
		return permissionColumns(b, false, st.ObjectPermFields)
	})
	objects := sortedKeys(n.objects)
	for _, obj := range objects {
		obj := obj
		r1.getOptional("describe "+obj, c.DataPath("sobjects/"+obj+"/describe"), func(b []byte, found bool) error {
			if !found {
				st.Describes[strings.ToLower(obj)] = nil
				return nil
			}
			var d Describe
			if err := decode(b, &d); err != nil {
				return err
			}
			st.Describes[strings.ToLower(obj)] = &d
			return nil
		})
	}
	r1.query("user licences", "SELECT Id, Name, TotalLicenses, UsedLicenses FROM UserLicense", func(rs []salesforce.Record) {
		for _, r := range rs {
			st.UserLicenses[Key15(r.String("Id"))] = &UserLicense{ID: r.String("Id"), Name: r.String("Name"), Total: toInt(r.Get("TotalLicenses")), Used: toInt(r.Get("UsedLicenses"))}
		}
	})
	r1.query("permission set licences", "SELECT Id, DeveloperName, MasterLabel FROM PermissionSetLicense", func(rs []salesforce.Record) {
		for _, r := range rs {
			st.PSLs = append(st.PSLs, &PSL{ID: r.String("Id"), DeveloperName: r.String("DeveloperName"), MasterLabel: r.String("MasterLabel")})
		}
	})
	profiles := sortedKeys(n.profiles)
	groups := sortedKeys(n.groups)
	users := sortedKeys(n.users)
	// Every profile, not only those the spec names: orgs have tens of them,
	// and the full list lets a misspelt name get a "did you mean".
	r1.query("profiles", "SELECT Id, Name, Description, UserLicenseId, UserLicense.Name FROM Profile", func(rs []salesforce.Record) {
		for _, r := range rs {
			st.Profiles[strings.ToLower(r.String("Name"))] = &Profile{ID: r.String("Id"), Name: r.String("Name"), Description: r.String("Description"), UserLicenseID: r.String("UserLicenseId"), LicenseName: r.String("UserLicense.Name"), Perms: map[string]bool{}}
		}
	})
	// A group's members and a user's assignments come as child relationships
	// (PermissionSetGroup.PermissionSetGroupComponents, User.PermissionSetAssignments
	// and User.PermissionSetLicenseAssignments), one query each.
	var groupRows, userRows []salesforce.Record
	r1.query("permission set groups", "SELECT Id, DeveloperName, NamespacePrefix, MasterLabel, Description, Status, (SELECT Id, PermissionSetGroupId, PermissionSetId FROM PermissionSetGroupComponents) FROM PermissionSetGroup WHERE DeveloperName IN "+inList(bareNames(groups))+" OR MasterLabel IN "+inList(groups), func(rs []salesforce.Record) { groupRows = rs })
	// LastPasswordChangeDate tells a user who never got a password (an
	// apply that stopped between the user and its password): the plan
	// gives it one.
	userCols := "Id, Username, FirstName, LastName, Email, Alias, ProfileId, Profile.Name, TimeZoneSidKey, LocaleSidKey, LanguageLocaleKey, EmailEncodingKey, IsActive, LastPasswordChangeDate"
	for _, f := range nd.UserFields {
		if !strings.Contains(", "+userCols+", ", ", "+f+", ") {
			userCols += ", " + f
		}
	}
	r1.query("users", "SELECT "+userCols+userChildren+" FROM User WHERE Username IN "+inList(users), func(rs []salesforce.Record) { userRows = rs })

	// The permission sets' and object permissions' Permissions* columns
	// depend on the org (its features, licences and API version): the
	// describes above list them, but waiting for them would cost a round
	// trip. SOQL's FIELDS(STANDARD) selects them all without naming them
	// (API 51.0 and later, with no LIMIT required: SOQL and SOSL Reference,
	// "FIELDS()"), so the rows come in this round. Where the org refuses it,
	// the rows are read again with the columns the describes list: a failed
	// subrequest fails alone, "the remaining subrequests that don't depend
	// on the failed subrequest are executed" with allOrNone false (REST API
	// guide, Composite Request Body).
	permSets := sortedKeys(n.permSets)
	psWhere := " FROM PermissionSet WHERE Name IN " + inList(bareNames(permSets)) + " OR Label IN " + inList(permSets) + " OR Profile.Name IN " + inList(profiles)
	parentFilter := "Parent.Name IN " + inList(bareNames(permSets)) + " OR Parent.Profile.Name IN " + inList(sortedKeys(n.accessProfiles))
	var psRows, opRows []salesforce.Record
	psRead, opRead := false, false
	if fieldsFunction(c.APIVersion()) {
		refused := func(error) error { return nil } // read again below
		r1.queryOr("permission sets", "SELECT FIELDS(STANDARD)"+psWhere, func(rs []salesforce.Record) { psRows, psRead = rs, true }, refused)
		r1.queryOr("object permissions", "SELECT FIELDS(STANDARD) FROM ObjectPermissions WHERE "+parentFilter, func(rs []salesforce.Record) { opRows, opRead = rs, true }, refused)
	}
	r1.query("field permissions", "SELECT Id, ParentId, SobjectType, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE "+parentFilter, func(rs []salesforce.Record) {
		for _, r := range rs {
			fp := &FieldPerm{ID: r.String("Id"), Field: r.String("Field"), Read: r.Bool("PermissionsRead"), Edit: r.Bool("PermissionsEdit")}
			addTo(st.FieldPerms, Key15(r.String("ParentId")), strings.ToLower(fp.Field), fp)
		}
	})
	if len(n.apps)+len(n.classes) > 0 {
		r1.query("setup entity access", "SELECT Id, ParentId, SetupEntityId FROM SetupEntityAccess WHERE "+parentFilter, func(rs []salesforce.Record) {
			for _, r := range rs {
				addTo(st.EntityAccess, Key15(r.String("ParentId")), Key15(r.String("SetupEntityId")), r.String("Id"))
			}
		})
	}
	if len(n.apps) > 0 {
		r1.query("connected apps", "SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication WHERE Name IN "+inList(sortedKeys(n.apps)), func(rs []salesforce.Record) {
			for _, r := range rs {
				st.Apps[strings.ToLower(r.String("Name"))] = &Named{ID: r.String("Id"), Name: r.String("Name")}
				st.AdminApprovedOnly[strings.ToLower(r.String("Name"))] = r.Bool("OptionsAllowAdminApprovedUsersOnly")
			}
		})
	}
	if len(n.classes) > 0 {
		r1.query("Apex classes", "SELECT Id, Name, NamespacePrefix FROM ApexClass WHERE Name IN "+inList(bareNames(sortedKeys(n.classes))), func(rs []salesforce.Record) {
			for _, r := range rs {
				name := r.String("Name")
				if ns := r.String("NamespacePrefix"); ns != "" {
					name = ns + "__" + name
				}
				st.ApexClasses[strings.ToLower(name)] = &Named{ID: r.String("Id"), Name: name}
			}
		})
	}
	readSelections(r1, nd.Selections, st)
	records := readRecords(r1, nd.Records, st)

	// The Organization (its name, whether it is a sandbox) is one query in
	// this round when the round has room for one more query; otherwise, and
	// when the deploying admin's assignments are needed (an app's policy
	// may pre-authorise only sets the admin holds, eca.go), the round waits
	// for the identity, which names the org and the admin by Id: a GET by
	// Id is no query, and costs no call more than the two rounds did.
	orgInRound := fitsOneMore(r1.reqs)
	if !orgInRound || nd.AdminAssignments {
		<-uiDone
		if uiErr != nil {
			return nil, side.wait()
		}
	}
	var orgRec salesforce.Record
	if orgInRound {
		r1.query("Organization", "SELECT Id, Name, IsSandbox FROM Organization", func(rs []salesforce.Record) {
			if len(rs) > 0 {
				orgRec = rs[0]
			}
		})
	} else {
		r1.get("Organization", c.DataPath("sobjects/Organization/"+ui.OrganizationID+"?fields=Id,Name,IsSandbox"), func(b []byte) error { return decode(b, &orgRec) })
	}
	var adminRows []salesforce.Record
	if nd.AdminAssignments && !containsFold(n.users, ui.Username) {
		r1.query("your assignments", "SELECT "+userCols+userChildren+" FROM User WHERE Id = "+quote(ui.UserID), func(rs []salesforce.Record) { adminRows = rs })
	}
	if err := r1.run(ctx); err != nil {
		// When the identity failed too (a refused session, a spent
		// allowance, an org that does not answer), its error says it best.
		if serr := side.wait(); serr != nil {
			return nil, serr
		}
		return nil, err
	}
	var comps []salesforce.Record
	for _, r := range groupRows {
		g := &Group{ID: r.String("Id"), DeveloperName: r.String("DeveloperName"), NamespacePrefix: r.String("NamespacePrefix"), MasterLabel: r.String("MasterLabel"), Description: r.String("Description"), Status: r.String("Status"), Components: map[string]string{}}
		st.Groups[strings.ToLower(g.FullName())] = g
		kids, err := children(ctx, c, r, "PermissionSetGroupComponents")
		if err != nil {
			return nil, fmt.Errorf("read permission set group components: %w", err)
		}
		comps = append(comps, kids...)
	}
	if err := readUsers(ctx, c, st, userRows); err != nil {
		return nil, err
	}
	st.OrgName, st.IsSandbox = orgRec.String("Name"), orgRec.Bool("IsSandbox")
	if d := st.Describes["account"]; d != nil && d.HasField("IsPersonAccount") {
		// Person Accounts add IsPersonAccount to Account (CumulusCI's check;
		// salesforce-api-facts.md §13).
		st.PersonAccounts = true
	}

	// Round 2, only for what needed the first round's answers: the rows
	// of a refused FIELDS() query, with the describes' columns; records
	// whose spec names a field the object lacks, without it. Beside it,
	// the Metadata reads that need Ids or the describe: the record types of
	// the spec's existing profiles, and of the sets with a permission the
	// PermissionSet object has no field for (Salesforce refuses Metadata
	// over several rows, so one request each).
	r2 := newRound(c)
	if !psRead {
		permCols := ""
		if fields := sortedKeys(st.PermissionFields); len(fields) > 0 {
			permCols = ", " + strings.Join(fields, ", ")
		}
		r2.query("permission sets", "SELECT Id, Name, NamespacePrefix, Label, Description, LicenseId, IsOwnedByProfile, ProfileId, Profile.Name"+permCols+psWhere, func(rs []salesforce.Record) { psRows = rs })
	}
	if !opRead {
		r2.query("object permissions", "SELECT Id, ParentId, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords"+viewAllFieldsCol(st)+" FROM ObjectPermissions WHERE "+parentFilter, func(rs []salesforce.Record) { opRows = rs })
	}
	for _, rd := range records {
		rd.settle(r2, st)
	}
	later := &sideReads{}
	defer later.wait() // no read outlives Read
	later.run(func() error { return readProfileMeta(ctx, c, nd.ProfileRecordTypes, st) })
	if err := side.wait(); err != nil {
		return nil, err
	}
	st.OrgID, st.Username = ui.OrganizationID, ui.Username
	// The running admin's settings, which new users take (as Setup's New
	// User form does), come with the identity: userinfo's zoneinfo, locale
	// and language are the user's TimeZoneSidKey, LocaleSidKey and
	// LanguageLocaleKey (Salesforce's OpenID Connect userinfo).
	st.RunningUser = Record{"Id": ui.UserID, "Username": ui.Username,
		"TimeZoneSidKey": ui.TimeZone, "LocaleSidKey": ui.Locale, "LanguageLocaleKey": ui.Language}
	read := map[string]bool{}
	for _, name := range permSetMetaNames(nd.PermSetMeta, nil, nil) {
		read[strings.ToLower(name)] = true
	}
	if names := permSetMetaNames(nd.PermSetMeta, st.PermissionFields, read); len(names) > 0 {
		later.run(func() (err error) { laterSetMeta, err = readPermSetMeta(ctx, c, names); return })
	}
	err2 := r2.run(ctx)
	if err := later.wait(); err != nil && err2 == nil {
		err2 = err
	}
	if err2 != nil {
		return nil, err2
	}
	st.PermSetMeta = map[string]*PermSetMeta{}
	for _, m := range []map[string]*PermSetMeta{setMeta, laterSetMeta} {
		for k, v := range m {
			st.PermSetMeta[k] = v
		}
	}
	for _, r := range opRows {
		op := &ObjectPerm{ID: r.String("Id"), Object: r.String("SobjectType"), Flags: map[string]bool{}}
		for k, v := range r {
			if b, ok := v.(bool); ok && strings.HasPrefix(k, "Permissions") {
				op.Flags[k] = b
			}
		}
		addTo(st.ObjectPerms, Key15(r.String("ParentId")), strings.ToLower(op.Object), op)
	}
	st.ECAs = ecas
	aliasProfiles(st)
	for _, r := range psRows {
		if r.Bool("IsOwnedByProfile") {
			if p := st.ProfileByID(r.String("ProfileId")); p != nil {
				p.OwnedPermSet = r.String("Id")
				p.Perms = permsOf(r)
			}
			continue
		}
		st.PermSets = append(st.PermSets, &PermSet{ID: r.String("Id"), Name: r.String("Name"), Namespace: r.String("NamespacePrefix"), Label: r.String("Label"), Description: r.String("Description"), LicenseID: r.String("LicenseId"), Perms: permsOf(r)})
	}
	for _, r := range comps {
		for _, g := range st.Groups {
			if Key15(g.ID) == Key15(r.String("PermissionSetGroupId")) {
				g.Components[Key15(r.String("PermissionSetId"))] = r.String("Id")
			}
		}
	}
	if err := readUsers(ctx, c, st, adminRows); err != nil {
		return nil, err
	}
	<-depsDone
	if depsErr != nil {
		return nil, depsErr
	}
	st.Deps = deps
	return st, nil
}

// fieldsFunction reports whether SOQL's FIELDS() is there: API 51.0 and
// later (SOQL and SOSL Reference, "FIELDS()").
func fieldsFunction(version string) bool {
	v, err := strconv.ParseFloat(strings.TrimPrefix(version, "v"), 64)
	return err == nil && v >= 51
}

// fitsOneMore reports whether one more query leaves the number of
// /composite calls reqs take as it is (25 subrequests a call, at most
// salesforce.CompositeQueryLimit of them queries).
func fitsOneMore(reqs []salesforce.SubRequest) bool {
	heavy := 0
	for _, r := range reqs {
		if salesforce.CountsAsQuery(r.URL) {
			heavy++
		}
	}
	calls := func(n, q int) int {
		return max((n+salesforce.CompositeLimit-1)/salesforce.CompositeLimit, (q+salesforce.CompositeQueryLimit-1)/salesforce.CompositeQueryLimit)
	}
	return calls(len(reqs)+1, heavy+1) == calls(len(reqs), heavy)
}

func viewAllFieldsCol(st *State) string {
	// PermissionsViewAllFields exists only in recent versions; ask for it only
	// when the org's describe has it (salesforce-api-facts.md §4).
	if st.ObjectPermFields["PermissionsViewAllFields"] {
		return ", PermissionsViewAllFields"
	}
	return ""
}

func permsOf(r salesforce.Record) map[string]bool {
	out := map[string]bool{}
	for k, v := range r {
		if b, ok := v.(bool); ok && strings.HasPrefix(k, "Permissions") {
			out[k] = b
		}
	}
	return out
}

func addTo[V any](m map[string]map[string]V, k1, k2 string, v V) {
	if m[k1] == nil {
		m[k1] = map[string]V{}
	}
	m[k1][k2] = v
}

func toInt(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	}
	return 0
}

func readPackages(ctx context.Context, c *salesforce.Client, st *State) error {
	rs, err := c.ToolingQuery(ctx, "SELECT SubscriberPackage.NamespacePrefix, SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, SubscriberPackageVersion.PatchVersion, SubscriberPackageVersion.BuildNumber FROM InstalledSubscriberPackage")
	if err != nil {
		return fmt.Errorf("list installed packages: %w", err)
	}
	for _, r := range rs {
		ns := strings.ToLower(r.String("SubscriberPackage.NamespacePrefix"))
		st.Packages[ns] = fmt.Sprintf("%d.%d.%d.%d", toInt(r.Get("SubscriberPackageVersion.MajorVersion")), toInt(r.Get("SubscriberPackageVersion.MinorVersion")), toInt(r.Get("SubscriberPackageVersion.PatchVersion")), toInt(r.Get("SubscriberPackageVersion.BuildNumber")))
	}
	return nil
}

// readProfileMeta reads the record type visibilities of the named profiles
// that exist, one Tooling request each, sent together.
func readProfileMeta(ctx context.Context, c *salesforce.Client, names []string, st *State) error {
	st.ProfileMeta = map[string]*ProfileMeta{}
	type job struct{ name, id string }
	var jobs []job
	for _, name := range names {
		if pr := st.Profiles[strings.ToLower(name)]; pr != nil {
			jobs = append(jobs, job{strings.ToLower(name), pr.ID})
		}
	}
	errs := make([]error, len(jobs))
	metas := make([]*ProfileMeta, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			full, md, err := c.ProfileMetadata(ctx, j.id)
			if err != nil {
				errs[i] = fmt.Errorf("read the record types of profile %q: %w", j.name, err)
				return
			}
			pm := &ProfileMeta{FullName: full}
			for _, v := range md.RecordTypeVisibilities {
				pm.RecordTypes = append(pm.RecordTypes, RecordTypeVisibility{RecordType: v.RecordType, Default: v.Default, PersonAccountDefault: v.PersonAccountDefault, Visible: v.Visible})
			}
			metas[i] = pm
		}()
	}
	wg.Wait()
	for i, j := range jobs {
		if errs[i] != nil {
			return errs[i]
		}
		st.ProfileMeta[j.name] = metas[i]
	}
	return nil
}

// readSelections adds, for every `assignments:` entry, the queries for the
// active users its selectors pick who do not hold what it assigns yet: each
// selector is its own query (SOQL allows no semi-join under OR) with an
// anti-join on the assignments, so that a re-apply to an org of 50,000 users
// reads none of them rather than every user and every holder. A `where:`
// with a sub-select of its own could take the query past SOQL's two
// semi- and anti-joins per WHERE clause ("Semi-Join and Anti-Join
// Considerations", SOQL and SOSL Reference); such a block reads the holders
// instead, with a query of their own.
func readSelections(r *round, sels []Selector, st *State) {
	for _, a := range sels {
		sel := &Selection{Users: map[string]string{}, Holders: map[string]string{}}
		st.Selections = append(st.Selections, sel)
		addUsers := func(rs []salesforce.Record) {
			for _, u := range rs {
				sel.Users[Key15(u.String("Id"))] = u.String("Username")
			}
		}
		// from names the rows that hold what the block assigns.
		var from string
		switch {
		case a.PermissionSet != "":
			from = "FROM PermissionSetAssignment WHERE PermissionSet.Name IN " + inList(bareNames([]string{a.PermissionSet})) + " OR PermissionSet.Label = " + quote(a.PermissionSet)
		case a.PermissionSetGroup != "":
			from = "FROM PermissionSetAssignment WHERE PermissionSetGroup.DeveloperName = " + quote(a.PermissionSetGroup)
		case a.PermissionSetLicense != "":
			from = "FROM PermissionSetLicenseAssign WHERE PermissionSetLicense.DeveloperName = " + quote(a.PermissionSetLicense) + " OR PermissionSetLicense.MasterLabel = " + quote(a.PermissionSetLicense)
		}
		antiJoin := from != "" && !strings.Contains(strings.ToLower(a.Where), "select")
		users := func(cond string) string {
			q := "SELECT Id, Username FROM User WHERE IsActive = true AND " + cond
			if antiJoin {
				q += " AND Id NOT IN (SELECT AssigneeId " + from + ")"
			}
			return q
		}
		if len(a.Users) > 0 {
			r.selQuery(sel, users("Username IN "+inList(a.Users)), addUsers)
		}
		if len(a.Profiles) > 0 {
			r.selQuery(sel, users("Profile.Name IN "+inList(a.Profiles)), addUsers)
		}
		if len(a.PermissionSets) > 0 {
			r.selQuery(sel, users("Id IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.Name IN "+inList(bareNames(a.PermissionSets))+")"), addUsers)
		}
		if len(a.PermissionSetGroups) > 0 {
			r.selQuery(sel, users("Id IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSetGroup.DeveloperName IN "+inList(a.PermissionSetGroups)+")"), addUsers)
		}
		if strings.TrimSpace(a.Where) != "" {
			r.selQuery(sel, users("("+a.Where+")"), addUsers)
		}
		if !antiJoin && from != "" {
			r.selQuery(sel, "SELECT Id, AssigneeId "+from, func(rs []salesforce.Record) {
				for _, h := range rs {
					sel.Holders[Key15(h.String("AssigneeId"))] = h.String("Id")
				}
			})
		}
	}
}

// children takes the records of the parent-to-child subquery rel out of r,
// following the subquery's own nextRecordsUrl when Salesforce pages it. An
// empty relationship is null (fixtures query-subquery-Contact-Opportunities.json).
func children(ctx context.Context, c *salesforce.Client, r salesforce.Record, rel string) ([]salesforce.Record, error) {
	v := r[rel]
	delete(r, rel)
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	recs, done, next, err := salesforce.QueryResponse(b)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", rel, err)
	}
	if !done && next != "" {
		return c.FollowQuery(ctx, recs, next)
	}
	return recs, nil
}

// userChildren are the child queries that come with each user: its licence
// and permission set (and group) assignments.
const userChildren = ", (SELECT Id, AssigneeId, PermissionSetLicenseId FROM PermissionSetLicenseAssignments)" +
	", (SELECT Id, AssigneeId, PermissionSetId, PermissionSetGroupId, PermissionSet.IsOwnedByProfile, PermissionSet.Name, PermissionSet.NamespacePrefix, PermissionSetGroup.DeveloperName FROM PermissionSetAssignments)"

// readUsers files user rows (with their assignments, paged further when
// Salesforce cut a child list short) in st.Users.
func readUsers(ctx context.Context, c *salesforce.Client, st *State, rows []salesforce.Record) error {
	var psla, psa []salesforce.Record
	byID := map[string]*User{}
	for _, r := range rows {
		kids, err := children(ctx, c, r, "PermissionSetLicenseAssignments")
		if err != nil {
			return fmt.Errorf("read licence assignments: %w", err)
		}
		psla = append(psla, kids...)
		if kids, err = children(ctx, c, r, "PermissionSetAssignments"); err != nil {
			return fmt.Errorf("read assignments: %w", err)
		}
		psa = append(psa, kids...)
		u := &User{ID: r.String("Id"), Record: Record(r), PSLs: map[string]string{}, Sets: map[string]string{}, Groups: map[string]string{}}
		st.Users[strings.ToLower(r.String("Username"))] = u
		byID[Key15(u.ID)] = u
	}
	for _, r := range psla {
		if u := byID[Key15(r.String("AssigneeId"))]; u != nil {
			u.PSLs[Key15(r.String("PermissionSetLicenseId"))] = r.String("Id")
		}
	}
	for _, r := range psa {
		u := byID[Key15(r.String("AssigneeId"))]
		if u == nil || r.Bool("PermissionSet.IsOwnedByProfile") {
			continue
		}
		if g := r.String("PermissionSetGroupId"); g != "" {
			u.Groups[Key15(g)] = r.String("Id")
			st.AssignedNames[Key15(g)] = r.String("PermissionSetGroup.DeveloperName")
			continue
		}
		u.Sets[Key15(r.String("PermissionSetId"))] = r.String("Id")
		name := r.String("PermissionSet.Name")
		if ns := r.String("PermissionSet.NamespacePrefix"); ns != "" {
			name = ns + "__" + name
		}
		st.AssignedNames[Key15(r.String("PermissionSetId"))] = name
	}
	return nil
}
