package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dbSteps are requests that touch every kind of change the store writes:
// inserts of lazy and eager objects, updates that move a record in its
// indexes, deletes (one to the Recycle Bin), and a rolled-back collection.
func dbSteps(t *testing.T, profile string) []func(o *Org) {
	user := func(name string) map[string]any {
		return map[string]any{"attributes": map[string]any{"type": "User"}, "Username": name, "LastName": "Db",
			"Email": "db@example.com", "Alias": "db", "TimeZoneSidKey": "America/Los_Angeles", "LocaleSidKey": "en_US",
			"EmailEncodingKey": "UTF-8", "LanguageLocaleKey": "en_US", "ProfileId": profile}
	}
	var userID, psID, accID string
	return []func(o *Org){
		func(o *Org) {
			r := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"records": []any{user("one@db.example.com"), user("two@db.example.com")}})
			userID = checkCollection(t, r)[0].(map[string]any)["id"].(string)
		},
		func(o *Org) {
			psID = do(t, o, "POST", v+"/sobjects/PermissionSet", map[string]any{"Name": "Db_Set", "Label": "Db Set"}).obj(t)["id"].(string)
			accID = do(t, o, "POST", v+"/sobjects/Account", map[string]any{"Name": "Db Account"}).obj(t)["id"].(string)
		},
		func(o *Org) {
			r := do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": userID, "PermissionSetId": psID})
			if r.status != 201 {
				t.Fatalf("assign: %d %s", r.status, r.body)
			}
		},
		func(o *Org) {
			// The username index after a reopen: taken, whatever the case.
			expectErr(t, do(t, o, "POST", v+"/sobjects/User", user("ONE@db.example.com")), 400, "DUPLICATE_USERNAME", msgDuplicateUsername, "Username")
			// So is the assignment: the pair index.
			r := do(t, o, "POST", v+"/sobjects/PermissionSetAssignment", map[string]any{"AssigneeId": userID, "PermissionSetId": psID})
			if r.status != 400 || !bytes.Contains(r.body, []byte("DUPLICATE_VALUE")) {
				t.Fatalf("second assignment: %d %s", r.status, r.body)
			}
		},
		func(o *Org) {
			if r := do(t, o, "PATCH", v+"/sobjects/User/"+userID, map[string]any{"Username": "uno@db.example.com", "IsActive": false}); r.status != 204 {
				t.Fatalf("update: %d %s", r.status, r.body)
			}
			if r := do(t, o, "DELETE", v+"/sobjects/Account/"+accID, nil); r.status != 204 {
				t.Fatalf("delete: %d %s", r.status, r.body)
			}
		},
		func(o *Org) {
			// All or none: the second record fails, so the first is not kept.
			r := do(t, o, "POST", v+"/composite/sobjects", map[string]any{"allOrNone": true, "records": []any{user("three@db.example.com"), user("uno@db.example.com")}})
			if r.status != 200 || bytes.Contains(r.body, []byte(`"success":true`)) {
				t.Fatalf("allOrNone: %d %s", r.status, r.body)
			}
		},
		func(o *Org) {
			q := do(t, o, "GET", v+"/query?q="+urlQuery("SELECT Id, (SELECT PermissionSet.Name FROM PermissionSetAssignments WHERE PermissionSet.IsOwnedByProfile = false) FROM User WHERE Username IN ('UNO@db.example.com', 'two@db.example.com')"), nil).obj(t)
			if q["totalSize"] != 2.0 {
				t.Fatalf("query: %v", q)
			}
			kids, _ := q["records"].([]any)[0].(map[string]any)["PermissionSetAssignments"].(map[string]any)
			if kids == nil || kids["totalSize"] != 1.0 {
				t.Fatalf("subquery: %v", q)
			}
		},
	}
}

// TestStoreMatchesStateFile runs the same requests against an org in a
// JSON state file and one in a bbolt store, both opened again after every
// step, so that every request after the first reads the
// lazy records from disk; the two orgs' states must be the same.
func TestStoreMatchesStateFile(t *testing.T) {
	dir := t.TempDir()
	// A seed user: the store keeps the seed's users apart from the meta.
	seed := &Seed{Users: []SeedUser{{Username: "seeded@db.example.com", LastName: "Seeded", Profile: "Standard User", Password: "Seeded-Pass-1"}}}
	jsonOrg, clk := newTestOrg(t, Options{StatePath: filepath.Join(dir, "state.json"), Seed: seed})
	dbPath := filepath.Join(dir, "org.db")
	open := func() *Org {
		o, _ := newTestOrg(t, Options{DBPath: dbPath, Now: clk.now, Seed: seed})
		return o
	}
	dbOrg := open()
	profile := profileID(t, jsonOrg, "Standard User")
	if got := profileID(t, dbOrg, "Standard User"); got != profile {
		t.Fatalf("profiles differ: %s, %s", got, profile)
	}
	stepsJSON, stepsDB := dbSteps(t, profile), dbSteps(t, profile)
	for i := range stepsJSON {
		stepsJSON[i](jsonOrg)
		stepsDB[i](dbOrg)
		// Both restart: what a request does not save (the counts of one
		// that changes nothing) is lost alike.
		jsonOrg, _ = newTestOrg(t, Options{StatePath: filepath.Join(dir, "state.json"), Now: clk.now})
		if err := dbOrg.Close(); err != nil {
			t.Fatal(err)
		}
		dbOrg = open()
	}
	dbOrg.Close()
	var exported bytes.Buffer
	if err := ExportState(context.Background(), dbPath, &exported); err != nil {
		t.Fatal(err)
	}
	// What each persisted: the state file as written (an org saves after
	// the requests that change it, so both leave out the last counts).
	want, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(want, &a)
	json.Unmarshal(exported.Bytes(), &b)
	saltless(a)
	saltless(b)
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("the store's org differs from the state file's (-json +store):\n%s", d)
	}
}

// TestMigrateState moves a JSON state file into a store: the store exports
// the same org.
func TestMigrateState(t *testing.T) {
	dir := t.TempDir()
	statePath := filepath.Join(dir, "state.json")
	o, _ := newTestOrg(t, Options{StatePath: statePath})
	for _, step := range dbSteps(t, profileID(t, o, "Standard User")) {
		step(o)
	}
	dbPath := filepath.Join(dir, "org.db")
	if err := MigrateState(context.Background(), statePath, dbPath); err != nil {
		t.Fatal(err)
	}
	if err := MigrateState(context.Background(), statePath, dbPath); err == nil {
		t.Error("a second migration into the same store was not refused")
	}
	var exported bytes.Buffer
	if err := ExportState(context.Background(), dbPath, &exported); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(want, &a)
	json.Unmarshal(exported.Bytes(), &b)
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("the migrated org differs (-json +store):\n%s", d)
	}
}

// saltless replaces the password hashes of a decoded state file, whose
// salts are random, by whether there is one.
func saltless(state any) {
	meta, _ := state.(map[string]any)["meta"].(map[string]any)
	pw, _ := meta["passwords"].(map[string]any)
	for k, v := range pw {
		if h, _ := v.(string); h != "" {
			pw[k] = "hashed"
		}
	}
}
