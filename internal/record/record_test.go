package record

import "testing"

func TestFieldsPaths(t *testing.T) {
	r := Fields{
		"Name":       "Ada",
		"IsActive":   true,
		"UseCount":   3.0,
		"Profile":    map[string]any{"Name": "Standard User", "UserLicense": Fields{"Name": "Salesforce"}},
		"Manager":    nil,
		"attributes": map[string]any{"type": "User"},
	}
	for _, c := range []struct {
		path string
		str  string
		b    bool
	}{
		{"Name", "Ada", false},
		{"IsActive", "true", true},
		{"UseCount", "3", false},
		{"Profile.Name", "Standard User", false},
		{"Profile.UserLicense.Name", "Salesforce", false}, // a Fields inside a map
		{"Manager.Name", "", false},                       // through a null parent
		{"Name.Length", "", false},                        // through a value that is not a record
		{"Missing", "", false},
		{"attributes.type", "User", false},
	} {
		if got := r.String(c.path); got != c.str {
			t.Errorf("String(%q) = %q, want %q", c.path, got, c.str)
		}
		if got := r.Bool(c.path); got != c.b {
			t.Errorf("Bool(%q) = %v, want %v", c.path, got, c.b)
		}
	}
	if r.Get("Manager") != nil || r.Get("Profile.Missing") != nil {
		t.Error("a null or absent field must read nil")
	}
}
