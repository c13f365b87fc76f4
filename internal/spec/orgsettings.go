package spec

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// OrgSettings are org preferences a guide asks for.
type OrgSettings struct {
	SetAuditFieldsOnCreation        *bool
	UpdateRecordsWithInactiveOwners *bool
	Pos                             Pos
}

var orgSettingsKeys = []string{"setAuditFieldsOnCreation", "updateRecordsWithInactiveOwners"}

func (p *parser) decodeOrgSettings(f *file, n *yaml.Node) {
	fs, ok := p.mapping(f, n, "orgSettings", orgSettingsKeys)
	if !ok {
		return
	}
	if p.spec.OrgSettings == nil {
		p.spec.OrgSettings = &OrgSettings{Pos: f.pos(n)}
	}
	set := func(k string, dst **bool) {
		b := p.optBool(f, fs, k)
		if b == nil {
			return
		}
		if p.define("org setting", k, fmt.Sprintf("%q", k), f.pos(fs.key(k))) {
			*dst = b
		}
	}
	set("setAuditFieldsOnCreation", &p.spec.OrgSettings.SetAuditFieldsOnCreation)
	set("updateRecordsWithInactiveOwners", &p.spec.OrgSettings.UpdateRecordsWithInactiveOwners)
}
