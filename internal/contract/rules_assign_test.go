//go:build contract

package contract

import (
	"fmt"
	"testing"
	"time"
)

// A Salesforce Integration user gets standard-object access only once it
// holds the Salesforce API Integration permission set licence.
func TestIntegrationLicence(t *testing.T) {
	profile := one(t, "SELECT Id FROM Profile WHERE Name = 'Minimum Access - API Only Integrations'")
	user := create(t, "User", map[string]any{"Username": username("integration"), "LastName": name("Integration"), "Email": username("integration"),
		"Alias": "ctint", "ProfileId": profile, "TimeZoneSidKey": "America/Los_Angeles", "LocaleSidKey": "en_US",
		"EmailEncodingKey": "UTF-8", "LanguageLocaleKey": "en_US"}, retireUser(t))
	ps := create(t, "PermissionSet", map[string]any{"Name": name("Accounts"), "Label": name("Accounts")}, deleter(t, "PermissionSet"))
	create(t, "ObjectPermissions", map[string]any{"ParentId": ps, "SobjectType": "Account", "PermissionsRead": true}, deleter(t, "ObjectPermissions"))

	_, err := tryCreate("PermissionSetAssignment", map[string]any{"AssigneeId": user, "PermissionSetId": ps})
	wantAPIError(t, err, 400, "FIELD_INTEGRITY_EXCEPTION",
		fmt.Sprintf("Can't assign permission set %s to user %s. The user license doesn't allow the permission: Read Accounts", name("Accounts"), name("Integration")))

	psl := one(t, "SELECT Id FROM PermissionSetLicense WHERE DeveloperName = 'SalesforceAPIIntegrationPsl'")
	create(t, "PermissionSetLicenseAssign", map[string]any{"AssigneeId": user, "PermissionSetLicenseId": psl}, deleter(t, "PermissionSetLicenseAssign"))
	create(t, "PermissionSetAssignment", map[string]any{"AssigneeId": user, "PermissionSetId": ps}, deleter(t, "PermissionSetAssignment"))
}

// A second assignment of the same set to the same user is DUPLICATE_VALUE.
func TestDuplicateAssignment(t *testing.T) {
	ps := create(t, "PermissionSet", map[string]any{"Name": name("Twice"), "Label": name("Twice")}, deleter(t, "PermissionSet"))
	assignment := map[string]any{"AssigneeId": suite.adminID, "PermissionSetId": ps}
	create(t, "PermissionSetAssignment", assignment, deleter(t, "PermissionSetAssignment"))
	_, err := tryCreate("PermissionSetAssignment", assignment)
	wantAPIError(t, err, 400, "DUPLICATE_VALUE",
		fmt.Sprintf("Duplicate PermissionSetAssignment. Assignee: %s; Permission Set: %s", id15(suite.adminID), id15(ps)))
}

// msgPSGNotUpdated is the refusal of an assignment to a group that is
// still recalculating.
const msgPSGNotUpdated = `You can only assign users to permission set groups that have the "Updated" status`

// A permission set group is Updating after a change and takes assignments
// only once Updated. A real org may finish before the first read; the
// refusal is then not seen, and the test says so.
func TestPermissionSetGroupStatus(t *testing.T) {
	ps := create(t, "PermissionSet", map[string]any{"Name": name("Member"), "Label": name("Member"), "PermissionsApiEnabled": true}, deleter(t, "PermissionSet"))
	group := create(t, "PermissionSetGroup", map[string]any{"DeveloperName": name("Group"), "MasterLabel": name("Group")}, deleter(t, "PermissionSetGroup"))
	create(t, "PermissionSetGroupComponent", map[string]any{"PermissionSetGroupId": group, "PermissionSetId": ps}, deleter(t, "PermissionSetGroupComponent"))
	statusQuery := "SELECT Status FROM PermissionSetGroup WHERE Id = '" + group + "'"
	assignment := map[string]any{"AssigneeId": suite.adminID, "PermissionSetGroupId": group}
	switch status := query(t, statusQuery)[0].String("Status"); status {
	case "Updating":
		_, err := tryCreate("PermissionSetAssignment", assignment)
		wantAPIError(t, err, 400, "FIELD_INTEGRITY_EXCEPTION", msgPSGNotUpdated)
	case "Updated":
		t.Log("the group was Updated at the first read; the refusal while Updating was not seen")
	default:
		t.Fatalf("group status %q after a change, want Updating or Updated", status)
	}
	// Polled, not timed: the group is read until it says Updated.
	for n := 0; query(t, statusQuery)[0].String("Status") != "Updated"; n++ {
		if n == 600 {
			t.Fatal("the group is still not Updated after 600 reads")
		}
		time.Sleep(200 * time.Millisecond)
	}
	create(t, "PermissionSetAssignment", assignment, deleter(t, "PermissionSetAssignment"))
}
