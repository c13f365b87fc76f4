package emulator

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// soapCall posts a Metadata API envelope as jsforce writes it (SessionHeader
// and CallOptions in the header, the call in the body, default namespace
// the Metadata one on Header and Body).
func soapCall(t testing.TB, h http.Handler, token, call string) resp {
	t.Helper()
	env := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata"><SessionHeader><sessionId>` + token + `</sessionId></SessionHeader><CallOptions><client>sfdx toolbelt:</client></CallOptions></soapenv:Header>` +
		`<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata">` + call + `</soapenv:Body></soapenv:Envelope>`
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080//services/Soap/m/66.0", strings.NewReader(env))
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("SOAPAction", `""`)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// soapDeployCall is deploy() with sf's DeployOptions.
func soapDeployCall(zipped []byte, checkOnly bool) string {
	co := "false"
	if checkOnly {
		co = "true"
	}
	return `<deploy><ZipFile>` + base64.StdEncoding.EncodeToString(zipped) + `</ZipFile><DeployOptions><rollbackOnError>true</rollbackOnError><ignoreWarnings>false</ignoreWarnings><checkOnly>` + co + `</checkOnly><singlePackage>true</singlePackage><purgeOnDelete>false</purgeOnDelete></DeployOptions></deploy>`
}

var soapIDRe = regexp.MustCompile(`<id>(0Af[0-9A-Za-z]{15})</id>`)

func soapDeployID(t *testing.T, r resp) string {
	t.Helper()
	m := soapIDRe.FindSubmatch(r.body)
	if r.status != 200 || m == nil {
		t.Fatalf("deploy: %d %s", r.status, r.body)
	}
	return string(m[1])
}

func checkStatus(t *testing.T, h http.Handler, id string, details bool) string {
	t.Helper()
	d := "false"
	if details {
		d = "true"
	}
	r := soapCall(t, h, testToken, `<checkDeployStatus><asyncProcessId>`+id+`</asyncProcessId><includeDetails>`+d+`</includeDetails></checkDeployStatus>`)
	if r.status != 200 || r.header.Get("Content-Type") != "text/xml;charset=UTF-8" {
		t.Fatalf("checkDeployStatus: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	return string(r.body)
}

func TestSOAPDeployAndCheckDeployStatus(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	site := mdFile("RemoteSiteSetting", "    <disableProtocolSecurity>false</disableProtocolSecurity>\n    <isActive>true</isActive>\n    <url>https://soap.example.com</url>\n")
	files := map[string]string{
		"package.xml": packageXML("62.0", map[string][]string{"RemoteSiteSetting": {"Soap_Site"}}),
		"remoteSiteSettings/Soap_Site.remoteSite": site,
	}
	calls := o.APICalls()
	r := soapCall(t, o, testToken, soapDeployCall(mdZip(t, files), false))
	id := soapDeployID(t, r)
	head := `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body>`
	if want := head + `<deployResponse><result><done>false</done><id>` + id + `</id><state>Queued</state></result></deployResponse></soapenv:Body></soapenv:Envelope>`; string(r.body) != want {
		t.Errorf("deploy answer\n got %s\nwant %s", r.body, want)
	}
	if o.APICalls() != calls+1 || r.header.Get("Sforce-Limit-Info") != "" {
		t.Errorf("deploy() counted %d calls, want 1; Sforce-Limit-Info %q", o.APICalls()-calls, r.header.Get("Sforce-Limit-Info"))
	}

	// First read: InProgress, no completedDate; details hold only the
	// runTestResult counters (recorded DEPLOY_IN_PROGRESS).
	got := checkStatus(t, o, id, true)
	for _, want := range []string{
		`<checkDeployStatusResponse><result><checkOnly>false</checkOnly><createdBy>005`,
		`<details><runTestResult><numFailures>0</numFailures><numTestsRun>0</numTestsRun><totalTime>0.0</totalTime></runTestResult></details><done>false</done><id>` + id + `</id>`,
		`<status>InProgress</status><success>false</success></result></checkDeployStatusResponse>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("InProgress read lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "completedDate") || strings.Contains(got, "canceledBy") || strings.Contains(got, "xsi:nil") {
		t.Errorf("absent values must be left out: %s", got)
	}
	got = checkStatus(t, o, id, true)
	for _, want := range []string{
		`<componentSuccesses><changed>true</changed><componentType></componentType><created>false</created><createdDate>`,
		`<fileName>package.xml</fileName><fullName>package.xml</fullName><success>true</success></componentSuccesses>`,
		`<componentSuccesses><changed>true</changed><componentType>RemoteSiteSetting</componentType><created>true</created>`,
		`<fileName>remoteSiteSettings/Soap_Site.remoteSite</fileName><fullName>Soap_Site</fullName><id>0rp`,
		`<numberComponentErrors>0</numberComponentErrors><numberComponentsDeployed>1</numberComponentsDeployed><numberComponentsTotal>1</numberComponentsTotal>`,
		`<rollbackOnError>true</rollbackOnError><runTestsEnabled>false</runTestsEnabled><startDate>`,
		`<status>Succeeded</status><success>true</success></result>`,
		`<completedDate>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("final read lacks %s:\n%s", want, got)
		}
	}
	if o.APICalls() != calls+1 {
		t.Errorf("checkDeployStatus() counted: %d calls, want 1", o.APICalls()-calls)
	}
	if got := checkStatus(t, o, id, false); strings.Contains(got, "<details>") || !strings.Contains(got, "<status>Succeeded</status>") {
		t.Errorf("includeDetails false: %s", got)
	}
	if rec := toolingOne(t, o, "SELECT EndpointUrl FROM RemoteProxy WHERE SiteName = 'Soap_Site'"); rec["EndpointUrl"] != "https://soap.example.com" {
		t.Errorf("RemoteProxy %v", rec)
	}
	// The same job over REST.
	rr := do(t, o, "GET", v+"/metadata/deployRequest/"+id+"?includeDetails=true", nil)
	if res := rr.obj(t)["deployResult"].(map[string]any); res["status"] != "Succeeded" || res["numberComponentsDeployed"] != 1.0 {
		t.Errorf("REST read of a SOAP deploy: %s", rr.body)
	}
}

func TestSOAPDeployFailureCheckOnlyAndQuickDeploy(t *testing.T) {
	o, _ := newTestOrg(t, Options{DeployPolls: -1})
	bad := map[string]string{
		"package.xml":            packageXML("62.0", map[string][]string{"Profile": {"Admin"}}),
		"profiles/Admin.profile": rtvProfile(rtvEntry("Account.Foo", false, true)),
	}
	got := checkStatus(t, o, soapDeployID(t, soapCall(t, o, testToken, soapDeployCall(mdZip(t, bad), false))), true)
	for _, want := range []string{
		`<componentFailures><changed>false</changed><columnNumber>29</columnNumber><componentType>Profile</componentType><created>false</created>`,
		`<fileName>profiles/Admin.profile</fileName><fullName>Admin</fullName><lineNumber>3</lineNumber><problem>In field: recordType - no RecordType named Account.Foo found</problem><problemType>Error</problemType><success>false</success></componentFailures>`,
		`<numberComponentErrors>1</numberComponentErrors>`,
		`<status>Failed</status><success>false</success>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("failed deploy lacks %s:\n%s", want, got)
		}
	}

	ps := map[string]string{
		"package.xml":                          packageXML("62.0", map[string][]string{"PermissionSet": {"Soap_PS"}}),
		"permissionsets/Soap_PS.permissionset": mdFile("PermissionSet", "    <label>Soap PS</label>\n"),
	}
	val := soapDeployID(t, soapCall(t, o, testToken, soapDeployCall(mdZip(t, ps), true)))
	if got := checkStatus(t, o, val, false); !strings.Contains(got, "<checkOnly>true</checkOnly>") || !strings.Contains(got, "<status>Succeeded</status>") {
		t.Fatalf("validation: %s", got)
	}
	if n := len(query(t, o, "SELECT Id FROM PermissionSet WHERE Name = 'Soap_PS'")); n != 0 {
		t.Fatalf("checkOnly committed %d sets", n)
	}
	r := soapCall(t, o, testToken, `<deployRecentValidation><validationId>`+val+`</validationId></deployRecentValidation>`)
	m := regexp.MustCompile(`<deployRecentValidationResponse><result>(0Af[0-9A-Za-z]{15})</result></deployRecentValidationResponse>`).FindSubmatch(r.body)
	if r.status != 200 || m == nil || string(m[1]) == val {
		t.Fatalf("deployRecentValidation: %d %s", r.status, r.body)
	}
	if got := checkStatus(t, o, string(m[1]), false); !strings.Contains(got, "<checkOnly>false</checkOnly>") || !strings.Contains(got, "<status>Succeeded</status>") {
		t.Errorf("quick deploy: %s", got)
	}
	if n := len(query(t, o, "SELECT Id FROM PermissionSet WHERE Name = 'Soap_PS'")); n != 1 {
		t.Errorf("quick deploy made %d sets", n)
	}
}

func TestSOAPCancelAndFaults(t *testing.T) {
	o, _ := newTestOrg(t, Options{DeployPolls: 3})
	files := map[string]string{
		"package.xml": packageXML("62.0", map[string][]string{"PermissionSet": {"Canceled_PS"}}),
		"permissionsets/Canceled_PS.permissionset": mdFile("PermissionSet", "    <label>Canceled</label>\n"),
	}
	id := soapDeployID(t, soapCall(t, o, testToken, soapDeployCall(mdZip(t, files), false)))
	r := soapCall(t, o, testToken, `<cancelDeploy><String>`+id+`</String></cancelDeploy>`)
	if !strings.Contains(string(r.body), `<cancelDeployResponse><result><done>false</done><id>`+id+`</id></result></cancelDeployResponse>`) {
		t.Errorf("cancelDeploy: %d %s", r.status, r.body)
	}
	if got := checkStatus(t, o, id, false); !strings.Contains(got, "<status>Canceled</status>") || !strings.Contains(got, "<done>true</done>") {
		t.Errorf("after cancel: %s", got)
	}

	fault := func(r resp, code, msg string) {
		t.Helper()
		want := `<soapenv:Fault><faultcode>` + code + `</faultcode><faultstring>` + msg + `</faultstring></soapenv:Fault>`
		if r.status != 500 || !strings.Contains(string(r.body), want) || !strings.Contains(string(r.body), `xmlns:sf="http://soap.sforce.com/2006/04/metadata"`) {
			t.Errorf("want fault %s %q, got %d %s", code, msg, r.status, r.body)
		}
	}
	fault(soapCall(t, o, "00Dbogus!token", `<checkDeployStatus><asyncProcessId>`+id+`</asyncProcessId></checkDeployStatus>`),
		"sf:INVALID_SESSION_ID", "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session")
	fault(soapCall(t, o, testToken, `<checkDeployStatus><asyncProcessId>0AfEm0000000000AAA</asyncProcessId><includeDetails>true</includeDetails></checkDeployStatus>`),
		"sf:INVALID_CROSS_REFERENCE_KEY", "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id")
	fault(soapCall(t, o, testToken, `<retrieve><retrieveRequest/></retrieve>`), "soapenv:Client",
		"The emulator does not serve the Metadata API call retrieve; it serves deploy, checkDeployStatus, cancelDeploy, deployRecentValidation, listMetadata and readMetadata.")
}
