package profiles_test

import (
	"bufio"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/profiles"
)

var update = flag.Bool("update", os.Getenv("UPDATE_GOLDEN") != "", "rewrite the golden files of TestSeeded")

// seededCommands are run, in order, after each profile's second apply,
// against the same org, with the profile's file, its variables and the
// org's flags appended: each must exit 0 and print exactly
// testdata/profiles/<name>/<golden>. A command that every profile must pass
// (verify, export) is one more row here.
var seededCommands = []struct {
	golden string
	args   []string
}{
	{"checklist.golden", []string{"checklist"}},
	{"verify.golden", []string{"verify"}},
}

// TestSeeded applies each built-in profile, as shipped, with the admin's
// values from testdata/profiles/<name>/vars.env, to an emulator org seeded
// as its guide implies (seed.yaml, with the vendor's package): the first
// apply prints apply.golden, the second only "No changes." (reapply.golden),
// then seededCommands run. UPDATE_GOLDEN=1 rewrites the golden files.
var (
	deployID    = regexp.MustCompile(`deploy 0Af[0-9A-Za-z]{12,15}`)
	consumerKey = regexp.MustCompile(`3MVG9[0-9A-Za-z]+`)
)

func TestSeeded(t *testing.T) {
	for _, p := range profiles.List() {
		t.Run(p.Name, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "profiles", p.Name)
			seed, err := emulator.LoadSeed(filepath.Join(dir, "seed.yaml"))
			if err != nil {
				t.Fatalf("every profile needs %s/seed.yaml: %v", dir, err)
			}
			vars := readVars(t, filepath.Join(dir, "vars.env"))
			org, err := emulator.New(emulator.Options{AccessToken: token, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(org)
			defer srv.Close()
			target := []string{"--instance-url", srv.URL}
			tail := append(append([]string{p.File}, vars...), target...)

			steps := []struct {
				golden string
				args   []string
			}{
				{"apply.golden", append([]string{"apply", "--yes"}, tail...)},
				{"reapply.golden", append([]string{"apply", "--yes"}, tail...)},
			}
			for _, c := range seededCommands {
				steps = append(steps, struct {
					golden string
					args   []string
				}{c.golden, append(append([]string{}, c.args...), tail...)})
			}
			for _, s := range steps {
				out, code := run(t, s.args)
				if code != 0 {
					t.Fatalf("sfprov %s: exit %d\n%s", strings.Join(s.args, " "), code, out)
				}
				// Deploy ids and consumer keys depend on the order in which
				// the org saw writes that go out together; the rest is the
				// same each run.
				out = deployID.ReplaceAllString(strings.ReplaceAll(out, srv.URL, "EMULATOR_URL"), "deploy 0Af…")
				out = consumerKey.ReplaceAllString(out, "3MVG9…")
				golden(t, filepath.Join(dir, s.golden), out)
			}
			if want, ok := seededChecks[p.Name]; ok {
				for q, rows := range want {
					if diff := cmp.Diff(rows, query(t, srv.URL, q)); diff != "" {
						t.Errorf("%s (-want +got):\n%s", q, diff)
					}
				}
			}
		})
	}
}

// seededChecks read back what the golden output cannot show: who holds what.
var seededChecks = map[string]map[string][]string{
	"screenmeet": {
		// Console Access went to the active holders of the role sets, the
		// service account too; not to the inactive agent or the sales rep.
		"SELECT Assignee.Username FROM PermissionSetAssignment WHERE PermissionSet.Name = 'ScreenMeet_Console_Access'": {
			"Assignee.Username=agent1@acme.test",
			"Assignee.Username=agent2@acme.test",
			"Assignee.Username=beam@acme.test",
			"Assignee.Username=lead@acme.test",
			"Assignee.Username=screenmeet.service@acme.test",
			"Assignee.Username=smadmin@acme.test",
		},
	},
	"beyondtrust-remote-support": {
		// "Visible" for Standard User on the session's Case field.
		"SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE Parent.Profile.Name = 'Standard User' AND SobjectType = 'BGIntegration__Support_Session__c'": {
			"Field=BGIntegration__Support_Session__c.BGIntegration__Case__c PermissionsEdit=false PermissionsRead=true",
		},
	},
}

// readVars turns vars.env (NAME=value lines, # comments) into --var flags.
func readVars(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("every profile needs its vars.env: %v", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.Contains(line, "=") {
			t.Fatalf("%s: %q is not NAME=value", path, line)
		}
		out = append(out, "--var", line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// golden compares got with the file, or rewrites the file with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}
