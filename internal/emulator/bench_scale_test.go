package emulator

import (
	"fmt"
	"testing"
)

// Benchmarks of the org at scale (issue 10): each index-backed rule is on the
// path of one of them, so a rule that scans every record again shows up as
// a benchmark that grows with the square of its size. They are benchmarks,
// not timed tests: `make bench` prints their figures.

// scaleLicenses gives the standard Salesforce licence enough seats for n users.
func scaleLicenses(n int) []SeedLicense {
	return []SeedLicense{{Name: "Salesforce", Seats: n + 10}}
}

// BenchmarkInsertUsersCollections10k inserts 10,000 users through sObject
// Collections, 200 a request, as a client provisioning them would.
func BenchmarkInsertUsersCollections10k(b *testing.B) {
	const n = 10000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		o, _ := newTestOrg(b, Options{Seed: &Seed{Licenses: scaleLicenses(n)}, DailyAPILimit: 1 << 30})
		profile := profileID(b, o, "Standard User")
		b.StartTimer()
		insertUsers(b, o, profile, n)
	}
}

// BenchmarkBulkAssign10k assigns one permission set to 10,000 users through
// sObject Collections (the shape of sfprov's bulk assignment).
func BenchmarkBulkAssign10k(b *testing.B) {
	const n = 10000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		o, _ := newTestOrg(b, Options{Seed: &Seed{Licenses: scaleLicenses(n)}, DailyAPILimit: 1 << 30})
		ids := insertUsers(b, o, profileID(b, o, "Standard User"), n)
		ps := do(b, o, "POST", v+"/sobjects/PermissionSet", map[string]any{"Name": "Bulk_Set", "Label": "Bulk Set"})
		if ps.status != 201 {
			b.Fatalf("permission set: %d %s", ps.status, ps.body)
		}
		psID := ps.obj(b)["id"].(string)
		b.StartTimer()
		for start := 0; start < n; start += 200 {
			recs := make([]any, 0, 200)
			for _, id := range ids[start:min(start+200, n)] {
				recs = append(recs, map[string]any{"attributes": map[string]any{"type": "PermissionSetAssignment"},
					"AssigneeId": id, "PermissionSetId": psID})
			}
			r := do(b, o, "POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": recs})
			checkCollection(b, r)
		}
	}
}

// BenchmarkStartSeeded starts an org seeded with 1k, 10k and 50k users.
func BenchmarkStartSeeded(b *testing.B) {
	for _, n := range []int{1000, 10000, 50000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			seed := &Seed{Licenses: scaleLicenses(n)}
			for j := 0; j < n; j++ {
				seed.Users = append(seed.Users, SeedUser{Username: fmt.Sprintf("seed%d@scale.example.com", j), LastName: "Seed", Profile: "Standard User"})
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := New(Options{AccessToken: testToken, Seed: seed}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// insertUsers creates n users of a profile through sObject Collections and
// returns their Ids.
func insertUsers(b *testing.B, o *Org, profile string, n int) []string {
	b.Helper()
	ids := make([]string, 0, n)
	for start := 0; start < n; start += 200 {
		recs := make([]any, 0, 200)
		for j := start; j < min(start+200, n); j++ {
			recs = append(recs, map[string]any{"attributes": map[string]any{"type": "User"},
				"Username": fmt.Sprintf("u%d@scale.example.com", j), "LastName": fmt.Sprintf("User%d", j),
				"Email": "u@scale.example.com", "Alias": "u", "TimeZoneSidKey": "America/Los_Angeles", "LocaleSidKey": "en_US",
				"EmailEncodingKey": "UTF-8", "LanguageLocaleKey": "en_US", "ProfileId": profile})
		}
		r := do(b, o, "POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": recs})
		for _, res := range checkCollection(b, r) {
			ids = append(ids, res.(map[string]any)["id"].(string))
		}
	}
	return ids
}

// checkCollection fails unless every record of a collection answer succeeded.
func checkCollection(b testing.TB, r resp) []any {
	b.Helper()
	if r.status != 200 {
		b.Fatalf("collection: %d %s", r.status, r.body)
	}
	results, _ := r.json(b).([]any)
	for _, res := range results {
		if res.(map[string]any)["success"] != true {
			b.Fatalf("collection: %s", r.body)
		}
	}
	return results
}

// profileID is the Id of the profile with this Name.
func profileID(b testing.TB, o *Org, name string) string {
	b.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, p := range o.st.All("Profile") {
		if p["Name"] == name {
			return p["Id"].(string)
		}
	}
	b.Fatalf("no profile %q", name)
	return ""
}
