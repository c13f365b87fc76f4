package diag

import "testing"

func TestDiagnosticString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{"spec.yaml", 3, 1, "unknown key"}, "spec.yaml:3:1: unknown key"},
		{Diagnostic{"spec.yaml", 3, 0, "m"}, "spec.yaml:3: m"},
		{Diagnostic{"spec.yaml", 0, 0, "m"}, "spec.yaml: m"},
		{Diagnostic{"", 0, 0, "m"}, "m"},
		{Diagnostic{"", 2, 5, "m"}, "2:5: m"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestSortAndErr(t *testing.T) {
	var ds Diagnostics
	if ds.Err() != nil || ds.HasErrors() {
		t.Fatal("empty diagnostics must have no error")
	}
	ds.Append("b.yaml", 1, 1, "x")
	ds.Append("a.yaml", 10, 2, "y")
	ds.Append("a.yaml", 2, 9, "z")
	ds.Append("a.yaml", 2, 3, "w")
	ds.Sort()
	want := "a.yaml:2:3: w\na.yaml:2:9: z\na.yaml:10:2: y\nb.yaml:1:1: x"
	if !ds.HasErrors() || ds.Err() == nil || ds.Err().Error() != want {
		t.Fatalf("Err() = %v, want %q", ds.Err(), want)
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"version", "name", "description", "variables", "packages", "profiles", "permissionSets", "permissionSetGroups", "users"}
	tests := []struct {
		in   string
		want string
	}{
		{"permsets", "permissionSets"},
		{"permissionsets", "permissionSets"},
		{"PermissionSets", "permissionSets"},
		{"usres", "users"},
		{"verison", "version"},
		{"zzz", ""},
		{"x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.in, keys); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	access := []string{"read", "create", "edit", "delete", "viewAll", "modifyAll", "viewAllFields"}
	if got := Suggest("raed", access); got != "read" {
		t.Errorf("Suggest(raed) = %q", got)
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2}, {"kitten", "sitting", 3}, {"raed", "read", 1}, {"usres", "users", 1}, {"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := Levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("Levenshtein(%q,%q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
