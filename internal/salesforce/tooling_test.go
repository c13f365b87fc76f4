package salesforce_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// profileRow is a Tooling Profile query answer with its Metadata compound
// (Metadata.recordTypeVisibilities as the Tooling API returns it).
const profileRow = `{"size":1,"totalSize":1,"done":true,"queryLocator":null,"entityTypeName":"Profile","records":[{
"attributes":{"type":"Profile","url":"/services/data/v62.0/tooling/sobjects/Profile/00e000000000001AAA"},
"Id":"00e000000000001AAA","FullName":"Admin",
"Metadata":{"custom":false,"description":null,"loginIpRanges":[],"recordTypeVisibilities":[
{"default":true,"personAccountDefault":null,"recordType":"Account.Partner","visible":true},
{"default":false,"personAccountDefault":true,"recordType":"Account.PersonAccount","visible":true},
{"default":false,"recordType":"Case.Support","visible":false}],"userLicense":"Salesforce"}}]}`

func TestToolingMetadata(t *testing.T) {
	var query string
	stub := newStub(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		query = r.URL.Query().Get("q")
		switch {
		case strings.Contains(query, "Name = 'Two'"):
			writeJSON(w, 400, `[{"message":"\nSELECT Id, FullName, Metadata FROM Profile WHERE Name LIKE '%'\n^\nERROR at Row:1:Column:1\nWhen retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: 2","errorCode":"MALFORMED_QUERY"}]`)
		case strings.Contains(query, "Name = 'None'"):
			writeJSON(w, 200, `{"size":0,"totalSize":0,"done":true,"records":[]}`)
		case strings.Contains(query, "Name = 'Null'"):
			writeJSON(w, 200, `{"size":1,"totalSize":1,"done":true,"records":[{"Id":"00e000000000002AAA","FullName":"Null","Metadata":null}]}`)
		default:
			writeJSON(w, 200, profileRow)
		}
	})
	c := newClient(stub.srv.URL, testToken, nil)
	ctx := context.Background()

	full, md, err := c.ProfileMetadata(ctx, "00e000000000001AAA")
	if err != nil {
		t.Fatal(err)
	}
	if query != "SELECT Id, FullName, Metadata FROM Profile WHERE Id = '00e000000000001AAA'" {
		t.Errorf("query %q", query)
	}
	yes := true
	want := []salesforce.RecordTypeVisibility{
		{RecordType: "Account.Partner", Default: true, Visible: true},
		{RecordType: "Account.PersonAccount", PersonAccountDefault: &yes, Visible: true},
		{RecordType: "Case.Support"},
	}
	if full != "Admin" {
		t.Errorf("FullName %q", full)
	}
	if d := cmp.Diff(want, md.RecordTypeVisibilities); d != "" {
		t.Errorf("visibilities (-want +got):\n%s", d)
	}

	_, err = c.ToolingMetadata(ctx, "Profile", "Name = 'Two'")
	var ae *salesforce.APIError
	if !errors.As(err, &ae) || !ae.HasCode("MALFORMED_QUERY") || !strings.Contains(err.Error(), "one row at a time") {
		t.Errorf("several rows: %v", err)
	}
	if _, err := c.ToolingMetadata(ctx, "Profile", "Name = 'None'"); !errors.Is(err, salesforce.ErrNoRow) {
		t.Errorf("no row: %v", err)
	}
	raw, err := c.ToolingMetadata(ctx, "Profile", "Name = 'Null'")
	if err != nil || raw != nil {
		t.Errorf("null Metadata: %s, %v", raw, err)
	}
	if md, err := salesforce.DecodeProfileMetadata(raw); err != nil || len(md.RecordTypeVisibilities) != 0 {
		t.Errorf("decode null: %+v, %v", md, err)
	}

	calls := c.Calls()
	for _, bad := range [][2]string{{"Profile; DELETE", "Id = 'x'"}, {"Profile", " "}} {
		if _, err := c.ToolingMetadata(ctx, bad[0], bad[1]); err == nil {
			t.Errorf("%q where %q: want an error", bad[0], bad[1])
		}
	}
	if _, _, err := c.ProfileMetadata(ctx, "x' OR Name != '"); err == nil {
		t.Error("a SOQL fragment as profile id: want an error")
	}
	if c.Calls() != calls {
		t.Error("a refused read was sent")
	}
}

func TestDecodePermissionSetMetadata(t *testing.T) {
	raw := []byte(`{"label":"Integration","hasActivationRequired":false,
"recordTypeVisibilities":[{"recordType":"Account.Partner","visible":true}],
"userPermissions":[{"enabled":true,"name":"ApiEnabled"},{"enabled":"true","name":"CanApproveUninstalledApps"}]}`)
	md, err := salesforce.DecodePermissionSetMetadata(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := &salesforce.PermissionSetMetadata{
		Label:                  "Integration",
		RecordTypeVisibilities: []salesforce.RecordTypeVisibility{{RecordType: "Account.Partner", Visible: true}},
		UserPermissions:        []salesforce.UserPermission{{Name: "ApiEnabled", Enabled: true}, {Name: "CanApproveUninstalledApps", Enabled: true}},
	}
	if d := cmp.Diff(want, md); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := salesforce.DecodePermissionSetMetadata([]byte(`{"userPermissions":{}}`)); err == nil {
		t.Error("malformed: want an error")
	}
}
