package emulator

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

// hiddenFor returns the View.Hidden of a user: the objects of objectAccess
// that none of the user's permission sets opens. The static admin token
// (no user) sees everything.
func (o *Org) hiddenFor(userID string) func(string) bool {
	if userID == "" {
		return nil
	}
	return func(object string) bool {
		need, ok := objectAccess[object]
		if !ok {
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
