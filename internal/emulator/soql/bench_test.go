package soql_test

import (
	"fmt"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// BenchmarkWhere10k runs a typical filtered, ordered, relationship query
// over 10,000 Accounts.
func BenchmarkWhere10k(b *testing.B) {
	s, st := newOrg()
	industries := []string{"Energy", "Manufacturing", "Retail", "Banking"}
	for i := 0; i < 10000; i++ {
		st.add("Account", soql.Record{
			"Id":                id("001", 1000+i),
			"Name":              fmt.Sprintf("Account %05d", i),
			"AnnualRevenue":     float64(i * 100),
			"NumberOfEmployees": float64(i % 500),
			"Industry":          industries[i%len(industries)],
			"CreatedDate":       "2026-11-20T10:00:00.000+0000",
			"OwnerId":           userAdmin,
			"ParentId":          nil,
		})
	}
	pq, err := soql.Parse("SELECT Id, Name, Owner.Username FROM Account WHERE (Industry IN ('Energy', 'Retail') AND NumberOfEmployees > 100) OR Name LIKE 'Account 09%' ORDER BY Name DESC LIMIT 2000")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := soql.Execute(pq, s, st, soql.Options{APIVersion: "62.0", Now: now})
		if err != nil {
			b.Fatal(err)
		}
		if res.TotalSize != 2000 {
			b.Fatalf("TotalSize = %d", res.TotalSize)
		}
	}
}
