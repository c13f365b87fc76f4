package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMergeFilesAndDocuments(t *testing.T) {
	s, ds := Load([]string{"testdata/merge/a.yaml", "testdata/merge/c.yaml"}, Options{})
	if ds.HasErrors() {
		t.Fatal(ds.Strings())
	}
	var names []string
	for _, ps := range s.PermissionSets {
		names = append(names, ps.Name)
	}
	if diff := cmp.Diff([]string{"Shared_Access", "Only_In_A", "Only_In_C"}, names); diff != "" {
		t.Errorf("permission sets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"testdata/merge/a.yaml", "testdata/merge/c.yaml"}, s.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	// The user in a.yaml's second document uses the variable declared in its first.
	if len(s.Users) != 1 || s.Users[0].Username.Value != "svc@example.com" {
		t.Errorf("users = %+v", s.Users)
	}
	if got := s.Users[0].Pos; got != (Pos{File: "testdata/merge/a.yaml", Line: 10, Col: 5}) {
		t.Errorf("user pos = %+v", got)
	}
	if s.Name != "merged" || len(s.ConnectedApps) != 1 {
		t.Errorf("name %q, connected apps %d", s.Name, len(s.ConnectedApps))
	}
}

func TestMergeDuplicatesReportedAtBothPlaces(t *testing.T) {
	_, ds := Load([]string{"testdata/merge/a.yaml", "testdata/merge/b.yaml"}, Options{})
	want := []string{
		`testdata/merge/a.yaml:4:3: variable "ORG_DOMAIN" is defined again at testdata/merge/b.yaml:10:3`,
		`testdata/merge/a.yaml:6:5: permission set "Shared_Access" is defined again at testdata/merge/b.yaml:3:5`,
		`testdata/merge/a.yaml:10:5: user "svc@example.com" is defined again at testdata/merge/b.yaml:12:5`,
		`testdata/merge/b.yaml:3:5: duplicate permission set "Shared_Access"; first defined at testdata/merge/a.yaml:6:5`,
		`testdata/merge/b.yaml:10:3: duplicate variable "ORG_DOMAIN"; first defined at testdata/merge/a.yaml:4:3`,
		`testdata/merge/b.yaml:12:5: duplicate user "SVC@example.com"; first defined at testdata/merge/a.yaml:10:5`,
	}
	if diff := cmp.Diff(want, ds.Strings()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMergeDuplicatesInOneFile(t *testing.T) {
	src := "version: 1\nprofiles:\n  - name: P\n---\nprofiles:\n  - name: p\n    cloneFrom: X\nconnectedApps: [{name: A}, {name: A}]\n"
	got := diagsOf(t, src, Options{})
	want := []string{
		`testdata/spec.yaml:3:5: profile "P" is defined again at testdata/spec.yaml:6:5`,
		`testdata/spec.yaml:6:5: duplicate profile "p"; first defined at testdata/spec.yaml:3:5`,
		`testdata/spec.yaml:8:17: connected app "A" is defined again at testdata/spec.yaml:8:28`,
		`testdata/spec.yaml:8:28: duplicate connected app "A"; first defined at testdata/spec.yaml:8:17`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, ds := Load([]string{"testdata/merge/nope.yaml"}, Options{})
	want := []string{`testdata/merge/nope.yaml: cannot read spec file: no such file or directory`}
	if diff := cmp.Diff(want, ds.Strings()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, ds = Load(nil, Options{})
	if diff := cmp.Diff([]string{"no spec file given"}, ds.Strings()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPosString(t *testing.T) {
	tests := []struct {
		p    Pos
		want string
	}{
		{Pos{"a.yaml", 4, 5}, "a.yaml:4:5"},
		{Pos{"a.yaml", 4, 0}, "a.yaml:4"},
		{Pos{"a.yaml", 0, 0}, "a.yaml"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.p, got, tt.want)
		}
	}
}
