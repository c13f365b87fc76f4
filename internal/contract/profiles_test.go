//go:build contract

package contract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The built-in profiles, each applied, re-applied ("No changes."),
// verified where sfprov has that command, and removed again.
func TestBuiltInProfiles(t *testing.T) {
	files, err := filepath.Glob("../../profiles/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no built-in profiles under profiles/: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) { profileRoundTrip(t, f) })
	}
}

func profileRoundTrip(t *testing.T, file string) {
	spec, declared := safeSpec(t, file)
	vars := specVars(t, declared)

	// The suite touches only what it creates: a profile whose objects the
	// org has already is left alone.
	plan := planJSON(t, spec, vars)
	for _, s := range plan.Result.Steps {
		if topLevel[s.Type] && s.Action != "create" {
			t.Skipf("SKIP: the org already has %s %q (plan: %s); the suite changes only what it creates", s.Type, s.Name, s.Action)
		}
	}

	out, errOut, code := sfprov(t, append([]string{"apply", spec, "--yes", "--json"}, vars...)...)
	var applied planDoc
	decodeJSON(t, out, &applied)
	removal := removalOf(applied.Result.Steps)
	t.Cleanup(func() {
		if err := removal.run(); err != nil {
			t.Errorf("clean up: %v", err)
		}
	})
	if code != 0 || applied.Status != "ok" {
		t.Fatalf("apply: exit %d, status %q; stderr:\n%s\nstdout:\n%s", code, applied.Status, errOut, out)
	}

	out, errOut, code = sfprov(t, append([]string{"apply", spec, "--yes"}, vars...)...)
	if code != 0 || !strings.Contains(out, "\nNo changes.\n") {
		t.Errorf("re-apply: exit %d, want 0 and \"No changes.\"; stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}

	t.Run("verify", func(t *testing.T) {
		if _, _, code := sfprov(t, "verify", "--help"); code != 0 {
			t.Skip("SKIP: sfprov has no verify command yet")
		}
		out, errOut, code := sfprov(t, append([]string{"verify", spec}, vars...)...)
		if code != 0 {
			t.Errorf("verify: exit %d; stdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
	})

	if err := removal.run(); err != nil {
		t.Fatalf("remove: %v", err)
	}
	for _, s := range planJSON(t, spec, vars).Result.Steps {
		if topLevel[s.Type] && s.Action != "create" {
			t.Errorf("after the removal the org still has %s %q (plan: %s)", s.Type, s.Name, s.Action)
		}
	}
}

// topLevel are the step types of objects that exist on their own.
var topLevel = map[string]bool{"profile": true, "permissionSet": true, "permissionSetGroup": true, "user": true,
	"remoteSite": true, "externalClientApp": true, "group": true}

type planDoc struct {
	Status string `json:"status"`
	Result struct {
		Steps []step `json:"steps"`
	} `json:"result"`
}

type step struct {
	Action  string `json:"action"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	SObject string `json:"sobject"`
	ID      string `json:"id"`
	Status  string `json:"status"`
}

func planJSON(t *testing.T, spec string, vars []string) planDoc {
	t.Helper()
	out, errOut, code := sfprov(t, append([]string{"plan", spec, "--json"}, vars...)...)
	var doc planDoc
	decodeJSON(t, out, &doc)
	if code != 0 || doc.Status != "ok" {
		t.Fatalf("plan: exit %d, status %q; stderr:\n%s\nstdout:\n%s", code, doc.Status, errOut, out)
	}
	return doc
}

// safeSpec is the profile as the suite applies it: without its External
// Client Apps, which only a destructive deploy removes (the emulator serves
// none, so the suite could not leave the org as it found it).
func safeSpec(t *testing.T, file string) (path string, variables []string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "variables" {
			for j := 0; j+1 < len(root.Content[i+1].Content); j += 2 {
				variables = append(variables, root.Content[i+1].Content[j].Value)
			}
		}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "externalClientApps" {
			t.Logf("%s: its externalClientApps are left out (no API the emulator serves removes one)", filepath.Base(file))
			root.Content = append(root.Content[:i], root.Content[i+2:]...)
			break
		}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), filepath.Base(file))
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, variables
}

// safeValues are the variables' values on a real org: addresses and hosts
// at the run's own domain under example.com, which no one receives mail at.
func safeValues() map[string]string {
	domain := suite.prefix + ".example.com"
	return map[string]string{"ORG_DOMAIN": domain, "ADMIN_EMAIL": "admin@" + domain, "APPLIANCE_HOSTNAME": "support." + domain,
		"SCREENMEET_SET_AUDIT_FIELDS": "false"}
}

// specVars sets each declared variable to its safe value; one the suite
// does not know fails the test, so that a new profile's variable is looked
// at before the suite applies it to a real org.
func specVars(t *testing.T, declared []string) []string {
	t.Helper()
	var args []string
	for _, v := range declared {
		val, ok := safeValues()[v]
		if !ok {
			t.Fatalf("the profile declares %s, which the suite has no safe value for (profiles_test.go safeValues)", v)
		}
		args = append(args, "--var", v+"="+val)
	}
	return args
}
