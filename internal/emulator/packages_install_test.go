package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const acmeSeed = `availablePackages:
  - versionId: 04t000000000001AAA
    namespace: acmepkg
    name: Acme Package
    version: "2.4"
    installationKey: acme-key-7
    permissionSets: [Acme_Pkg_Access]
    connectedApps: [{name: Acme Pkg App, permittedUsers: allSelfAuthorize, ipRelaxation: enforce}]
    objects: [{name: acmepkg__Widget__c, fields: [{name: acmepkg__Code__c, type: string}]}]
  - versionId: 04t000000000002AAA
    namespace: freepkg
    name: Free Package
    version: "1.0"
`

func acmeOrg(t *testing.T, opts Options) *Org {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.yaml")
	if err := os.WriteFile(path, []byte(acmeSeed), 0o600); err != nil {
		t.Fatal(err)
	}
	seed, err := LoadSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	opts.Seed = seed
	o, _ := newTestOrg(t, opts)
	return o
}

// install posts a PackageInstallRequest and reads it until it ends; it returns the final record.
func install(t *testing.T, o *Org, body map[string]any) map[string]any {
	t.Helper()
	r := do(t, o, "POST", v+"/tooling/sobjects/PackageInstallRequest", body)
	if r.status != 201 {
		t.Fatalf("install: %d %s", r.status, r.body)
	}
	id := r.obj(t)["id"].(string)
	if !strings.HasPrefix(id, "0Hf") {
		t.Errorf("id %s", id)
	}
	first := toolingOne(t, o, "SELECT Id, Status, Errors FROM PackageInstallRequest WHERE Id = '"+id+"'")
	if first["Status"] != "IN_PROGRESS" || first["Errors"] != nil {
		t.Errorf("first read %v", first)
	}
	rec := do(t, o, "GET", v+"/tooling/sobjects/PackageInstallRequest/"+id, nil).obj(t)
	if rec["Status"] == "IN_PROGRESS" {
		t.Fatalf("second read still in progress: %v", rec)
	}
	if rec["Password"] != nil {
		t.Errorf("Password reads back: %v", rec["Password"])
	}
	return rec
}

func TestPackageInstall(t *testing.T) {
	o := acmeOrg(t, Options{})
	// Before the install: nothing of the package.
	if n := len(query(t, o, "SELECT Id FROM PermissionSet WHERE NamespacePrefix = 'acmepkg'")); n != 0 {
		t.Fatalf("package sets before install: %d", n)
	}
	errs := func(rec map[string]any) string {
		e, _ := rec["Errors"].(map[string]any)
		if e == nil {
			return ""
		}
		return e["errors"].([]any)[0].(map[string]any)["message"].(string)
	}
	cases := []struct {
		name, status, err string
		body              map[string]any
	}{
		{"no key", "ERROR", "Please provide installationkey when querying against SubscriberPackageVersion that is protected by installationkey",
			map[string]any{"SubscriberPackageVersionKey": "04t000000000001AAA"}},
		{"wrong key", "ERROR", "Invalid InstallationKey for SubscriberPackageVersion",
			map[string]any{"SubscriberPackageVersionKey": "04t000000000001AAA", "Password": "nope"}},
		{"unknown version", "ERROR", "The requested package doesn't yet exist or has been deleted",
			map[string]any{"SubscriberPackageVersionKey": "04t000000000009AAA"}},
		{"right key", "SUCCESS", "",
			map[string]any{"SubscriberPackageVersionKey": "04t000000000001", "Password": "acme-key-7", "SecurityType": "None", "NameConflictResolution": "Block"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := install(t, o, tc.body)
			if rec["Status"] != tc.status || errs(rec) != tc.err {
				t.Errorf("Status %v, Errors %v", rec["Status"], rec["Errors"])
			}
			if strings.Contains(strings.ToLower(string(do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT Id, Errors FROM PackageInstallRequest"), nil).body)), "acme-key-7") {
				t.Error("the installation key is readable")
			}
		})
	}
	// The package is in the org as a seeded one is.
	isp := toolingOne(t, o, "SELECT SubscriberPackage.NamespacePrefix, SubscriberPackageVersionId FROM InstalledSubscriberPackage")
	if isp["SubscriberPackageVersionId"] != "04t000000000001AAA" || isp["SubscriberPackage"].(map[string]any)["NamespacePrefix"] != "acmepkg" {
		t.Errorf("InstalledSubscriberPackage %v", isp)
	}
	if recs := query(t, o, "SELECT Name, NamespacePrefix FROM PermissionSet WHERE NamespacePrefix = 'acmepkg'"); len(recs) != 1 || recs[0].(map[string]any)["Name"] != "Acme_Pkg_Access" {
		t.Errorf("package sets %v", recs)
	}
	if recs := query(t, o, "SELECT Name FROM ConnectedApplication WHERE Name = 'Acme Pkg App'"); len(recs) != 1 {
		t.Errorf("connected app %v", recs)
	}
	d := do(t, o, "GET", v+"/sobjects/acmepkg__Widget__c/describe", nil)
	if d.status != 200 || !strings.Contains(string(d.body), `"name":"acmepkg__Code__c"`) {
		t.Errorf("package object: %d %.200s", d.status, d.body)
	}
	create(t, o, "acmepkg__Widget__c", map[string]any{"Name": "W-1", "acmepkg__Code__c": "A1"})
}

func TestPackageInstallPasswordForAKeylessPackage(t *testing.T) {
	o := acmeOrg(t, Options{InstallPolls: -1})
	expectBody(t, do(t, o, "POST", v+"/tooling/sobjects/PackageInstallRequest", map[string]any{"SubscriberPackageVersionKey": "04t000000000002AAA", "Password": "x"}), 400,
		`[{"message":"Can’t install package. This package doesn’t require an installation key. Install the package without specifying an installation key.: Password","errorCode":"FIELD_INTEGRITY_EXCEPTION","fields":["Password"]}]`)
	r := do(t, o, "POST", v+"/tooling/sobjects/PackageInstallRequest", map[string]any{"SubscriberPackageVersionKey": "04t000000000002AAA"})
	id := r.obj(t)["id"].(string)
	// InstallPolls < 0: the first read is final.
	if rec := do(t, o, "GET", v+"/tooling/sobjects/PackageInstallRequest/"+id, nil).obj(t); rec["Status"] != "SUCCESS" {
		t.Errorf("status %v", rec["Status"])
	}
	expectBody(t, do(t, o, "POST", v+"/tooling/sobjects/PackageInstallRequest", map[string]any{"Password": "x"}), 400,
		`[{"message":"Required fields are missing: [SubscriberPackageVersionKey]","errorCode":"REQUIRED_FIELD_MISSING","fields":["SubscriberPackageVersionKey"]}]`)
}

func TestSeedAvailablePackagesErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"availablePackages:\n  - namespace: x\n", "availablePackages[0]: versionId is required"},
		{"availablePackages:\n  - namespace: x\n    versionId: 033000000000001AAA\n", "want a package version Id"},
		{"availablePackages:\n  - namespace: x\n    versionId: 04t000000000001AAA\n    key: k\n", `unknown key "key"`},
		{"packages:\n  - namespace: x\n    installationKey: k\n", `unknown key "installationKey"`},
	} {
		path := filepath.Join(t.TempDir(), "seed.yaml")
		os.WriteFile(path, []byte(tc.yaml), 0o600)
		if _, err := LoadSeed(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
