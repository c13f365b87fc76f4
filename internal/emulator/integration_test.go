package emulator

import (
	"encoding/json"
	"encoding/xml"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestPasswordGrantThroughTheOrg(t *testing.T) {
	o, _ := newTestOrg(t, Options{ClientID: "cid", ClientSecret: "secret", Seed: &Seed{Users: []SeedUser{
		{Username: "ci@example.com", LastName: "CI", Profile: "System Administrator", Password: "pw-123"}}}})
	form := url.Values{"grant_type": {"password"}, "client_id": {"cid"}, "client_secret": {"secret"}, "username": {"ci@example.com"}, "password": {"pw-123"}}
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
		InstanceURL string `json:"instance_url"`
		ID          string `json:"id"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	uid := idOf(t, o, "SELECT Id FROM User WHERE Username = 'ci@example.com'")
	if !strings.HasSuffix(tok.ID, "/id/"+o.OrgID()+"/"+uid) || tok.InstanceURL != "http://127.0.0.1:8080" {
		t.Errorf("token response: %+v", tok)
	}
	req = httptest.NewRequest("GET", "http://127.0.0.1:8080/services/oauth2/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	rec = httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"preferred_username":"ci@example.com"`) {
		t.Errorf("userinfo as the seeded user: %s", rec.Body)
	}
	// The record the user creates is theirs.
	req = httptest.NewRequest("POST", "http://127.0.0.1:8080"+v+"/sobjects/Account", strings.NewReader(`{"Name":"Mine"}`))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	rec = httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	if rec.Code != 201 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if owner := query(t, o, "SELECT Owner.Username, CreatedBy.Username FROM Account WHERE Name = 'Mine'")[0].(map[string]any); owner["Owner"].(map[string]any)["Username"] != "ci@example.com" {
		t.Errorf("owner %v", owner)
	}
}

func TestFaultsAreWired(t *testing.T) {
	o, _ := newTestOrg(t, Options{Faults: []string{"nth=2,status=503"}})
	if r := do(t, o, "GET", v+"/limits", nil); r.status != 200 {
		t.Fatalf("first: %d", r.status)
	}
	r := do(t, o, "GET", v+"/limits", nil)
	if r.status != 503 || !strings.Contains(string(r.body), "SERVER_UNAVAILABLE") {
		t.Fatalf("second: %d %s", r.status, r.body)
	}
	if _, err := New(Options{Faults: []string{"bogus"}}); err == nil {
		t.Error("a bad fault spec was accepted")
	}
}

func TestPersonAccounts(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{PersonAccounts: true}})
	rt := idOf(t, o, "SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true")
	id := create(t, o, "Account", map[string]any{"RecordTypeId": rt, "FirstName": "Pat", "LastName": "Person"})
	got := query(t, o, "SELECT Name, IsPersonAccount FROM Account WHERE Id = '"+id+"'")[0].(map[string]any)
	if got["Name"] != "Pat Person" || got["IsPersonAccount"] != true {
		t.Errorf("person account %v", got)
	}
	expectErr(t, do(t, o, "POST", v+"/sobjects/Account", map[string]any{"Industry": "Banking"}), 400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", "Name")
	if got := query(t, o, "SELECT IsPersonAccount FROM Account WHERE Name = 'Acme Corporation'")[0].(map[string]any); got["IsPersonAccount"] != false {
		t.Errorf("business account %v", got)
	}
}

func TestAPIDisabledForUser(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{Users: []SeedUser{
		{Username: "min@example.com", LastName: "Min", Profile: "Minimum Access - Salesforce", Password: "pw-123"}}}})
	form := url.Values{"grant_type": {"password"}, "username": {"min@example.com"}, "password": {"pw-123"}}
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &tok) != nil {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	call := func() resp {
		req := httptest.NewRequest("GET", "http://127.0.0.1:8080"+v+"/limits", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		return resp{rec.Code, rec.Header(), rec.Body.Bytes()}
	}
	expectErr(t, call(), 403, "API_CURRENTLY_DISABLED", "API is disabled for this User")
	// A permission set with API Enabled opens the API.
	uid := idOf(t, o, "SELECT Id FROM User WHERE Username = 'min@example.com'")
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "API", "Label": "API", "PermissionsApiEnabled": true})
	create(t, o, "PermissionSetAssignment", map[string]any{"AssigneeId": uid, "PermissionSetId": ps})
	if r := call(); r.status != 200 {
		t.Fatalf("with API Enabled: %d %s", r.status, r.body)
	}
}

// Requests from many clients at once are served one at a time; run with -race.
func TestConcurrentClients(t *testing.T) {
	o, _ := newTestOrg(t, Options{StatePath: t.TempDir() + "/state.json"})
	done := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := 0; i < 10; i++ {
				r := do(t, o, "POST", v+"/sobjects/Account", map[string]any{"Name": "Concurrent"})
				if r.status != 201 {
					done <- string(r.body)
					return
				}
				do(t, o, "GET", v+"/query?q="+urlQuery("SELECT COUNT() FROM Account"), nil)
				do(t, o, "GET", "/services/oauth2/userinfo", nil)
			}
			done <- ""
		}(g)
	}
	for g := 0; g < 8; g++ {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
	if n := len(query(t, o, "SELECT Id FROM Account WHERE Name = 'Concurrent'")); n != 80 {
		t.Fatalf("%d accounts, want 80", n)
	}
}

func TestToolingEntityDefinitionAndApexClass(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{Objects: []SeedObject{{Name: "Acme_Mapping__c", Fields: []SeedField{{Name: "Key__c", Type: "string", ExternalID: true}}}}}})
	// An External ID field of the seed is an upsert key.
	if r := do(t, o, "PATCH", v+"/sobjects/Acme_Mapping__c/Key__c/k-1", map[string]any{"Name": "one"}); r.status != 201 {
		t.Fatalf("upsert: %d %s", r.status, r.body)
	}
	if r := do(t, o, "PATCH", v+"/sobjects/Acme_Mapping__c/Key__c/k-1", map[string]any{"Name": "uno"}); r.status != 200 {
		t.Fatalf("upsert again: %d %s", r.status, r.body)
	}
	expectErr(t, do(t, o, "POST", v+"/sobjects/Acme_Mapping__c", map[string]any{"Key__c": "k-2"}), 400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [Name]", "Name")
	page := do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT QualifiedApiName, KeyPrefix FROM EntityDefinition WHERE QualifiedApiName IN ('Account', 'Acme_Mapping__c') ORDER BY QualifiedApiName"), nil).obj(t)
	recs := page["records"].([]any)
	if len(recs) != 2 || recs[0].(map[string]any)["KeyPrefix"] != "001" || recs[1].(map[string]any)["KeyPrefix"] != "a01" {
		t.Fatalf("EntityDefinition: %v", page)
	}
	if n := len(do(t, o, "GET", v+"/tooling/query?q="+urlQuery("SELECT Id, Name FROM ApexClass"), nil).obj(t)["records"].([]any)); n != 2 {
		t.Errorf("tooling ApexClass rows %d", n)
	}
}

func TestUserPassword(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	std := idOf(t, o, "SELECT Id FROM Profile WHERE Name = 'Standard User'")
	u := create(t, o, "User", newUser("pw.user@example.com", std))
	if r := do(t, o, "GET", v+"/sobjects/User/"+u+"/password", nil); r.status != 200 || strings.TrimSpace(string(r.body)) != `{"isExpired":false}` {
		t.Errorf("GET password: %d %s", r.status, r.body)
	}
	expectErr(t, do(t, o, "POST", v+"/sobjects/User/"+u+"/password", map[string]any{"NewPassword": "short"}), 400,
		"INVALID_NEW_PASSWORD", "Your password must be at least 8 characters long.")
	if r := do(t, o, "POST", v+"/sobjects/User/"+u+"/password", map[string]any{"NewPassword": "Secret-123"}); r.status != 204 {
		t.Fatalf("POST password: %d %s", r.status, r.body)
	}
	login := func(pw string) int {
		form := url.Values{"grant_type": {"password"}, "username": {"pw.user@example.com"}, "password": {pw}}
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/oauth2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := login("Secret-123"); code != 200 {
		t.Errorf("login with the new password: %d", code)
	}
	admin := idOf(t, o, "SELECT Id FROM User WHERE Username = '"+AdminUsername+"'")
	expectErr(t, do(t, o, "POST", v+"/sobjects/User/"+admin+"/password", map[string]any{"NewPassword": "Secret-123"}), 400,
		"INVALID_OPERATION", "Cannot set password for self")
	r := do(t, o, "DELETE", v+"/sobjects/User/"+u+"/password", nil)
	var reset struct{ NewPassword string }
	if r.status != 200 || json.Unmarshal(r.body, &reset) != nil || reset.NewPassword == "" {
		t.Fatalf("DELETE password: %d %s", r.status, r.body)
	}
	if login("Secret-123") == 200 || login(reset.NewPassword) != 200 {
		t.Error("reset password not in effect")
	}
}

func TestSOAPLogin(t *testing.T) {
	envelope := func(user, pw string) string {
		return `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com"><soapenv:Body><login><username>` +
			user + `</username><password>` + pw + `</password></login></soapenv:Body></soapenv:Envelope>`
	}
	post := func(o *Org, ver, body string) (int, string) {
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/Soap/u/"+ver, strings.NewReader(body))
		req.Header.Set("Content-Type", "text/xml")
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	users := []SeedUser{{Username: "soap@example.com", LastName: "Soap", Profile: "System Administrator", Password: "pw-123"}}
	off, _ := newTestOrg(t, Options{Seed: &Seed{Users: users}})
	if code, body := post(off, "62.0", envelope("soap@example.com", "pw-123")); code != 500 ||
		!strings.Contains(body, "<faultcode>sf:INVALID_OPERATION</faultcode><faultstring>INVALID_OPERATION: SOAP API login() is disabled by default in this org.</faultstring>") {
		t.Errorf("default org: %d %s", code, body)
	}
	on, _ := newTestOrg(t, Options{Seed: &Seed{Users: users, SOAPLogin: true}})
	if code, body := post(on, "65.0", envelope("soap@example.com", "pw-123")); code != 500 || !strings.Contains(body, "not available in the API version specified (65.0)") {
		t.Errorf("v65: %d %s", code, body)
	}
	if code, body := post(on, "62.0", envelope("soap@example.com", "wrong")); code != 500 || !strings.Contains(body, "<faultcode>sf:INVALID_LOGIN</faultcode>") {
		t.Errorf("bad password: %d %s", code, body)
	}
	code, body := post(on, "62.0", envelope("soap@example.com", "pw-123"))
	var resp struct {
		ServerURL string `xml:"Body>loginResponse>result>serverUrl"`
		SessionID string `xml:"Body>loginResponse>result>sessionId"`
		OrgID     string `xml:"Body>loginResponse>result>userInfo>organizationId"`
	}
	if code != 200 || xml.Unmarshal([]byte(body), &resp) != nil || resp.SessionID == "" || resp.OrgID != on.OrgID() ||
		!strings.HasPrefix(resp.ServerURL, "http://127.0.0.1:8080/services/Soap/u/62.0/") {
		t.Fatalf("login: %d %s", code, body)
	}
	req := httptest.NewRequest("GET", "http://127.0.0.1:8080/services/oauth2/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+resp.SessionID)
	rec := httptest.NewRecorder()
	on.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"preferred_username":"soap@example.com"`) {
		t.Errorf("session from SOAP login: %s", rec.Body)
	}
}
