//go:build contract

package contract

import (
	"fmt"
	"testing"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// Tooling answers Metadata (and FullName) for one row only.
func TestToolingMetadataOneRow(t *testing.T) {
	a := create(t, "PermissionSet", map[string]any{"Name": name("RowA"), "Label": name("RowA")}, deleter(t, "PermissionSet"))
	create(t, "PermissionSet", map[string]any{"Name": name("RowB"), "Label": name("RowB")}, deleter(t, "PermissionSet"))
	_, err := suite.client.ToolingQuery(ctx(), fmt.Sprintf("SELECT Id, Name, Metadata FROM PermissionSet WHERE Name IN (%s, %s)", quote(name("RowA")), quote(name("RowB"))))
	wantAPIError(t, err, 400, "MALFORMED_QUERY", "When retrieving results with Metadata or FullName fields, the query qualifications must specify no more than one row for retrieval. Result size: 2")
	recs, err := suite.client.ToolingQuery(ctx(), "SELECT Id, Name, FullName, Metadata FROM PermissionSet WHERE Id = '"+a+"'")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].String("FullName") != name("RowA") || recs[0].String("Metadata.label") != name("RowA") {
		t.Fatalf("one row with FullName and Metadata.label %s, got %v", name("RowA"), recs)
	}
}

// A Metadata deploy lands as the org reports it: its status is polled to
// Succeeded, and the set it deployed is there with what it granted.
func TestMetadataDeploy(t *testing.T) {
	full := name("Deployed")
	f, err := metadata.PermissionSetFile(metadata.PermissionSet{FullName: full, Label: full,
		UserPermissions: []metadata.UserPermission{{Enabled: true, Name: "ApiEnabled"}}})
	if err != nil {
		t.Fatal(err)
	}
	pkg := &metadata.Package{APIVersion: suite.client.APIVersion()}
	pkg.Add(f)
	var seen []string
	t.Cleanup(func() {
		// Whatever the deploy did, the set it may have made goes.
		if recs, err := suite.client.Query(ctx(), "SELECT Id FROM PermissionSet WHERE Name = "+quote(full)); err == nil {
			for _, r := range recs {
				deleter(t, "PermissionSet")(r.String("Id"))
			}
		}
	})
	res, err := suite.client.Deploy(ctx(), pkg, salesforce.DeployOptions{Progress: func(p salesforce.DeployProgress) { seen = append(seen, p.Status) }})
	if err != nil {
		t.Fatalf("deploy: %v (statuses %v)", err, seen)
	}
	if !res.Succeeded() || !res.Done || res.ComponentsDeployed != 1 || res.ComponentsTotal != 1 || res.ComponentErrors != 0 {
		t.Fatalf("deploy %s: status %s, done %v, %d/%d deployed, %d errors; want Succeeded 1/1", res.ID, res.Status, res.Done, res.ComponentsDeployed, res.ComponentsTotal, res.ComponentErrors)
	}
	if len(seen) == 0 || seen[len(seen)-1] != "Succeeded" {
		t.Errorf("statuses seen %v, want them to end in Succeeded", seen)
	}
	recs := query(t, "SELECT Id, PermissionsApiEnabled FROM PermissionSet WHERE Name = "+quote(full))
	if len(recs) != 1 || !recs[0].Bool("PermissionsApiEnabled") {
		t.Fatalf("the deployed set %s: %v, want one with API Enabled", full, recs)
	}
}
