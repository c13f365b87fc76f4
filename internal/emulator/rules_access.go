package emulator

import "strconv"

// objectAccess lists the objects only some users may read, with the
// permissions (PermissionSet fields) of which the user needs one.
//
// PermissionDependency: "As of Summer '20 and later, only users with View
// Setup and Configuration permission can access this object" (Tooling API
// reference, tooling_api_objects_permissiondependency.htm, "Special Access
// Rules").
//
// How the org answers a user without it: as if it had no such object. A
// user without View Setup and Configuration querying another Tooling
// object with the same rule got "INVALID_TYPE: sObject type
// 'EntityParticle' is not supported." and its describe "NOT_FOUND: The
// requested resource does not exist" (tprouvot/Salesforce-Inspector-reloaded#1310;
// "once my admin gave me View Setup and Configuration permissions the
// issue was solved"). That PermissionDependency answers the same way is
// UNCONFIRMED.
var objectAccess = map[string][]string{
	"PermissionDependency": {"PermissionsViewSetup"},
}

// objectSince is the API version each of these objects appeared in; before
// it, the org has no such object. PermissionDependency: "Available in
// Tooling API version 46.0 and later" (the Tooling API reference).
var objectSince = map[string]float64{
	"PermissionDependency": 46.0,
}

// hiddenFor returns the View.Hidden of a request: the objects of
// objectSince not yet in its API version, and those of objectAccess that
// none of the user's permission sets opens (the static admin token, with no
// user, holds every permission).
func (o *Org) hiddenFor(c *reqCtx) func(string) bool {
	ver, _ := strconv.ParseFloat(c.ver, 64)
	userID := c.user.ID
	return func(object string) bool {
		if since, ok := objectSince[object]; ok && ver < since {
			return true
		}
		need, ok := objectAccess[object]
		if !ok || userID == "" {
			return false
		}
		for _, p := range need {
			if o.userHasPermission(userID, p) {
				return false
			}
		}
		return true
	}
}
