package plan

import (
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// Metadata is the payload of a metadata step: the component files it
// deploys. Every metadata step of a wave goes out in one deploy.
type Metadata struct {
	Files []metadata.File
	// Generated, when set, says that the fullName of the step's component
	// is Salesforce's to choose: apply finds it before it deploys.
	Generated *GeneratedName
	// PermSet, when set, is merged by apply into the permission set's
	// whole Metadata (read when it writes; Refs["Id"] is the set), and the
	// result deployed: a PermissionSet deploy replaces the set.
	PermSet *metadata.PermissionSetChanges
}

// PackageInstall is the payload of a package step: a PackageInstallRequest.
type PackageInstall struct {
	Namespace string
	VersionID string
	// SecurityType: "None" (administrators only) or "Full" (all users).
	SecurityType string
	// InstallationKey is a secret: plans render it as (secret).
	InstallationKey string
}

// auditPermissions exist only once the org preference "Enable Set Audit
// Fields upon Record Creation and Update Records with Inactive Owners" is on
// (salesforce-api-facts.md §14; Metadata SecuritySettings
// enableAuditFieldsInactiveOwner).
var auditPermissions = map[string]bool{"CreateAuditFields": true, "UpdateWithInactiveOwner": true}

// auditPreferenceOn reports the org's audit-fields preference: its
// permissions are in the PermissionSet describe only when it is on.
func (pl *planner) auditPreferenceOn() bool {
	return pl.st.PermissionFields["PermissionsCreateAuditFields"] || pl.st.PermissionFields["PermissionsUpdateWithInactiveOwner"]
}

// auditPreferenceWanted reports whether the spec's orgSettings switch the
// preference on.
func (pl *planner) auditPreferenceWanted() bool {
	o := pl.s.OrgSettings
	return o != nil && (isTrue(o.SetAuditFieldsOnCreation) || isTrue(o.UpdateRecordsWithInactiveOwners))
}

func isTrue(b *bool) bool { return b != nil && *b }

// orgSettings plans the Security settings deploy that switches the
// audit-fields preference on. It goes in the first wave, in a deploy of its
// own, before the permissions that need it: Salesforce takes the preference
// and the permission only in separate deploys (integration-metadata-facts.md
// §3.3). sfprov only switches it on: a spec that says false leaves an org
// where it is on as it is (turning it off would strip permissions).
func (pl *planner) orgSettings() {
	o := pl.s.OrgSettings
	if o == nil {
		return
	}
	on := pl.auditPreferenceWanted()
	if !on {
		return
	}
	step := &Step{Type: TypeOrgSettings, Name: "Security", SObject: "SecuritySettings", Pos: o.Pos}
	if pl.auditPreferenceOn() {
		step.Action = NoOp
		pl.add(step)
		return
	}
	f, err := metadata.SecuritySettingsFile(metadata.SecuritySettings{EnableAuditFieldsInactiveOwner: metadata.Bool(true)})
	if err != nil {
		pl.errorf(o.Pos, "orgSettings: %v", err)
		return
	}
	step.Action = Update
	step.Metadata = &Metadata{Files: []metadata.File{f}}
	step.Changes = []Change{{Field: "enableAuditFieldsInactiveOwner", Before: false, After: true}}
	step.Note = "Set Audit Fields upon Record Creation and Update Records with Inactive Owners"
	pl.add(step)
}

// packages plans the installs of the spec's packages that the org lacks
// (upgrades are left to the admin: a version the org has is kept).
func (pl *planner) packages() {
	for _, pk := range pl.s.Packages {
		if !pl.cond(pk.If) {
			continue
		}
		step := &Step{Type: TypePackage, Name: pk.Namespace, SObject: "PackageInstallRequest", Pos: pk.Pos}
		if v, ok := pl.st.Packages[lower(pk.Namespace)]; ok {
			step.Action = NoOp
			step.Note = "version " + v + " installed"
			pl.add(step)
			continue
		}
		security := "None"
		if pk.SecurityType == "AllUsers" {
			security = "Full"
		}
		inst := &PackageInstall{Namespace: pk.Namespace, VersionID: pk.VersionID.Value, SecurityType: security}
		step.Action = Create
		step.Changes = []Change{{Field: "SubscriberPackageVersionKey", After: pk.VersionID.Value, Secret: pk.VersionID.Secret}, {Field: "SecurityType", After: security}}
		if pk.Password != nil {
			inst.InstallationKey = pk.Password.Value
			step.Changes = append(step.Changes, Change{Field: "Password", After: "(secret)", Secret: true})
		}
		step.Package = inst
		step.Note = "then this apply plans again, with what the package brings"
		pl.add(step)
	}
}

// recordTypeDefaults plans each profile's default record types: a Profile
// deploy with only the record type visibilities it changes (a Profile
// deploy leaves what it does not name as it is; internal/metadata).
func (pl *planner) recordTypeDefaults(p *spec.Profile, created bool) {
	var want []metadata.ProfileRecordTypeVisibility
	var changes []Change
	cur := pl.st.ProfileMeta[lower(p.Name)]
	have := map[string]state.RecordTypeVisibility{}
	fullName := p.Name
	if cur != nil {
		fullName = cur.FullName
		for _, v := range cur.RecordTypes {
			have[lower(v.RecordType)] = v
		}
	}
	for _, r := range p.RecordTypeDefaults {
		if !pl.cond(r.If) {
			continue
		}
		d := pl.describe(r.Object, r.Pos)
		if d == nil {
			continue
		}
		check := func(rt string) bool {
			var names []string
			for _, info := range d.RecordTypeInfos {
				if strings.EqualFold(info.DeveloperName, rt) {
					return true
				}
				if !info.Master {
					names = append(names, info.DeveloperName)
				}
			}
			sort.Strings(names)
			hint := ""
			if len(names) > 0 {
				hint = "; it has " + strings.Join(names, ", ")
			}
			pl.errorf(r.Pos, "profile %q: object %s has no record type %q%s", p.Name, d.Name, rt, hint)
			return false
		}
		// One visibility per record type: the default and the person
		// account default may be the same one (Coconut's guide: Person
		// Account is both), its two flags in one element.
		var dflt, person *metadata.ProfileRecordTypeVisibility
		if r.RecordType != "" && check(r.RecordType) {
			name := d.Name + "." + r.RecordType
			if v, ok := have[lower(name)]; created || !ok || !v.Default || !v.Visible {
				dflt = &metadata.ProfileRecordTypeVisibility{RecordType: name, Default: true, Visible: true}
				changes = append(changes, Change{Field: name, Before: recordTypeWord(v, ok, false), After: "default"})
			}
		}
		if r.PersonAccountDefault != "" && check(r.PersonAccountDefault) {
			// The person account default is a record type of the object the
			// spec names (Account), flagged personAccountDefault. UNCONFIRMED:
			// some retrieved profiles write it as PersonAccount.<Name>.
			name := d.Name + "." + r.PersonAccountDefault
			if v, ok := have[lower(name)]; created || !ok || v.PersonAccountDefault == nil || !*v.PersonAccountDefault || !v.Visible {
				person = &metadata.ProfileRecordTypeVisibility{RecordType: name, PersonAccountDefault: metadata.Bool(true), Visible: true}
				changes = append(changes, Change{Field: name, Before: recordTypeWord(v, ok, true), After: "person account default"})
			}
		}
		switch {
		case dflt != nil && person != nil && strings.EqualFold(dflt.RecordType, person.RecordType):
			dflt.PersonAccountDefault = metadata.Bool(true)
			want = append(want, *dflt)
		default:
			for _, v := range []*metadata.ProfileRecordTypeVisibility{dflt, person} {
				if v != nil {
					want = append(want, *v)
				}
			}
		}
	}
	if len(want) == 0 {
		return
	}
	f, err := metadata.ProfileFile(metadata.Profile{FullName: fullName, RecordTypeVisibilities: want})
	if err != nil {
		pl.errorf(p.Pos, "profile %q: %v", p.Name, err)
		return
	}
	pl.add(&Step{Action: Update, Type: TypeRecordTypeDefaults, Name: p.Name, SObject: "Profile", Changes: changes, Metadata: &Metadata{Files: []metadata.File{f}}, Pos: p.Pos})
}

// recordTypeWord says what a record type is on a profile now, for the plan.
func recordTypeWord(v state.RecordTypeVisibility, ok, person bool) any {
	switch {
	case !ok:
		return nil
	case person && v.PersonAccountDefault != nil && *v.PersonAccountDefault:
		return "person account default"
	case !person && v.Default:
		return "default"
	case v.Visible:
		return "visible"
	}
	return "hidden"
}
