package state

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// TestChildren: a child relationship is null when empty, inline when small,
// and followed through its own nextRecordsUrl when Salesforce pages it.
func TestChildren(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"totalSize":3,"done":true,"records":[{"Id":"0Pa000000000003AAA"}]}`))
	}))
	defer srv.Close()
	c := salesforce.New(salesforce.Config{InstanceURL: srv.URL, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"})})
	rec := func(js string) salesforce.Record {
		var r salesforce.Record
		if err := json.Unmarshal([]byte(js), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name      string
		parent    string
		want      []string
		wantAsked []string
	}{
		{"null when empty", `{"Id":"005A","PermissionSetAssignments":null}`, nil, nil},
		{"absent", `{"Id":"005A"}`, nil, nil},
		{"inline", `{"Id":"005A","PermissionSetAssignments":{"totalSize":2,"done":true,"records":[{"Id":"0Pa000000000001AAA"},{"Id":"0Pa000000000002AAA"}]}}`,
			[]string{"0Pa000000000001AAA", "0Pa000000000002AAA"}, nil},
		{"paged", `{"Id":"005A","PermissionSetAssignments":{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01g000000000001-2","records":[{"Id":"0Pa000000000001AAA"},{"Id":"0Pa000000000002AAA"}]}}`,
			[]string{"0Pa000000000001AAA", "0Pa000000000002AAA", "0Pa000000000003AAA"}, []string{"/services/data/v62.0/query/01g000000000001-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = nil
			parent := rec(tt.parent)
			got, err := children(context.Background(), c, parent, "PermissionSetAssignments")
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range got {
				ids = append(ids, r.String("Id"))
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("children (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantAsked, asked); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if _, ok := parent["PermissionSetAssignments"]; ok {
				t.Error("the relationship stays in the parent record")
			}
		})
	}
}
