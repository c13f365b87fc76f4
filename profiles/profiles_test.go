package profiles

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/spec"
)

var wantNames = []string{
	"beyondtrust-remote-support",
	"coconut",
	"linkpoint-connect",
	"screenmeet",
	"smartcloud-connect",
}

func TestList(t *testing.T) {
	got := List()
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
		if p.File != p.Name+".yaml" {
			t.Errorf("%s: File = %q, want %q", p.Name, p.File, p.Name+".yaml")
		}
		if p.Description == "" {
			t.Errorf("%s: empty description", p.Name)
		}
		embedded, err := Open(p.Name)
		if err != nil {
			t.Errorf("Open(%q): %v", p.Name, err)
		}
		if disk, err := os.ReadFile(p.File); err != nil || string(disk) != string(embedded) {
			t.Errorf("%s: embedded copy differs from %s on disk (read error: %v)", p.Name, p.File, err)
		}
	}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("List() names (-want +got):\n%s", diff)
	}
	if got[1].Description != "Coconut integration user on the Salesforce Integration licence, with its own profile, permission set and licence" {
		t.Errorf("coconut description = %q", got[1].Description)
	}
}

func TestOpen(t *testing.T) {
	disk, err := os.ReadFile("coconut.yaml")
	if err != nil {
		t.Fatal(err)
	}
	all := "available: beyondtrust-remote-support, coconut, linkpoint-connect, screenmeet, smartcloud-connect)"
	tests := []struct {
		name    string
		wantErr string // "" means the call returns coconut.yaml
	}{
		{"coconut", ""},
		{"coconut.yaml", ""},
		{"cocnut", `no built-in profile "cocnut"; did you mean "coconut"? (` + all},
		{"screenmet.yaml", `no built-in profile "screenmet.yaml"; did you mean "screenmeet"? (` + all},
		{"../profiles/coconut", `no built-in profile "../profiles/coconut"; did you mean "coconut"? (` + all},
		{"zzzzzzzzzzzz", `no built-in profile "zzzzzzzzzzzz" (` + all},
		{"", `no built-in profile "" (` + all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Open(tt.name)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Open(%q): %v", tt.name, err)
				}
				if string(data) != string(disk) {
					t.Errorf("Open(%q) differs from coconut.yaml on disk", tt.name)
				}
				return
			}
			if err == nil {
				t.Fatalf("Open(%q) succeeded, want error %q", tt.name, tt.wantErr)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("Open(%q) error:\n got %q\nwant %q", tt.name, err.Error(), tt.wantErr)
			}
		})
	}
}

// TestProfilesAreValidSpecs loads every built-in profile the way `sfprov
// validate` does, with an empty environment: each must be valid as shipped,
// so that `sfprov apply profiles/NAME.yaml --yes` needs no variables.
func TestProfilesAreValidSpecs(t *testing.T) {
	noEnv := func(string) (string, bool) { return "", false }
	for _, p := range List() {
		t.Run(p.Name, func(t *testing.T) {
			s, ds := spec.Load([]string{p.File}, spec.Options{Getenv: noEnv})
			for _, d := range ds {
				t.Errorf("%s", d.String())
			}
			if ds.HasErrors() {
				return
			}
			if s.Name != p.Name {
				t.Errorf("spec name %q, want the file name %q", s.Name, p.Name)
			}
			if s.Description != p.Description {
				t.Errorf("spec description %q, List() says %q", s.Description, p.Description)
			}
			for name, v := range s.Variables {
				if strings.TrimSpace(v.Description) == "" {
					t.Errorf("variable %s has no description", name)
				}
				if v.Secret && v.Default != nil {
					t.Errorf("secret variable %s has a default", name)
				}
				if !v.Secret && v.Default == nil {
					t.Errorf("variable %s has no default: the profile would not apply without flags", name)
				}
			}
			if len(s.Users) == 0 {
				t.Errorf("no users: every vendor guide creates one")
			}
			if len(s.ManualSteps) == 0 {
				t.Errorf("no manualSteps: every vendor guide ends outside Salesforce")
			}
		})
	}
}
