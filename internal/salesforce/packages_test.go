package salesforce_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/salesforce"
)

const (
	installID  = "0Hf000000000001AAA"
	versionID  = "04t000000000001AAA"
	installKey = "s3cret-Install-Key!"
)

func installStatus(status, errorsJSON string) string {
	if errorsJSON == "" {
		errorsJSON = "null"
	}
	return fmt.Sprintf(`{"size":1,"totalSize":1,"done":true,"entityTypeName":"PackageInstallRequest","records":[{"attributes":{"type":"PackageInstallRequest"},"Id":%q,"Status":%q,"Errors":%s}]}`, installID, status, errorsJSON)
}

// TestInstallPackage: the request carries the documented fields, the
// status is polled (IN_PROGRESS twice, then SUCCESS) by a query that does
// not read the key back, and the key is in no trace line.
func TestInstallPackage(t *testing.T) {
	var created map[string]any
	var queries []string
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case r.Method == "POST" && r.URL.Path == "/services/data/v62.0/tooling/sobjects/PackageInstallRequest":
			json.Unmarshal(body, &created)
			writeJSON(w, 201, `{"id":"`+installID+`","success":true,"errors":[]}`)
		case r.Method == "GET" && r.URL.Path == "/services/data/v62.0/tooling/query":
			queries = append(queries, r.URL.Query().Get("q"))
			if len(queries) < 3 {
				writeJSON(w, 200, installStatus("IN_PROGRESS", ""))
			} else {
				writeJSON(w, 200, installStatus("SUCCESS", ""))
			}
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			w.WriteHeader(404)
		}
	})
	var trace bytes.Buffer
	c := newClient(stub.srv.URL, testToken, &trace)
	var progress []string
	opts := salesforce.PackageInstallOptions{
		VersionID: versionID, InstallationKey: installKey, EnableRSS: true, Wait: fastWait,
		Progress: func(p salesforce.PackageInstallProgress) { progress = append(progress, p.Status) },
	}
	res, err := c.InstallPackage(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"SubscriberPackageVersionKey": versionID, "Password": installKey, "SecurityType": "None", "NameConflictResolution": "Block", "EnableRss": true}
	if d := cmp.Diff(want, created); d != "" {
		t.Errorf("request body (-want +got):\n%s", d)
	}
	if res.Status != "SUCCESS" || res.RequestID != installID || len(queries) != 3 || c.Calls() != 4 {
		t.Errorf("result %+v after %d polls, %d calls", res, len(queries), c.Calls())
	}
	if queries[0] != "SELECT Id, Status, Errors FROM PackageInstallRequest WHERE Id = '"+installID+"'" {
		t.Errorf("poll query %q", queries[0])
	}
	if d := cmp.Diff([]string{"IN_PROGRESS", "SUCCESS"}, progress); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
	for _, s := range []string{trace.String(), fmt.Sprint(opts), fmt.Sprintf("%v %+v %#v", opts, opts, opts)} {
		if strings.Contains(s, installKey) {
			t.Errorf("the installation key shows: %s", s)
		}
	}
}

// TestInstallPackageError: ERROR returns the Errors field's messages as a
// *PackageInstallError; the key never shows, even when the org echoes it.
func TestInstallPackageError(t *testing.T) {
	errs := `{"errors":[{"message":"The installation key ` + installKey + ` is not valid."},{"message":"This package is not yet available. Try again later."}]}`
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == "POST" {
			writeJSON(w, 201, `{"id":"`+installID+`","success":true,"errors":[]}`)
			return
		}
		writeJSON(w, 200, installStatus("ERROR", errs))
	})
	c := newClient(stub.srv.URL, testToken, nil)
	res, err := c.InstallPackage(context.Background(), salesforce.PackageInstallOptions{VersionID: versionID, InstallationKey: installKey, Wait: fastWait})
	var pe *salesforce.PackageInstallError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *PackageInstallError", err)
	}
	if res == nil || res.Status != "ERROR" || len(pe.Messages) != 2 || !pe.Transient() {
		t.Errorf("result %+v, error %+v", res, pe)
	}
	if strings.Contains(err.Error(), installKey) || strings.Contains(strings.Join(res.Errors, " "), installKey) {
		t.Errorf("the installation key shows: %v", err)
	}
	if !strings.Contains(err.Error(), "The installation key [redacted] is not valid.") {
		t.Errorf("error text %q", err)
	}
}

// TestInstallPackageRefused: a refused create is an *APIError, scrubbed of
// the key; a bad version id or option is refused before any request.
func TestInstallPackageRefused(t *testing.T) {
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 400, `[{"message":"Invalid Password: `+installKey+`","errorCode":"INVALID_FIELD","fields":["Password"]}]`)
	})
	var trace bytes.Buffer
	c := newClient(stub.srv.URL, testToken, &trace)
	_, err := c.InstallPackage(context.Background(), salesforce.PackageInstallOptions{VersionID: versionID, InstallationKey: installKey, Wait: fastWait})
	var ae *salesforce.APIError
	if !errors.As(err, &ae) || !ae.HasCode("INVALID_FIELD") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), installKey) || strings.Contains(fmt.Sprintf("%+v", ae), installKey) || strings.Contains(trace.String(), installKey) {
		t.Errorf("the installation key shows: %v", err)
	}
	calls := c.Calls()
	for _, o := range []salesforce.PackageInstallOptions{
		{VersionID: "033000000000001AAA"},
		{VersionID: versionID, SecurityType: "AdminsOnly"},
		{VersionID: versionID, NameConflictResolution: "Rename"},
	} {
		if _, err := c.StartPackageInstall(context.Background(), o); err == nil {
			t.Errorf("%v: want an error", o)
		}
	}
	if c.Calls() != calls {
		t.Error("a refused install was sent")
	}
}

// TestInstalledPackages decodes the installed-package query, versions as
// numbers (fixtures tooling-query-InstalledSubscriberPackage.json,
// tooling-query-SubscriberPackageVersion.json).
func TestInstalledPackages(t *testing.T) {
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if !strings.Contains(r.URL.Query().Get("q"), "FROM InstalledSubscriberPackage") {
			t.Errorf("query %q", r.URL.Query().Get("q"))
		}
		writeJSON(w, 200, `{"size":1,"totalSize":1,"done":true,"queryLocator":null,"entityTypeName":"InstalledSubscriberPackage","records":[{
"attributes":{"type":"InstalledSubscriberPackage"},"SubscriberPackageId":"033i0000000ElVOAA0",
"SubscriberPackage":{"attributes":{"type":"SubscriberPackage"},"NamespacePrefix":"pub","Name":"Publisher"},
"SubscriberPackageVersionId":"04ti0000000GSu9AAG",
"SubscriberPackageVersion":{"attributes":{"type":"SubscriberPackageVersion"},"Name":"Spring","MajorVersion":1,"MinorVersion":27,"PatchVersion":0,"BuildNumber":3}}]}`)
	})
	c := newClient(stub.srv.URL, testToken, nil)
	got, err := c.InstalledPackages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []salesforce.InstalledPackage{{PackageID: "033i0000000ElVOAA0", Namespace: "pub", Name: "Publisher", VersionID: "04ti0000000GSu9AAG", VersionName: "Spring", Major: 1, Minor: 27, Build: 3}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got[0].Version() != "1.27.0.3" {
		t.Errorf("version %s", got[0].Version())
	}
}
