package emulator

import (
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// hooks are the rules of one object beyond the generic field checks.
type hooks struct {
	beforeInsert func(o *Org, d dml, rec soql.Record) *DMLError
	afterInsert  func(o *Org, d dml, rec soql.Record)
	beforeUpdate func(o *Org, d dml, rec soql.Record, changes map[string]any) *DMLError
	afterUpdate  func(o *Org, d dml, old, rec soql.Record)
	beforeDelete func(o *Org, d dml, rec soql.Record) *DMLError
	afterDelete  func(o *Org, d dml, rec soql.Record)
}

func hooksFor(object string) hooks {
	switch object {
	case "User":
		return hooks{beforeInsert: userBeforeInsert, afterInsert: userAfterInsert, beforeUpdate: userBeforeUpdate, afterUpdate: userAfterUpdate}
	case "Profile":
		return hooks{beforeInsert: profileBeforeInsert, afterInsert: profileAfterInsert, beforeUpdate: profileBeforeUpdate,
			afterUpdate: profileAfterUpdate, beforeDelete: profileBeforeDelete, afterDelete: profileAfterDelete}
	case "PermissionSet":
		return hooks{beforeInsert: psBeforeInsert, beforeUpdate: psBeforeUpdate, afterUpdate: psAfterUpdate,
			beforeDelete: psBeforeDelete, afterDelete: psAfterDelete}
	case "ObjectPermissions":
		return hooks{beforeInsert: opBeforeInsert, afterInsert: touchParent, beforeUpdate: opBeforeUpdate, afterUpdate: touchParent2,
			beforeDelete: opBeforeDelete, afterDelete: touchParent}
	case "FieldPermissions":
		return hooks{beforeInsert: fpBeforeInsert, afterInsert: fpAfterWrite, beforeUpdate: fpBeforeUpdate, afterUpdate: fpAfterUpdate, afterDelete: touchParent}
	case "SetupEntityAccess":
		return hooks{beforeInsert: seaBeforeInsert, afterInsert: touchParent, afterDelete: touchParent}
	case "PermissionSetAssignment":
		return hooks{beforeInsert: psaBeforeInsert, beforeDelete: psaBeforeDelete}
	case "PermissionSetLicenseAssign":
		return hooks{beforeInsert: pslaBeforeInsert, afterInsert: recount, afterDelete: recount}
	case "PermissionSetGroup":
		return hooks{beforeInsert: psgBeforeInsert, afterInsert: psgAfterInsert, beforeUpdate: psgBeforeUpdate, afterUpdate: psgAfterUpdate,
			afterDelete: psgAfterDelete}
	case "PermissionSetGroupComponent":
		return hooks{beforeInsert: psgcBeforeInsert, afterInsert: psgcChanged, afterDelete: psgcChanged}
	case "Account":
		return hooks{beforeInsert: accountBeforeInsert}
	case "RecordType":
		return hooks{afterInsert: recordTypeChanged, afterUpdate: recordTypeUpdated, afterDelete: recordTypeChanged}
	case "RemoteProxy":
		return hooks{beforeInsert: rpBeforeInsert, beforeUpdate: rpBeforeUpdate}
	case "PackageInstallRequest":
		return hooks{beforeInsert: pirBeforeInsert} // packages_install.go
	}
	return hooks{}
}

func recount(o *Org, _ dml, _ soql.Record)     { o.recountLicenses() }
func recount2(o *Org, _ dml, _, _ soql.Record) { o.recountLicenses() }
