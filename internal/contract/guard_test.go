package contract

import (
	"strings"
	"testing"
)

func TestCheckOrg(t *testing.T) {
	tests := []struct {
		url, orgType   string
		sandbox, allow bool
		ok             bool
	}{
		{"http://127.0.0.1:4000", "Enterprise Edition", false, false, true},
		{"https://acme--uat.sandbox.my.salesforce.com", "Enterprise Edition", true, false, true},
		{"https://me-dev-ed.develop.my.salesforce.com", "Developer Edition", false, false, true},
		{"https://acme.my.salesforce.com", "Enterprise Edition", false, false, false},
		{"https://acme.my.salesforce.com", "Enterprise Edition", false, true, true},
	}
	for _, tt := range tests {
		err := CheckOrg(tt.url, tt.sandbox, tt.orgType, tt.allow)
		if (err == nil) != tt.ok {
			t.Errorf("CheckOrg(%s, sandbox %v, %q, allow %v) = %v", tt.url, tt.sandbox, tt.orgType, tt.allow, err)
		}
	}
	err := CheckOrg("https://acme.my.salesforce.com", false, "Enterprise Edition", false)
	want := `refusing to run the contract suite against https://acme.my.salesforce.com: it is a production org (Organization.IsSandbox false, OrganizationType "Enterprise Edition"); use a Developer Edition org or a sandbox, or pass -allow-production (SFPROV_CONTRACT_ALLOW_PRODUCTION=1) if you mean it`
	if err == nil || err.Error() != want || !strings.Contains(err.Error(), "-allow-production") {
		t.Errorf("refusal:\n%v\nwant:\n%s", err, want)
	}
}
