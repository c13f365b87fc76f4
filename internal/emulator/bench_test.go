package emulator

import (
	"fmt"
	"testing"
)

// BenchmarkQuery10k pages through a 10,000-row query (5 pages of 2,000).
func BenchmarkQuery10k(b *testing.B) {
	o, _ := newTestOrg(b, Options{})
	bulkAccounts(b, o, 10000)
	q := v + "/query?q=" + urlQuery("SELECT Id, Name, Owner.Username FROM Account WHERE Name LIKE 'Bulk%' ORDER BY Name")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o.mu.Lock()
		o.meta.APICalls = 0 // stay under the daily limit
		o.mu.Unlock()
		page := do(b, o, "GET", q, nil).obj(b)
		n := len(page["records"].([]any))
		for page["done"] != true {
			page = do(b, o, "GET", page["nextRecordsUrl"].(string), nil).obj(b)
			n += len(page["records"].([]any))
		}
		if n != 10000 {
			b.Fatalf("%d rows", n)
		}
	}
}

// BenchmarkCollectionsCreate200 creates 200 records in one sObject Collections call.
func BenchmarkCollectionsCreate200(b *testing.B) {
	o, _ := newTestOrg(b, Options{})
	recs := make([]any, 200)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range recs {
			recs[j] = map[string]any{"attributes": map[string]any{"type": "Contact"}, "LastName": fmt.Sprintf("C%d-%d", i, j)}
		}
		o.mu.Lock()
		o.meta.APICalls = 0
		o.mu.Unlock()
		r := do(b, o, "POST", v+"/composite/sobjects", map[string]any{"records": recs})
		if r.status != 200 {
			b.Fatal(r.status)
		}
	}
}
