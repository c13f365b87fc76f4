package emulator

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// ---- Users ----------------------------------------------------------------

// Source: DUPLICATE_USERNAME and its message as Salesforce returns it
// (quoted in afawcett/githubsfdeploy#20 and patronmanager/apex-dml-manager#14);
// usernames are unique across all orgs (facts §1), here across this org.
const msgDuplicateUsername = "Duplicate Username.<br>The username already exists in this or another Salesforce organization. " +
	"Usernames must be unique across all Salesforce organizations. To resolve, use a different username " +
	"(it doesn't need to match the user's email address). "

// Source: DUPLICATE_COMM_NICKNAME as quoted in forcedotcom/cli#3142.
const msgDuplicateNickname = "Duplicate Nickname.<br>Another user has already selected this nickname.<br>Please select another."

// errLicenseLimit is LICENSE_LIMIT_EXCEEDED (facts §1, StatusCode enumeration);
// the message text is UNCONFIRMED.
func errLicenseLimit() *DMLError {
	return dmlErr("LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
}

func (o *Org) userByUsername(username string) (soql.Record, bool) {
	for _, r := range o.st.lookup(ixUsername, username) {
		if u, _ := r["Username"].(string); strings.EqualFold(u, username) {
			return r, true
		}
	}
	return nil, false
}

// usernameRE is the email form a username must have (facts §1).
var usernameRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)

// errUsernameForm: FIELD_INTEGRITY_EXCEPTION "Username must be in the form of
// an email address (for example, john@acme.com): Username", fields [Username]
// (the REST answer quoted in wso2/product-is#23846).
func errUsernameForm() *DMLError {
	return dmlErr("FIELD_INTEGRITY_EXCEPTION", "Username must be in the form of an email address (for example, john@acme.com): Username", "Username")
}

func userBeforeInsert(o *Org, d dml, rec soql.Record) *DMLError {
	username, _ := rec["Username"].(string)
	if !usernameRE.MatchString(username) {
		return errUsernameForm()
	}
	if _, dup := o.userByUsername(username); dup {
		return dmlErr("DUPLICATE_USERNAME", msgDuplicateUsername, "Username")
	}
	if nick, ok := rec["CommunityNickname"].(string); ok {
		if o.nicknameTaken(nick, "") {
			return dmlErr("DUPLICATE_COMM_NICKNAME", msgDuplicateNickname, "CommunityNickname")
		}
	} else {
		// Defaulted on create (describe: defaultedOnCreate); made unique like Salesforce does.
		base := nickname(username)
		nick := base
		for i := 1; o.nicknameTaken(nick, ""); i++ {
			nick = fmt.Sprintf("%s%d", base, i)
		}
		rec["CommunityNickname"] = nick
	}
	rec["UserType"] = "Standard"
	if rec["IsActive"] == true {
		if err := o.checkUserSeat(str(rec, "ProfileId"), ""); err != nil {
			return err
		}
	}
	return nil
}

// userAfterInsert gives the user the assignment of their profile's own
// permission set: real orgs list one PermissionSetAssignment per user for it,
// which is why clients filter on PermissionSet.IsOwnedByProfile = false
// (PermissionSetAssignment object reference; the CLI's state reader does so).
func userAfterInsert(o *Org, d dml, rec soql.Record) {
	o.assignProfileSet(rec)
	o.recountLicenses()
}

func userAfterUpdate(o *Org, d dml, old, rec soql.Record) {
	if old["ProfileId"] != rec["ProfileId"] {
		for _, a := range o.st.lookup(ixPSAAssignee, rec["Id"]) {
			if a["AssigneeId"] != rec["Id"] {
				continue
			}
			if _, ps, _ := o.st.Get(str(a, "PermissionSetId")); ps["IsOwnedByProfile"] == true {
				o.st.remove(a["Id"].(string))
			}
		}
		o.assignProfileSet(rec)
	}
	o.recountLicenses()
}

func (o *Org) assignProfileSet(user soql.Record) {
	ps := o.ownedPermissionSet(str(user, "ProfileId"))
	if ps == nil {
		return
	}
	o.seedInsert("PermissionSetAssignment", soql.Record{"AssigneeId": user["Id"], "PermissionSetId": ps["Id"], "IsActive": true}, timestamp(o.now()))
}

func (o *Org) nicknameTaken(nick, exceptID string) bool {
	for _, r := range o.st.lookup(ixNickname, nick) {
		if n, _ := r["CommunityNickname"].(string); strings.EqualFold(n, nick) && r["Id"] != exceptID {
			return true
		}
	}
	return false
}

func userBeforeUpdate(o *Org, d dml, rec soql.Record, ch map[string]any) *DMLError {
	id := rec["Id"].(string)
	if u, ok := ch["Username"].(string); ok && !strings.EqualFold(u, str(rec, "Username")) {
		if !usernameRE.MatchString(u) {
			return errUsernameForm()
		}
		if _, dup := o.userByUsername(u); dup {
			return dmlErr("DUPLICATE_USERNAME", msgDuplicateUsername, "Username")
		}
	}
	if n, ok := ch["CommunityNickname"].(string); ok && o.nicknameTaken(n, id) {
		return dmlErr("DUPLICATE_COMM_NICKNAME", msgDuplicateNickname, "CommunityNickname")
	}
	active := rec["IsActive"] == true
	if a, ok := ch["IsActive"].(bool); ok {
		active = a
	}
	profile := str(rec, "ProfileId")
	if p, ok := ch["ProfileId"].(string); ok {
		profile = p
	}
	wasCounted := rec["IsActive"] == true
	sameLicense := o.profileLicense(profile) == o.profileLicense(str(rec, "ProfileId"))
	// Activating a user, or moving an active one to another licence, takes a seat (facts §1).
	if active && (!wasCounted || !sameLicense) {
		if err := o.checkUserSeat(profile, id); err != nil {
			return err
		}
	}
	return nil
}

func (o *Org) profileLicense(profileID string) string {
	_, p, ok := o.st.Get(profileID)
	if !ok {
		return ""
	}
	return str(p, "UserLicenseId")
}

// userLicenseName is the Name of the user licence of a user's profile.
func (o *Org) userLicenseName(userID string) string {
	_, u, ok := o.st.Get(userID)
	if !ok {
		return ""
	}
	_, l, ok := o.st.Get(o.profileLicense(str(u, "ProfileId")))
	if !ok {
		return ""
	}
	return str(l, "Name")
}

// checkUserSeat refuses a new active user of the profile's licence when every
// seat is taken: UsedLicenses counts active users (facts §1).
func (o *Org) checkUserSeat(profileID, exceptUser string) *DMLError {
	lic := o.profileLicense(profileID)
	_, l, ok := o.st.Get(lic)
	if !ok {
		return nil
	}
	total, _ := l["TotalLicenses"].(float64)
	if float64(o.activeUsers(lic, exceptUser)) >= total {
		return errLicenseLimit()
	}
	return nil
}

// activeUsers counts the active users (IsActive true) of a user licence
// other than exceptUser, through their profiles: the (ProfileId, IsActive)
// index holds each profile's active users, and an org has few profiles.
func (o *Org) activeUsers(licenseID, exceptUser string) int {
	used := 0
	for _, p := range o.st.All("Profile") {
		if str(p, "UserLicenseId") != licenseID {
			continue
		}
		// The key holds exactly the users with this ProfileId and IsActive
		// true (index keys keep the values' types), so its size is the count.
		used += o.st.countKey(ixUserProfile, p["Id"], true)
		if _, u, ok := o.st.Get(exceptUser); ok && u["Id"] == exceptUser && u["IsActive"] == true && u["ProfileId"] == p["Id"] {
			used--
		}
	}
	return used
}

// recountLicenses refreshes UsedLicenses of user and permission set licences.
func (o *Org) recountLicenses() {
	for _, l := range o.st.All("UserLicense") {
		if used := float64(o.activeUsers(l["Id"].(string), "")); l["UsedLicenses"] != used {
			o.st.set(l["Id"].(string), map[string]any{"UsedLicenses": used})
		}
	}
	for _, l := range o.st.All("PermissionSetLicense") {
		// Exactly the assignments of this licence: both sides are strings.
		if used := float64(o.st.countKey(ixPSLALicense, l["Id"])); l["UsedLicenses"] != used {
			o.st.set(l["Id"].(string), map[string]any{"UsedLicenses": used})
		}
	}
}

// mergedRecord is a record after a change: its fields, then the change's.
func mergedRecord(rec soql.Record, ch map[string]any) soql.Record {
	m := make(soql.Record, len(rec))
	for k, v := range rec {
		m[k] = v
	}
	for k, v := range ch {
		m[k] = v
	}
	return m
}
