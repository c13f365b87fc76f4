//go:build contract

package contract

import (
	"errors"
	"fmt"
	"slices"
)

// removal undoes an apply from its steps: what the apply created, in an
// order the org accepts (assignments before sets, users off a profile
// before it goes). Users are retired, not deleted: Salesforce never deletes
// users.
type removal struct {
	steps []step
	done  bool
}

func removalOf(steps []step) *removal { return &removal{steps: steps} }

// removeOrder is each removable sObject's turn, and how it goes.
var removeOrder = []string{"PermissionSetAssignment", "PermissionSetLicenseAssign", "User", "PermissionSetGroupComponent",
	"PermissionSetGroup", "PermissionSet", "Profile", "RemoteProxy"}

func (r *removal) run() error {
	if r.done {
		return nil
	}
	r.done = true
	created := map[string][]string{}
	var errs []error
	for _, s := range r.steps {
		if s.Action != "create" || s.ID == "" || s.Status != "done" {
			continue
		}
		switch s.SObject {
		case "ObjectPermissions", "FieldPermissions":
			continue // they go with their set or profile
		}
		if !slices.Contains(removeOrder, s.SObject) {
			errs = append(errs, fmt.Errorf("the suite does not know how to remove %s %q (%s %s)", s.Type, s.Name, s.SObject, s.ID))
			continue
		}
		created[s.SObject] = append(created[s.SObject], s.ID)
	}
	for _, sobject := range removeOrder {
		for _, id := range created[sobject] {
			var err error
			switch sobject {
			case "User":
				err = retireOff(id, created["Profile"])
			case "RemoteProxy":
				err = suite.client.Do(ctx(), "DELETE", suite.client.DataPath("tooling/sobjects/RemoteProxy/"+id), nil, nil)
			default:
				err = deleteRecord(sobject, id)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("remove %s %s: %w", sobject, id, err))
			}
		}
	}
	return errors.Join(errs...)
}

// retireOff retires a user, first moving it off a profile the apply created
// (to another profile of its licence), so that the profile can go.
func retireOff(id string, createdProfiles []string) error {
	users, err := suite.client.Query(ctx(), "SELECT ProfileId FROM User WHERE Id = '"+id+"'")
	if err != nil || len(users) != 1 {
		return fmt.Errorf("read the user: %d records, %w", len(users), err)
	}
	fields := map[string]any{"IsActive": false, "Username": "retired." + id + "@" + suite.prefix + ".example.com"}
	if profile := users[0].String("ProfileId"); slices.Contains(createdProfiles, profile) {
		lic, err := suite.client.Query(ctx(), "SELECT UserLicenseId FROM Profile WHERE Id = '"+profile+"'")
		if err != nil || len(lic) != 1 {
			return fmt.Errorf("read the user's profile: %w", err)
		}
		others, err := suite.client.Query(ctx(), "SELECT Id FROM Profile WHERE UserLicenseId = '"+lic[0].String("UserLicenseId")+"' ORDER BY Name")
		if err != nil {
			return fmt.Errorf("find another profile of the user's licence: %w", err)
		}
		for _, o := range others {
			if !slices.Contains(createdProfiles, o.String("Id")) {
				fields["ProfileId"] = o.String("Id")
				break
			}
		}
		if fields["ProfileId"] == nil {
			return fmt.Errorf("no other profile of the user's licence to move it to")
		}
	}
	return suite.client.Do(ctx(), "PATCH", suite.client.DataPath("sobjects/User/"+id), fields, nil)
}
