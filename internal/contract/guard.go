package contract

import (
	"fmt"

	"github.com/sfprov/sfprov/internal/target"
)

// CheckOrg decides whether the suite may run against an org: it creates and
// removes users, permission sets and profiles, so a production org is
// refused unless allowProduction. Allowed without it: an emulator (an
// instance on this machine's loopback address, where Salesforce never is),
// a sandbox (Organization.IsSandbox), and a Developer Edition org, which is
// a production org by IsSandbox (false) but a free, single-person one
// (Organization.OrganizationType "Developer Edition"; the field's values are
// listed in the Organization object reference).
func CheckOrg(instanceURL string, isSandbox bool, orgType string, allowProduction bool) error {
	switch {
	case target.IsLoopback(instanceURL), isSandbox, orgType == "Developer Edition", allowProduction:
		return nil
	}
	return fmt.Errorf("refusing to run the contract suite against %s: it is a production org (Organization.IsSandbox false, OrganizationType %q); "+
		"use a Developer Edition org or a sandbox, or pass -allow-production (SFPROV_CONTRACT_ALLOW_PRODUCTION=1) if you mean it", instanceURL, orgType)
}
