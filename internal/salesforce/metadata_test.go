package salesforce_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/salesforce"
)

const deployID = "0Af000000000001AAA"

// fastWait polls every millisecond, so that tests do not sleep.
var fastWait = salesforce.WaitOptions{Initial: time.Millisecond, Max: 2 * time.Millisecond, Timeout: 5 * time.Second}

// stubOrg is an httptest server answering with handler, recording every
// request line.
type stubOrg struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

func newStub(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, body []byte)) *stubOrg {
	t.Helper()
	s := &stubOrg{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.seen = append(s.seen, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			w.WriteHeader(401)
			io.WriteString(w, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
			return
		}
		handler(w, r, body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stubOrg) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.seen...)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// testPackage is a Profile and the Security settings.
func testPackage(t *testing.T) *metadata.Package {
	t.Helper()
	prof, err := metadata.ProfileFile(metadata.Profile{FullName: "Admin", RecordTypeVisibilities: []metadata.ProfileRecordTypeVisibility{{RecordType: "Account.Partner", Default: true, Visible: true}}})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := metadata.SecuritySettingsFile(metadata.SecuritySettings{EnableAuditFieldsInactiveOwner: metadata.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return &metadata.Package{Files: []metadata.File{prof, sec}}
}

// deployPart is one decoded part of the deploy's multipart body.
type deployPart struct {
	name, filename, contentType string
	body                        []byte
}

func readParts(t *testing.T, r *http.Request, body []byte) []deployPart {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q, want multipart/form-data", r.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var parts []deployPart
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		b, _ := io.ReadAll(p)
		parts = append(parts, deployPart{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), b})
	}
	return parts
}

// statusBody is a deployResult answer; numbers quoted as in the
// reference's example (meta_rest_deploy_checkstatus.htm).
func statusBody(status string, deployed, total, errs int, done bool, details string) string {
	if details == "" {
		details = `{"componentFailures":[],"componentSuccesses":[]}`
	}
	return fmt.Sprintf(`{"id":%q,"url":"https://x/services/data/v62.0/metadata/deployRequest/%s?includeDetails=true","validatedDeployRequestId":null,
"deployResult":{"id":%q,"checkOnly":"true","ignoreWarnings":"false","rollbackOnError":"true","status":%q,"success":%v,"done":%v,
"numberComponentsDeployed":"%d","numberComponentsTotal":"%d","numberComponentErrors":"%d","numberTestsCompleted":"0","numberTestsTotal":"0","numberTestErrors":"0",
"details":%s,"errorStatusCode":null,"errorMessage":null,"stateDetail":null},"deployOptions":{"checkOnly":true}}`,
		deployID, deployID, deployID, status, status == "Succeeded", done, deployed, total, errs, details)
}

// TestDeploy: the POST is multipart with a "json" part holding
// deployOptions and a "file" part holding deploy.zip (package.xml at the
// root, then the files); the deploy is polled (InProgress twice, then
// Succeeded), every request is counted and traced, and progress is told.
func TestDeploy(t *testing.T) {
	pkg := testPackage(t)
	var polls int
	var partsSeen []deployPart
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case r.Method == "POST" && r.URL.Path == "/services/data/v62.0/metadata/deployRequest":
			partsSeen = readParts(t, r, body)
			writeJSON(w, 201, `{"id":"`+deployID+`","url":"https://x/services/data/v62.0/metadata/deployRequest/`+deployID+`"}`)
		case r.Method == "GET" && r.URL.Path == "/services/data/v62.0/metadata/deployRequest/"+deployID:
			if r.URL.Query().Get("includeDetails") != "true" {
				t.Errorf("status without includeDetails=true: %s", r.URL.RawQuery)
			}
			polls++
			switch polls {
			case 1:
				writeJSON(w, 200, statusBody("InProgress", 0, 2, 0, false, ""))
			case 2:
				writeJSON(w, 200, statusBody("InProgress", 1, 2, 0, false, ""))
			default:
				writeJSON(w, 200, statusBody("Succeeded", 2, 2, 0, true, `{"componentFailures":[],"componentSuccesses":[
{"changed":"true","componentType":"Profile","created":"false","deleted":"false","fileName":"profiles/Admin.profile","fullName":"Admin","success":"true"},
{"changed":"false","componentType":"","created":"false","deleted":"false","fileName":"package.xml","fullName":"package.xml","success":"true"},
{"changed":"true","componentType":"Settings","created":"false","deleted":"false","fileName":"settings/Security.settings","fullName":"Security","success":"true"}]}`))
			}
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			w.WriteHeader(404)
		}
	})
	var trace bytes.Buffer
	c := newClient(stub.srv.URL, testToken, &trace)
	var progress []string
	res, err := c.Deploy(context.Background(), pkg, salesforce.DeployOptions{
		CheckOnly: true,
		Wait:      fastWait,
		Progress:  func(p salesforce.DeployProgress) { progress = append(progress, p.String()) },
	})
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}

	// The body.
	if len(partsSeen) != 2 {
		t.Fatalf("%d parts, want 2 (json, file)", len(partsSeen))
	}
	jp, fp := partsSeen[0], partsSeen[1]
	if jp.name != "json" || jp.contentType != "application/json" || jp.filename != "" {
		t.Errorf("first part %q (%s, file %q), want json (application/json)", jp.name, jp.contentType, jp.filename)
	}
	var opts map[string]map[string]any
	if err := json.Unmarshal(jp.body, &opts); err != nil {
		t.Fatalf("json part: %v: %s", err, jp.body)
	}
	wantOpts := map[string]any{"checkOnly": true, "ignoreWarnings": false, "rollbackOnError": true, "singlePackage": true}
	if d := cmp.Diff(wantOpts, opts["deployOptions"]); d != "" {
		t.Errorf("deployOptions (-want +got; no testLevel: the org decides):\n%s", d)
	}
	if fp.name != "file" || fp.filename != "deploy.zip" || fp.contentType != "application/zip" {
		t.Errorf("second part %q (file %q, %s), want file (deploy.zip, application/zip)", fp.name, fp.filename, fp.contentType)
	}
	zr, err := zip.NewReader(bytes.NewReader(fp.body), int64(len(fp.body)))
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	var names []string
	contents := map[string]string{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		contents[f.Name] = string(b)
	}
	if d := cmp.Diff([]string{"package.xml", "profiles/Admin.profile", "settings/Security.settings"}, names); d != "" {
		t.Errorf("zip entries (-want +got):\n%s", d)
	}
	withVersion := *pkg
	withVersion.APIVersion = "62.0" // the client's version fills an empty one
	manifest, _ := withVersion.Manifest()
	if contents["package.xml"] != string(manifest) {
		t.Errorf("package.xml in the zip:\n%s\nwant:\n%s", contents["package.xml"], manifest)
	}
	for _, want := range []string{"<members>Admin</members>", "<name>Profile</name>", "<members>Security</members>", "<name>Settings</name>", "<version>62.0</version>"} {
		if !strings.Contains(contents["package.xml"], want) {
			t.Errorf("package.xml lacks %s", want)
		}
	}
	if contents["profiles/Admin.profile"] != string(pkg.Files[0].Content) {
		t.Errorf("profile in the zip differs")
	}

	// The result.
	if res.ID != deployID || res.Status != "Succeeded" || !res.Success || !res.Done || !res.CheckOnly || res.ComponentsDeployed != 2 || res.ComponentsTotal != 2 {
		t.Errorf("result %+v", res)
	}
	if len(res.Successes) != 3 || res.Successes[0] != (salesforce.ComponentMessage{ComponentType: "Profile", FullName: "Admin", FileName: "profiles/Admin.profile", Changed: true, Success: true}) {
		t.Errorf("successes %+v", res.Successes)
	}

	// Polling, counting, tracing, progress.
	if polls != 3 || c.Calls() != 4 {
		t.Errorf("%d polls, %d calls; want 3 and 4 (one POST, three GETs)", polls, c.Calls())
	}
	lines := strings.Split(strings.TrimSpace(trace.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "api: POST /services/data/v62.0/metadata/deployRequest 201 ") ||
		!strings.HasPrefix(lines[3], "api: GET /services/data/v62.0/metadata/deployRequest/"+deployID+" 200 ") {
		t.Errorf("trace:\n%s", trace.String())
	}
	if strings.Contains(trace.String(), testToken) {
		t.Error("the token is in the trace")
	}
	wantProgress := []string{"deploy " + deployID + " InProgress 0/2", "deploy " + deployID + " InProgress 1/2", "deploy " + deployID + " Succeeded 2/2"}
	if d := cmp.Diff(wantProgress, progress); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
}

// TestDeployOptions: test level and flags go as given; tests to run need
// RunSpecifiedTests.
func TestDeployOptions(t *testing.T) {
	var got map[string]map[string]any
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == "POST" {
			json.Unmarshal(readParts(t, r, body)[0].body, &got)
			writeJSON(w, 201, `{"id":"`+deployID+`"}`)
			return
		}
		writeJSON(w, 200, statusBody("Succeeded", 1, 1, 0, true, ""))
	})
	c := newClient(stub.srv.URL, testToken, nil)
	no := false
	_, err := c.Deploy(context.Background(), testPackage(t), salesforce.DeployOptions{
		IgnoreWarnings: true, RollbackOnError: &no, SinglePackage: &no,
		TestLevel: salesforce.RunSpecifiedTests, RunTests: []string{"MyTest"}, Wait: fastWait,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"checkOnly": false, "ignoreWarnings": true, "rollbackOnError": false, "singlePackage": false, "testLevel": "RunSpecifiedTests", "runTests": []any{"MyTest"}}
	if d := cmp.Diff(want, got["deployOptions"]); d != "" {
		t.Errorf("deployOptions (-want +got):\n%s", d)
	}
	calls := c.Calls()
	if _, err := c.StartDeploy(context.Background(), testPackage(t), salesforce.DeployOptions{RunTests: []string{"MyTest"}}); err == nil {
		t.Error("tests to run without RunSpecifiedTests: want an error")
	}
	if _, err := c.StartDeploy(context.Background(), &metadata.Package{}, salesforce.DeployOptions{}); err == nil {
		t.Error("empty package: want an error")
	}
	if c.Calls() != calls {
		t.Error("a refused deploy was sent")
	}
}

// TestDeployFailed: a Failed deploy comes back as its result, with every
// component failure (file, line, column, problem), and as a *DeployError
// that lists them.
func TestDeployFailed(t *testing.T) {
	failures := `{"componentFailures":[
{"changed":false,"columnNumber":5,"componentType":"Profile","created":false,"deleted":false,"fileName":"profiles/Admin.profile","fullName":"Admin","lineNumber":4,"problem":"In field: recordType - no RecordType named Account.Partner found","problemType":"Error","success":false},
{"changed":false,"componentType":"Settings","created":false,"deleted":false,"fileName":"settings/Security.settings","fullName":"Security","problem":"You don't have permission to edit Security settings","problemType":"Error","success":false}],
"componentSuccesses":[]}`
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == "POST" {
			writeJSON(w, 201, `{"id":"`+deployID+`"}`)
			return
		}
		writeJSON(w, 200, strings.Replace(statusBody("Failed", 0, 2, 2, true, failures), `"checkOnly":"true"`, `"checkOnly":false`, 1))
	})
	c := newClient(stub.srv.URL, testToken, nil)
	res, err := c.Deploy(context.Background(), testPackage(t), salesforce.DeployOptions{Wait: fastWait})
	var de *salesforce.DeployError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want a *DeployError", err)
	}
	if res == nil || de.Result != res || res.Status != "Failed" || res.Success || res.ComponentErrors != 2 {
		t.Fatalf("result %+v", res)
	}
	want := []salesforce.ComponentMessage{
		{ComponentType: "Profile", FullName: "Admin", FileName: "profiles/Admin.profile", LineNumber: 4, ColumnNumber: 5, Problem: "In field: recordType - no RecordType named Account.Partner found", ProblemType: "Error"},
		{ComponentType: "Settings", FullName: "Security", FileName: "settings/Security.settings", Problem: "You don't have permission to edit Security settings", ProblemType: "Error"},
	}
	if d := cmp.Diff(want, res.Failures); d != "" {
		t.Errorf("failures (-want +got):\n%s", d)
	}
	wantText := "deploy " + deployID + " Failed (2 of 2 components failed)\n" +
		"  profiles/Admin.profile:4:5: Profile Admin: In field: recordType - no RecordType named Account.Partner found\n" +
		"  settings/Security.settings: Settings Security: You don't have permission to edit Security settings"
	if err.Error() != wantText {
		t.Errorf("error text:\n%s\nwant:\n%s", err, wantText)
	}
}

// TestDeployFailedWhole: a deploy refused as a whole (no component
// failures) says why; a single failure sent as an object, not an array,
// still decodes.
func TestDeployFailedWhole(t *testing.T) {
	one := `{"componentFailures":{"componentType":"ExternalClientApplication","fullName":"Order_Sync","fileName":"externalClientApps/Order_Sync.eca","problem":"You can't create a connected app.","problemType":"Error","success":"false"}}`
	answers := []string{
		strings.Replace(statusBody("Failed", 0, 0, 0, true, ""), `"errorStatusCode":null,"errorMessage":null`, `"errorStatusCode":"INVALID_OPERATION","errorMessage":"testLevel of NoTestRun cannot be used in production organizations"`, 1),
		statusBody("Failed", 0, 1, 1, true, one),
	}
	for i, answer := range answers {
		stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
			if r.Method == "POST" {
				writeJSON(w, 201, `{"id":"`+deployID+`"}`)
				return
			}
			writeJSON(w, 200, answer)
		})
		c := newClient(stub.srv.URL, testToken, nil)
		res, err := c.Deploy(context.Background(), testPackage(t), salesforce.DeployOptions{Wait: fastWait})
		var de *salesforce.DeployError
		if !errors.As(err, &de) {
			t.Fatalf("answer %d: err = %v", i, err)
		}
		switch i {
		case 0:
			if !strings.Contains(err.Error(), "INVALID_OPERATION: testLevel of NoTestRun cannot be used in production organizations") || res.ErrorStatusCode != "INVALID_OPERATION" {
				t.Errorf("whole failure: %v", err)
			}
		case 1:
			if len(res.Failures) != 1 || res.Failures[0].FullName != "Order_Sync" || !strings.Contains(err.Error(), "externalClientApps/Order_Sync.eca: ExternalClientApplication Order_Sync: You can't create a connected app.") {
				t.Errorf("one failure as an object: %+v / %v", res.Failures, err)
			}
		}
	}
}

// TestDeployCancelled: cancelling the context stops the wait at once, with
// the context's error and the last status seen; the deploy id is in the
// error.
func TestDeployCancelled(t *testing.T) {
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == "POST" {
			writeJSON(w, 201, `{"id":"`+deployID+`"}`)
			return
		}
		writeJSON(w, 200, statusBody("InProgress", 0, 2, 0, false, ""))
	})
	c := newClient(stub.srv.URL, testToken, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow := salesforce.WaitOptions{Initial: time.Millisecond, Max: time.Hour, Timeout: time.Hour}
	start := time.Now()
	res, err := c.Deploy(ctx, testPackage(t), salesforce.DeployOptions{Wait: slow, Progress: func(salesforce.DeployProgress) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("the wait went on %s after the cancel", time.Since(start))
	}
	if res == nil || res.Status != "InProgress" || !strings.Contains(err.Error(), deployID) || !strings.Contains(err.Error(), "InProgress") {
		t.Errorf("res %+v, err %v", res, err)
	}
}

// TestDeployTimeout: a deploy still running when the wait ends gives
// ErrWaitTimeout.
func TestDeployTimeout(t *testing.T) {
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == "POST" {
			writeJSON(w, 201, `{"id":"`+deployID+`"}`)
			return
		}
		writeJSON(w, 200, statusBody("Pending", 0, 0, 0, false, ""))
	})
	c := newClient(stub.srv.URL, testToken, nil)
	_, err := c.Deploy(context.Background(), testPackage(t), salesforce.DeployOptions{Wait: salesforce.WaitOptions{Initial: time.Millisecond, Max: 5 * time.Millisecond, Timeout: 50 * time.Millisecond}})
	if !errors.Is(err, salesforce.ErrWaitTimeout) || !strings.Contains(err.Error(), "Pending") {
		t.Errorf("err = %v, want ErrWaitTimeout after Pending", err)
	}
}

// TestDeployRefused: a refused POST is an *APIError with every item.
func TestDeployRefused(t *testing.T) {
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 400, `[{"message":"The deployment requires the Modify Metadata permission","errorCode":"INSUFFICIENT_ACCESS"}]`)
	})
	c := newClient(stub.srv.URL, testToken, nil)
	_, err := c.Deploy(context.Background(), testPackage(t), salesforce.DeployOptions{Wait: fastWait})
	var ae *salesforce.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || !ae.HasCode("INSUFFICIENT_ACCESS") || ae.Path != "/services/data/v62.0/metadata/deployRequest" {
		t.Errorf("err = %#v", err)
	}
}

// TestDeployRenewsToken: the multipart POST takes the same token chain as
// every other request: refused with 401, the token is renewed and the same
// body sent again.
func TestDeployRenewsToken(t *testing.T) {
	var posts int
	var sizes []int
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		posts++
		sizes = append(sizes, len(readParts(t, r, body)))
		writeJSON(w, 201, `{"id":"`+deployID+`"}`)
	})
	renewed := 0
	c := salesforce.New(salesforce.Config{
		InstanceURL: stub.srv.URL,
		Token:       oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "expired"}),
		Renew: func(context.Context) (*oauth2.Token, error) {
			renewed++
			return &oauth2.Token{AccessToken: testToken}, nil
		},
	})
	id, err := c.StartDeploy(context.Background(), testPackage(t), salesforce.DeployOptions{})
	if err != nil || id != deployID {
		t.Fatalf("StartDeploy: %q, %v", id, err)
	}
	if renewed != 1 || posts != 1 || len(sizes) != 1 || sizes[0] != 2 || c.Calls() != 2 {
		t.Errorf("renewed %d, posts reaching the handler %d (parts %v), calls %d", renewed, posts, sizes, c.Calls())
	}
}

// TestCancelDeploy sends the documented PATCH.
func TestCancelDeploy(t *testing.T) {
	var got string
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		got = r.Method + " " + r.URL.Path + " " + string(body)
		writeJSON(w, 202, statusBody("Canceling", 0, 2, 0, false, ""))
	})
	c := newClient(stub.srv.URL, testToken, nil)
	if err := c.CancelDeploy(context.Background(), deployID); err != nil {
		t.Fatal(err)
	}
	if want := `PATCH /services/data/v62.0/metadata/deployRequest/` + deployID + ` {"deployResult":{"status":"Canceling"}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if err := c.CancelDeploy(context.Background(), "../sobjects"); err == nil {
		t.Error("a path as deploy id: want an error")
	}
}
