package plan

import (
	"time"

	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/internal/state"
)

// Offboarding removes what a spec gave, when a vendor's contract ends: its
// users deactivated (Salesforce never deletes users) and their OAuth tokens
// revoked, the assignments the spec names taken from them, and the spec's own permission set groups,
// permission sets and remote sites deleted. What the spec did not create
// or name is left alone: a managed package's sets stay, and so do the
// user's other assignments and the spec's profiles (a user, even inactive,
// keeps its profile, so a profile cannot be deleted). Removal runs in the
// reverse order of creation, each kind in a wave after what depends on it.

// Removal kinds: registry entries whose waves come after every kind that
// creates (kinds.go).
const (
	TypeLicenseRelease = "permissionSetLicenseRelease"
	TypeGroupDelete    = "permissionSetGroupDelete"
	TypePermSetDelete  = "permissionSetDelete"
	// TypeOAuthRevoke revokes an OAuth token a spec user granted an app.
	TypeOAuthRevoke = "oauthTokenRevoke"
)

// ChannelRevoke: OAuth tokens, revoked at the org's OAuth revoke endpoint
// with their OauthToken DeleteToken ("To delete an AccessToken, send a
// request to the revoke OAuth token endpoint with DeleteToken as a
// parameter", OauthToken object reference: the object supports only
// describeSObjects() and query(), no delete). The step holds no
// DeleteToken: the writer reads the token's at apply time, so that no
// plan, printed or saved, carries one.
const ChannelRevoke Channel = "revoke"

func init() {
	for _, k := range []Kind{
		// Licences after the permission set assignments that need them;
		// groups before the sets they contain; sets last.
		{TypeLicenseRelease, "licence", 14, 5, ChannelCollections},
		{TypeGroupDelete, "permission set group", 15, 6, ChannelCollections},
		{TypePermSetDelete, "permission set", 16, 7, ChannelCollections},
		// Tokens with the user's deactivation: both end the vendor's
		// access, and need nothing of each other.
		{TypeOAuthRevoke, "OAuth token", 6, 1, ChannelRevoke},
	} {
		kinds[k.Type] = k
	}
}

// Offboard plans the removal of what s gave in the org st describes; a
// holds the spec users' OAuth tokens (state.ReadTokens; nil: none read). A
// second run, once it is done, has no steps that change anything.
func Offboard(s *spec.Spec, st *state.State, a *state.Audit, opts Options) (*Plan, diag.Diagnostics) {
	pl := &planner{s: s, st: st, opts: opts, p: &Plan{Target: opts.Target, IDs: map[Key]string{}}}
	for _, u := range s.Users {
		if pl.cond(u.If) {
			pl.offboardUser(&u)
			if a != nil {
				pl.revokeTokens(&u, a.Tokens[lower(u.Username.Value)])
			}
		}
	}
	for i := range s.PermissionSetGroups {
		g := &s.PermissionSetGroups[i]
		if cur := st.Groups[lower(g.Name)]; cur != nil && pl.cond(g.If) {
			pl.add(&Step{Action: Prune, Type: TypeGroupDelete, Name: g.Name, SObject: "PermissionSetGroup", ID: cur.ID})
		}
	}
	for i := range s.PermissionSets {
		p := &s.PermissionSets[i]
		if !pl.cond(p.If) {
			continue
		}
		if ps, _ := st.FindPermSet(p.Name); ps != nil && ps.Namespace == "" {
			pl.add(&Step{Action: Prune, Type: TypePermSetDelete, Name: p.Name, SObject: "PermissionSet", ID: ps.ID})
		}
	}
	for _, r := range s.RemoteSites {
		if cur := st.RemoteSites[lower(r.Name)]; cur != nil && pl.cond(r.If) {
			pl.add(&Step{Action: Prune, Type: TypeRemoteSite, Name: r.Name, SObject: "RemoteProxy", ID: cur.ID})
		}
	}
	pl.p.sortSteps()
	return pl.p, pl.ds
}

// offboardUser deactivates a spec user and removes the assignments the
// spec names or gave it.
func (pl *planner) offboardUser(u *spec.User) {
	name := u.Username.Value
	cur := pl.st.Users[lower(name)]
	if cur == nil {
		return
	}
	parent := "user " + quoteName(name)
	if cur.Record.Bool("IsActive") {
		pl.add(&Step{Action: Update, Type: TypeUser, Name: name, SObject: "User", ID: cur.ID,
			Fields: map[string]any{"IsActive": false}, Changes: []Change{{Field: "IsActive", Before: true, After: false}}})
	}
	sets := map[string]string{} // Id(15) → name, of the sets to take away
	for _, r := range u.PermissionSets {
		if ps, _ := pl.st.FindPermSet(r.Name); ps != nil {
			sets[state.Key15(ps.ID)] = ps.FullName()
		}
	}
	for _, p := range pl.s.PermissionSets {
		if ps, _ := pl.st.FindPermSet(p.Name); ps != nil {
			sets[state.Key15(ps.ID)] = ps.FullName()
		}
	}
	for _, id := range sortedKeys(cur.Sets) {
		if n, ok := sets[id]; ok {
			pl.add(&Step{Action: Prune, Type: TypePermSetAssign, Name: n, Parent: parent, SObject: "PermissionSetAssignment", ID: cur.Sets[id]})
		}
	}
	groups := map[string]string{}
	for _, r := range u.PermissionSetGroups {
		if g := pl.st.FindGroup(r.Name); g != nil {
			groups[state.Key15(g.ID)] = g.FullName()
		}
	}
	for _, g := range pl.s.PermissionSetGroups {
		if cur := pl.st.FindGroup(g.Name); cur != nil {
			groups[state.Key15(cur.ID)] = cur.FullName()
		}
	}
	for _, id := range sortedKeys(cur.Groups) {
		if n, ok := groups[id]; ok {
			pl.add(&Step{Action: Prune, Type: TypeGroupAssign, Name: n, Parent: parent, SObject: "PermissionSetAssignment", ID: cur.Groups[id]})
		}
	}
	for _, r := range u.PermissionSetLicenses {
		for _, l := range pl.st.PSLs {
			if lower(l.DeveloperName) != lower(r.Name) && lower(l.MasterLabel) != lower(r.Name) {
				continue
			}
			if aid, ok := cur.PSLs[state.Key15(l.ID)]; ok {
				pl.add(&Step{Action: Prune, Type: TypeLicenseRelease, Name: l.MasterLabel, Parent: parent, SObject: "PermissionSetLicenseAssign", ID: aid})
			}
		}
	}
}

// revokeTokens revokes every OAuth token of a spec user, whatever the app:
// the user exists for the vendor, so any token it granted is the vendor's
// way in (a vendor may connect through a packaged app the spec does not
// name), and the issue's offboarding leaves it "inactive with no
// assignments or tokens". Tokens of users the spec does not name are not
// touched.
func (pl *planner) revokeTokens(u *spec.User, tokens []state.OAuthToken) {
	for _, t := range tokens {
		created := t.Created.UTC().Format("2006-01-02T15:04:05.000+0000")
		pl.add(&Step{Action: Prune, Type: TypeOAuthRevoke, Name: t.App, Parent: "user " + quoteName(u.Username.Value),
			SObject: "OauthToken", Note: "granted " + t.Created.UTC().Format(time.DateOnly),
			Fields: map[string]any{"UserId": t.UserID, "AppName": t.App, "CreatedDate": created}})
	}
}
