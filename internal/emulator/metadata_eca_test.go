package emulator

import (
	"strings"
	"testing"
)

// ecaBundle is the five files of an External Client App named app, as
// sfprov's builders write them (internal/metadata testdata, by value).
func ecaBundle(app, policyName, permSets, consumerKey string) map[string]string {
	key := ""
	if consumerKey != "" {
		key = "    <consumerKey>" + consumerKey + "</consumerKey>\n"
	}
	return map[string]string{
		"package.xml": packageXML("62.0", map[string][]string{"ExternalClientApplication": {app}, "ExtlClntAppConfigurablePolicies": {app + "_plcy"},
			"ExtlClntAppGlobalOauthSettings": {app}, "ExtlClntAppOauthConfigurablePolicies": {policyName}, "ExtlClntAppOauthSettings": {app}}),
		"externalClientApps/" + app + ".eca": mdFile("ExternalClientApplication", "    <contactEmail>admin@example.com</contactEmail>\n"+
			"    <description>Middleware order sync</description>\n    <distributionState>Local</distributionState>\n    <isProtected>false</isProtected>\n    <label>Order Sync</label>\n"),
		"extlClntAppOauthSettings/" + app + ".ecaOauth": mdFile("ExtlClntAppOauthSettings", "    <commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>\n"+
			"    <externalClientApplication>"+app+"</externalClientApplication>\n    <label>Order Sync</label>\n"),
		"extlClntAppGlobalOauthSets/" + app + ".ecaGlblOauth": mdFile("ExtlClntAppGlobalOauthSettings", "    <callbackUrl>https://login.salesforce.com/services/oauth2/success</callbackUrl>\n"+
			key+"    <externalClientApplication>"+app+"</externalClientApplication>\n    <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>\n    <label>Order Sync</label>\n"),
		"extlClntAppOauthPolicies/" + policyName + ".ecaOauthPlcy": mdFile("ExtlClntAppOauthConfigurablePolicies",
			"    <clientCredentialsFlowUser>admin@emulator.sfprov.local</clientCredentialsFlowUser>\n    <commaSeparatedPermissionSet>"+permSets+"</commaSeparatedPermissionSet>\n"+
				"    <externalClientApplication>"+app+"</externalClientApplication>\n    <ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>\n"+
				"    <isClientCredentialsFlowEnabled>true</isClientCredentialsFlowEnabled>\n    <label>"+policyName+"</label>\n"+
				"    <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>\n"),
		"extlClntAppPolicies/" + app + "_plcy.ecaPlcy": mdFile("ExtlClntAppConfigurablePolicies", "    <externalClientApplication>"+app+"</externalClientApplication>\n"+
			"    <isEnabled>true</isEnabled>\n    <isOauthPluginEnabled>true</isOauthPluginEnabled>\n    <label>"+app+"_plcy</label>\n"),
	}
}

// assignedSet makes a permission set and assigns it to the admin.
func assignedSet(t *testing.T, o *Org, name string) string {
	ps := create(t, o, "PermissionSet", map[string]any{"Name": name, "Label": name})
	create(t, o, "PermissionSetAssignment", map[string]any{"AssigneeId": o.meta.AdminID, "PermissionSetId": ps})
	return ps
}

func TestDeployExternalClientApp(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	assignedSet(t, o, "Order_Sync_Integration")
	res := deploy(t, o, map[string]any{}, ecaBundle("Order_Sync", "Order_Sync_oauthPlcy", "Order_Sync_Integration", ""))
	if res["status"] != "Succeeded" || res["numberComponentsDeployed"] != 5.0 {
		t.Fatalf("deploy: %v %v", res["status"], problems(res))
	}
	// The data API reads the app; Tooling does not know the object.
	recs := query(t, o, "SELECT Id, DeveloperName, MasterLabel, ContactEmail, DistributionState, OrgScopedExternalApp FROM ExternalClientApplication WHERE DeveloperName = 'Order_Sync'")
	if len(recs) != 1 {
		t.Fatalf("ExternalClientApplication rows: %v", recs)
	}
	app := recs[0].(map[string]any)
	if app["MasterLabel"] != "Order Sync" || app["ContactEmail"] != "admin@example.com" || app["DistributionState"] != "Local" || app["OrgScopedExternalApp"] != o.OrgID()+":Order_Sync" {
		t.Errorf("app %v", app)
	}
	if r := do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT Id FROM ExternalClientApplication"), nil); r.status != 400 || !strings.Contains(string(r.body), "INVALID_TYPE") {
		t.Errorf("Tooling query: %d %s", r.status, r.body)
	}
	// Connect: the consumer, its generated key and secret.
	appID := app["Id"].(string)
	list := do(t, o, "GET", v+"/apps/oauth/credentials/"+appID, nil)
	if list.status != 200 {
		t.Fatalf("credentials: %d %s", list.status, list.body)
	}
	consumers := list.obj(t)["consumers"].([]any)
	if len(consumers) != 1 {
		t.Fatalf("consumers %v", consumers)
	}
	cons := consumers[0].(map[string]any)
	key := cons["key"].(string)
	if !strings.HasPrefix(key, "3MVG9") || !strings.HasPrefix(cons["id"].(string), "888") || cons["url"] != v+"/apps/oauth/credentials/"+appID+"/"+cons["id"].(string) {
		t.Errorf("consumer %v", cons)
	}
	ks := do(t, o, "GET", v+"/apps/oauth/credentials/"+appID+"/"+cons["id"].(string)+"?part=keyandsecret", nil).obj(t)
	if ks["key"] != key || len(ks["secret"].(string)) != 64 {
		t.Errorf("key and secret %v", ks)
	}
	if k := do(t, o, "GET", v+"/apps/oauth/credentials/"+appID+"/"+cons["id"].(string), nil).obj(t); k["secret"] != nil || k["key"] != key {
		t.Errorf("default part %v", k)
	}
	if r := do(t, o, "GET", "/services/data/v59.0/apps/oauth/credentials/"+appID, nil); r.status != 404 {
		t.Errorf("v59: %d", r.status)
	}
	// consumerKey is immutable: a redeploy with another key succeeds and keeps the old one.
	res = deploy(t, o, map[string]any{}, ecaBundle("Order_Sync", "Order_Sync_oauthPlcy", "Order_Sync_Integration", "3MVG9otherkey"))
	if res["status"] != "Succeeded" {
		t.Fatalf("redeploy: %v", problems(res))
	}
	if k := do(t, o, "GET", v+"/apps/oauth/credentials/"+appID+"/"+cons["id"].(string), nil).obj(t); k["key"] != key {
		t.Errorf("key after redeploy %v, want %s", k["key"], key)
	}
}

func TestDeployExternalClientAppTraps(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	assignedSet(t, o, "Order_Sync_Integration")
	create(t, o, "PermissionSet", map[string]any{"Name": "Unassigned", "Label": "Unassigned"})
	// The policy's name is Salesforce's, not the deployer's.
	res := deploy(t, o, map[string]any{}, ecaBundle("Order_Sync", "Order_Sync_Policy", "Order_Sync_Integration", ""))
	if res["status"] != "Failed" || problems(res)[0] != "duplicate value found: ExternalClientApplicationId duplicates value on Order_Sync_oauthPlcy" {
		t.Errorf("policy name: %v %v", res["status"], problems(res))
	}
	// A pre-authorised permission set must be assigned to the deploying user.
	res = deploy(t, o, map[string]any{}, ecaBundle("Order_Sync", "Order_Sync_oauthPlcy", "Order_Sync_Integration,Unassigned", ""))
	if res["status"] != "Failed" || !strings.Contains(problems(res)[0], "The permission set Unassigned must be assigned to you") {
		t.Errorf("unassigned set: %v %v", res["status"], problems(res))
	}
	res = deploy(t, o, map[string]any{}, ecaBundle("Order_Sync", "Order_Sync_oauthPlcy", "No_Such_Set", ""))
	if res["status"] != "Failed" || problems(res)[0] != "In field: commaSeparatedPermissionSet - no PermissionSet named No_Such_Set found" {
		t.Errorf("unknown set: %v %v", res["status"], problems(res))
	}
	// A partial bundle reports the app created, then rolls back, whatever rollbackOnError says.
	files := ecaBundle("Order_Sync", "Order_Sync_oauthPlcy", "Order_Sync_Integration", "")
	for _, f := range []string{"extlClntAppOauthSettings/Order_Sync.ecaOauth", "extlClntAppOauthPolicies/Order_Sync_oauthPlcy.ecaOauthPlcy", "extlClntAppPolicies/Order_Sync_plcy.ecaPlcy"} {
		delete(files, f)
	}
	files["package.xml"] = packageXML("62.0", map[string][]string{"ExternalClientApplication": {"Order_Sync"}, "ExtlClntAppGlobalOauthSettings": {"Order_Sync"}})
	res = deploy(t, o, map[string]any{"rollbackOnError": false}, files)
	if res["status"] != "Failed" {
		t.Fatalf("partial bundle: %v", res["status"])
	}
	succ := res["details"].(map[string]any)["componentSuccesses"].([]any)
	created := false
	for _, s := range succ {
		m := s.(map[string]any)
		created = created || (m["componentType"] == "ExternalClientApplication" && m["created"] == true)
	}
	fs := failures(res)
	if !created || len(fs) != 1 || fs[0]["componentType"] != "ExtlClntAppOauthSettings" {
		t.Errorf("partial bundle details: successes %v failures %v", succ, fs)
	}
	if n := len(query(t, o, "SELECT Id FROM ExternalClientApplication")); n != 0 {
		t.Errorf("%d apps after the rolled-back partial bundle", n)
	}
	// A part of an app that does not exist.
	res = deploy(t, o, map[string]any{}, map[string]string{"package.xml": packageXML("62.0", map[string][]string{"ExtlClntAppOauthSettings": {"Ghost"}}),
		"extlClntAppOauthSettings/Ghost.ecaOauth": mdFile("ExtlClntAppOauthSettings", "    <externalClientApplication>Ghost</externalClientApplication>\n    <label>Ghost</label>\n")})
	if res["status"] != "Failed" || problems(res)[0] != "In field: externalClientApplication - no ExternalClientApplication named Ghost found" {
		t.Errorf("ghost app: %v", problems(res))
	}
	// Elements out of the reference's order are dropped without a word.
	res = deploy(t, o, map[string]any{}, map[string]string{"package.xml": packageXML("62.0", map[string][]string{"ExternalClientApplication": {"Plain"}}),
		"externalClientApps/Plain.eca": mdFile("ExternalClientApplication", "    <label>Plain</label>\n    <description>dropped</description>\n")})
	if res["status"] != "Succeeded" {
		t.Fatalf("plain app: %v", problems(res))
	}
	if recs := query(t, o, "SELECT Description FROM ExternalClientApplication WHERE DeveloperName = 'Plain'"); recs[0].(map[string]any)["Description"] != nil {
		t.Errorf("out-of-order description kept: %v", recs)
	}
	// A bad enumeration value.
	bad := ecaBundle("Order_Sync", "Order_Sync_oauthPlcy", "Order_Sync_Integration", "")
	bad["extlClntAppOauthPolicies/Order_Sync_oauthPlcy.ecaOauthPlcy"] = strings.Replace(bad["extlClntAppOauthPolicies/Order_Sync_oauthPlcy.ecaOauthPlcy"], "AdminApprovedPreAuthorized", "AdminsOnly", 1)
	res = deploy(t, o, map[string]any{}, bad)
	if res["status"] != "Failed" || problems(res)[0] != "Error parsing file: 'AdminsOnly' is not a valid value for the enum 'permittedUsersPolicyType'" {
		t.Errorf("enum: %v", problems(res))
	}
}
