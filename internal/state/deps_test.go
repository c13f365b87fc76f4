package state

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// toolingAnswer serves /tooling/query with status and body, and records the
// query it was asked.
func toolingAnswer(t *testing.T, status int, body string) (*salesforce.Client, *string) {
	t.Helper()
	var asked string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/tooling/query") {
			http.NotFound(w, r)
			return
		}
		asked = r.URL.Query().Get("q")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	c := salesforce.New(salesforce.Config{InstanceURL: srv.URL, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})})
	return c, &asked
}

// TestReadDependencies: rows as a live org gives them (two PermissionType
// values, Object<verb> names, duplicate rows) become one table.
func TestReadDependencies(t *testing.T) {
	c, asked := toolingAnswer(t, 200, `{"size":4,"totalSize":4,"done":true,"records":[
 {"attributes":{"type":"PermissionDependency"},"Permission":"CustomizeApplication","PermissionType":"User Permission","RequiredPermission":"ViewSetup","RequiredPermissionType":"User Permission"},
 {"attributes":{"type":"PermissionDependency"},"Permission":"CustomizeApplication","PermissionType":"User Permission","RequiredPermission":"ViewSetup","RequiredPermissionType":"User Permission"},
 {"attributes":{"type":"PermissionDependency"},"Permission":"Contact<read>","PermissionType":"Object Permission","RequiredPermission":"Account<read>","RequiredPermissionType":"Object Permission"},
 {"attributes":{"type":"PermissionDependency"},"Permission":"Contact<update>","PermissionType":"Object Permission","RequiredPermission":"Contact<read>","RequiredPermissionType":"Object Permission"}]}`)
	d, err := readDependencies(context.Background(), c, []string{"Contact"})
	if err != nil {
		t.Fatal(err)
	}
	if !d.FromOrg {
		t.Fatalf("FromOrg = false (%s)", d.Refused)
	}
	for _, tc := range []struct {
		p    PermRef
		want []PermRef
	}{
		{PermRef{Name: "CustomizeApplication"}, []PermRef{{Name: "ViewSetup"}}},
		{PermRef{Name: "customizeapplication"}, []PermRef{{Name: "ViewSetup"}}},
		{PermRef{Object: "Contact", Name: "read"}, []PermRef{{Object: "Account", Name: "read"}}},
		{PermRef{Object: "contact", Name: "update"}, []PermRef{{Object: "Contact", Name: "read"}}},
		{PermRef{Name: "ModifyAllData"}, nil},
	} {
		if diff := cmp.Diff(tc.want, d.Requires(tc.p)); diff != "" {
			t.Errorf("Requires(%v) (-want +got):\n%s", tc.p, diff)
		}
	}
	want := "SELECT Permission, PermissionType, RequiredPermission, RequiredPermissionType FROM PermissionDependency WHERE PermissionType = 'User Permission' OR Permission IN (" +
		"'Contact<create>', 'Contact<delete>', 'Contact<modifyAllRecords>', 'Contact<read>', 'Contact<update>', 'Contact<viewAllFields>', 'Contact<viewAllRecords>')"
	if *asked != want {
		t.Errorf("query =\n%s\nwant\n%s", *asked, want)
	}
}

// TestReadDependenciesRefused: an org that refuses the query (before API
// 46.0, or a user without View Setup and Configuration) leaves a table that
// says why in one line, and no error.
func TestReadDependenciesRefused(t *testing.T) {
	c, _ := toolingAnswer(t, 400, `[{"message":"\nRequiredPermission, RequiredPermissionType FROM PermissionDependency\n                                                ^\nERROR at Row:1:Column:84\nsObject type 'PermissionDependency' is not supported.","errorCode":"INVALID_TYPE"}]`)
	d, err := readDependencies(context.Background(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.FromOrg || d.Refused != "INVALID_TYPE: sObject type 'PermissionDependency' is not supported." {
		t.Errorf("FromOrg %v, Refused %q", d.FromOrg, d.Refused)
	}
}
