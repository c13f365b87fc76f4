package profiles_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/cli"
	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/profiles"
)

// appliedStep is what the lifecycle tests need of an apply's JSON result.
type appliedStep struct {
	Action string `json:"action"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	ID     string `json:"id"`
}

// seededOrg applies a built-in profile, as TestSeeded does, to a fresh
// emulator org seeded for it and returns the org's URL, the arguments that
// name the profile, its variables and the org, and the steps the apply took.
func seededOrg(t *testing.T, p profiles.Profile) (string, []string, []appliedStep) {
	t.Helper()
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
	t.Cleanup(srv.Close)
	tail := append(append([]string{p.File}, readVars(t, filepath.Join(dir, "vars.env"))...), "--instance-url", srv.URL)
	out, code := runStdout(t, append([]string{"apply", "--yes", "--json"}, tail...))
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s", code, out)
	}
	var doc struct {
		Result struct {
			Steps []appliedStep `json:"steps"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("apply --json: %v\n%s", err, out)
	}
	return srv.URL, tail, doc.Result.Steps
}

// runStdout is run with standard output alone: what --json writes.
func runStdout(t *testing.T, args []string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"SF_ACCESS_TOKEN": token, "SFPROV_HOME": t.TempDir()}
	code := cli.Run(context.Background(), args, cli.IO{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	if code != 0 {
		return out.String() + errb.String(), code
	}
	return out.String(), code
}

// rest sends one REST request to the emulator as the admin and fails the
// test unless it succeeds: the breakage a test plants by hand.
func rest(t *testing.T, base, method, path, body string) {
	t.Helper()
	req, err := http.NewRequest(method, base+"/services/data/v62.0/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
}

func stepsOf(steps []appliedStep, typ string) []appliedStep {
	var out []appliedStep
	for _, s := range steps {
		if s.Type == typ && s.ID != "" {
			out = append(out, s)
		}
	}
	return out
}

// failLine returns the verify output line that fails the check titled
// title, or "".
func failLine(out, title string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "fail  "+title) {
			return line
		}
	}
	return ""
}

// TestVerifyNamesBreakage: after each built-in profile is applied, breaking
// one thing by hand (the guides' troubleshooting cases: a set unassigned,
// the user deactivated) makes verify exit 1 with a failed check that names
// it, and nothing else fails.
func TestVerifyNamesBreakage(t *testing.T) {
	for _, p := range profiles.List() {
		t.Run(p.Name, func(t *testing.T) {
			t.Run("a set unassigned or the profile changed", func(t *testing.T) {
				base, tail, steps := seededOrg(t, p)
				assigned := stepsOf(steps, "permissionSetAssignment")
				if len(assigned) == 0 {
					// A profile whose user holds no set (BeyondTrust: its own
					// profile gives everything): someone moves the user to
					// another profile instead.
					users := stepsOf(steps, "user")
					std := query(t, base, "SELECT Id FROM Profile WHERE Name = 'Standard User'")
					if len(users) == 0 || len(std) != 1 {
						t.Fatalf("no user or no Standard User profile: %v %v", users, std)
					}
					rest(t, base, http.MethodPatch, "sobjects/User/"+users[0].ID, `{"ProfileId": "`+strings.TrimPrefix(std[0], "Id=")+`"}`)
					out, code := run(t, append([]string{"verify"}, tail...))
					if code != 1 {
						t.Fatalf("verify: exit %d, want 1\n%s", code, out)
					}
					if line := failLine(out, `user "`+users[0].Name+`"`); !strings.Contains(line, "differs (Profile: Standard User → BeyondTrust API User)") {
						t.Errorf("verify does not fail the user's profile:\n%s", out)
					}
					return
				}
				a := assigned[len(assigned)-1]
				rest(t, base, http.MethodDelete, "sobjects/PermissionSetAssignment/"+a.ID, "")
				out, code := run(t, append([]string{"verify"}, tail...))
				if code != 1 {
					t.Fatalf("verify: exit %d, want 1\n%s", code, out)
				}
				if failLine(out, `permission set "`+a.Name+`" on user `) == "" {
					t.Errorf("verify does not fail %q:\n%s", a.Name, out)
				}
				if n := strings.Count(out, "\nfail  "); n != 1 {
					t.Errorf("%d checks fail, want 1:\n%s", n, out)
				}
			})
			t.Run("the user deactivated", func(t *testing.T) {
				base, tail, steps := seededOrg(t, p)
				users := stepsOf(steps, "user")
				if len(users) == 0 {
					t.Fatal("the profile creates no user")
				}
				u := users[0]
				rest(t, base, http.MethodPatch, "sobjects/User/"+u.ID, `{"IsActive": false}`)
				out, code := run(t, append([]string{"verify"}, tail...))
				if code != 1 {
					t.Fatalf("verify: exit %d, want 1\n%s", code, out)
				}
				if failLine(out, `user "`+u.Name+`" is active`) == "" {
					t.Errorf("verify does not fail the user's activity:\n%s", out)
				}
			})
			// Only the profiles with an external client app: someone makes its
			// users need an admin's approval, here through an apply of the
			// profile so changed.
			yaml, err := os.ReadFile(p.File)
			if err != nil {
				t.Fatal(err)
			}
			const policy = "permittedUsers: allSelfAuthorize"
			if !strings.Contains(string(yaml), policy) {
				return
			}
			t.Run("the app's policy changed", func(t *testing.T) {
				_, tail, _ := seededOrg(t, p)
				changed := filepath.Join(t.TempDir(), p.File)
				if err := os.WriteFile(changed, []byte(strings.Replace(string(yaml), policy, "permittedUsers: adminApproved", 1)), 0o644); err != nil {
					t.Fatal(err)
				}
				if out, code := run(t, append([]string{"apply", "--yes", changed}, tail[1:]...)); code != 0 {
					t.Fatalf("apply of the changed policy: exit %d\n%s", code, out)
				}
				out, code := run(t, append([]string{"verify"}, tail...))
				if code != 1 {
					t.Fatalf("verify: exit %d, want 1\n%s", code, out)
				}
				if failLine(out, "external client app policies ") == "" {
					t.Errorf("verify does not fail the app's policies:\n%s", out)
				}
			})
		})
	}
}

// TestOffboardProfiles: offboarding an applied built-in profile leaves its
// users inactive with none of the assignments it gave, its own permission
// sets gone, and a second offboard has nothing to do.
func TestOffboardProfiles(t *testing.T) {
	for _, p := range profiles.List() {
		t.Run(p.Name, func(t *testing.T) {
			base, tail, steps := seededOrg(t, p)
			out, code := run(t, append([]string{"offboard", "--yes"}, tail...))
			if code != 0 {
				t.Fatalf("offboard: exit %d\n%s", code, out)
			}
			for _, u := range stepsOf(steps, "user") {
				name := strings.Trim(u.Name, `"`)
				if got := query(t, base, "SELECT IsActive FROM User WHERE Id = '"+u.ID+"'"); len(got) != 1 || got[0] != "IsActive=false" {
					t.Errorf("user %s after offboard: %v, want inactive", name, got)
				}
			}
			for _, a := range stepsOf(steps, "permissionSetAssignment") {
				if got := query(t, base, "SELECT Id FROM PermissionSetAssignment WHERE Id = '"+a.ID+"'"); len(got) != 0 {
					t.Errorf("%s is still assigned after offboard", a.Name)
				}
			}
			for _, s := range stepsOf(steps, "permissionSet") {
				if got := query(t, base, "SELECT Id FROM PermissionSet WHERE Id = '"+s.ID+"'"); len(got) != 0 {
					t.Errorf("permission set %s is still there after offboard", s.Name)
				}
			}
			out, code = run(t, append([]string{"offboard", "--yes"}, tail...))
			if code != 0 || !strings.Contains(out, "No changes.") {
				t.Errorf("second offboard: exit %d, want No changes.\n%s", code, out)
			}
		})
	}
}
