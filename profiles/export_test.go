package profiles_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/spec"
	"github.com/sfprov/sfprov/profiles"
)

// TestExportPlansNoChanges applies each built-in profile to its seeded
// emulator org (as TestSeeded does), exports each user the profile made,
// and plans the export against the same org: "No changes.". The export
// holds what the profile gave the user: its profile, licences, sets and
// groups; testdata/profiles/NAME/export.golden shows it.
func TestExportPlansNoChanges(t *testing.T) {
	for _, p := range profiles.List() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("..", "testdata", "profiles", p.Name)
			seed, err := emulator.LoadSeed(filepath.Join(dir, "seed.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			org, err := emulator.New(emulator.Options{AccessToken: token, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(org)
			defer srv.Close()
			vars := readVars(t, filepath.Join(dir, "vars.env"))
			target := []string{"--instance-url", srv.URL}
			if out, code := run(t, append(append([]string{"apply", "--yes", p.File}, vars...), target...)); code != 0 {
				t.Fatalf("apply: exit %d\n%s", code, out)
			}
			given := map[string]string{}
			for i := 1; i < len(vars); i += 2 {
				k, v, _ := strings.Cut(vars[i], "=")
				given[k] = v
			}
			s, ds := spec.Load([]string{p.File}, spec.Options{Vars: given})
			if ds.HasErrors() {
				t.Fatalf("%s: %s", p.File, strings.Join(ds.Strings(), "\n"))
			}
			if len(s.Users) == 0 {
				t.Fatalf("%s has no user to export", p.File)
			}
			for _, u := range s.Users {
				file := filepath.Join(t.TempDir(), "export.yaml")
				out, code := run(t, append([]string{"export", "--user", u.Username.Value, "--out", file}, target...))
				if code != 0 {
					t.Fatalf("export --user %s: exit %d\n%s", u.Username.Value, code, out)
				}
				if strings.Contains(out, "Warning") {
					t.Errorf("export --user %s warned:\n%s", u.Username.Value, out)
				}
				out, code = run(t, append([]string{"plan", file, "--detailed-exitcode"}, target...))
				if code != 0 || !strings.HasSuffix(out, "No changes.\n") {
					data, _ := os.ReadFile(file)
					t.Fatalf("plan of the export of %s: exit %d\n%s\n--- the export:\n%s", u.Username.Value, code, out, data)
				}
				data, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if len(s.Users) == 1 {
					// What the export of each built-in profile reads like
					// (UPDATE_GOLDEN=1 rewrites it).
					golden(t, filepath.Join(dir, "export.golden"), string(data))
				}
				exported, ds := spec.Load([]string{file}, spec.Options{})
				if ds.HasErrors() || len(exported.Users) != 1 {
					t.Fatalf("the export does not load: %v", ds.Strings())
				}
				checkExportHolds(t, s, u, exported)
			}
		})
	}
}

// checkExportHolds: the exported user has the profile, licences, sets and
// groups the profile's spec gave it (those whose conditions held).
func checkExportHolds(t *testing.T, s *spec.Spec, u spec.User, exported *spec.Spec) {
	t.Helper()
	eu := exported.Users[0]
	if !strings.EqualFold(eu.Profile, u.Profile) {
		t.Errorf("exported profile %q, the spec gave %q", eu.Profile, u.Profile)
	}
	for _, pr := range s.Profiles {
		if strings.EqualFold(pr.Name, u.Profile) && !hasProfile(exported, pr.Name) {
			t.Errorf("the spec's own profile %q is not in the export with its settings", pr.Name)
		}
	}
	has := func(refs []spec.NamedRef, name string) bool {
		for _, r := range refs {
			if strings.EqualFold(r.Name, name) {
				return true
			}
		}
		return false
	}
	for _, r := range u.PermissionSetLicenses {
		if r.If == nil && !has(eu.PermissionSetLicenses, r.Name) {
			t.Errorf("licence %q missing from the export", r.Name)
		}
	}
	for _, r := range u.PermissionSets {
		if r.If == nil && !has(eu.PermissionSets, r.Name) {
			t.Errorf("permission set %q missing from the export", r.Name)
		}
	}
	for _, r := range u.PermissionSetGroups {
		if r.If == nil && !has(eu.PermissionSetGroups, r.Name) {
			t.Errorf("permission set group %q missing from the export", r.Name)
		}
	}
	for _, ps := range s.PermissionSets {
		if ps.If == nil && has(u.PermissionSets, ps.Name) {
			found := false
			for _, e := range exported.PermissionSets {
				found = found || strings.EqualFold(e.Name, ps.Name)
			}
			if !found {
				t.Errorf("the spec's own permission set %q is not in the export with its access", ps.Name)
			}
			for _, o := range ps.Objects {
				if o.If == nil && !exportedObject(exported, ps.Name, o.Object) {
					t.Errorf("permission set %q: object %s is not in the export", ps.Name, o.Object)
				}
			}
		}
	}
}

func hasProfile(s *spec.Spec, name string) bool {
	for _, p := range s.Profiles {
		if strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}

func exportedObject(s *spec.Spec, set, object string) bool {
	for _, p := range s.PermissionSets {
		if strings.EqualFold(p.Name, set) {
			for _, o := range p.Objects {
				if strings.EqualFold(o.Object, object) {
					return true
				}
			}
		}
	}
	return false
}
