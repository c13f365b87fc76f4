package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator"
)

// BenchmarkLocalPlan50k opens a local org of 50,000 users and plans a
// built-in profile against it (issue 10: 300 ms and 150 MB at most), as
// `sfprov plan profiles/coconut.yaml` does in a process of its own.
func BenchmarkLocalPlan50k(b *testing.B) {
	const n = 50000
	home := b.TempDir()
	seed := &emulator.Seed{Licenses: []emulator.SeedLicense{{Name: "Salesforce", Seats: n + 10}}}
	for i := 0; i < n; i++ {
		seed.Users = append(seed.Users, emulator.SeedUser{Username: fmt.Sprintf("user%d@scale.example.com", i), LastName: "Scale", Profile: "Standard User"})
	}
	em, err := emulator.New(emulator.Options{Seed: seed, DBPath: filepath.Join(home, "local-org.db")})
	if err != nil {
		b.Fatal(err)
	}
	if err := em.Close(); err != nil {
		b.Fatal(err)
	}
	getenv := func(k string) (string, bool) {
		if k == "SFPROV_HOME" {
			return home, true
		}
		return "", false
	}
	spec := filepath.Join("..", "..", "profiles", "coconut.yaml")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out, errOut bytes.Buffer
		if code := Run(context.Background(), []string{"plan", spec}, IO{Out: &out, Err: &errOut, Getenv: getenv}); code != ExitOK {
			b.Fatalf("plan: exit %d\n%s%s", code, out.String(), errOut.String())
		}
	}
}
