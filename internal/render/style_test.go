package render

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/plan"
)

// TestPlanStyles: colour marks + ~ - ! and warnings, and nothing else; the
// ASCII style leaves no symbol outside ASCII (the arrow of a Setup path
// included); the plain style has neither.
func TestPlanStyles(t *testing.T) {
	for _, tc := range []struct {
		name string
		st   Style
	}{{"plan.color.golden", Style{Color: true}}, {"plan.ascii.golden", Style{ASCII: true}}} {
		var b bytes.Buffer
		Plan(&b, samplePlan(), tc.st)
		golden(t, tc.name, b.Bytes())
		if tc.st.ASCII {
			for i, r := range b.String() {
				if r > 127 {
					t.Errorf("%s: %q at byte %d", tc.name, r, i)
					break
				}
			}
		}
	}
	var plain bytes.Buffer
	Plan(&plain, samplePlan(), Style{})
	if bytes.Contains(plain.Bytes(), []byte("\x1b[")) {
		t.Error("the plain style has colour")
	}
}

// TestProgressStyles: ✓ and ✗ in green and red, or as ok and FAIL.
func TestProgressStyles(t *testing.T) {
	ok := &plan.Step{Action: plan.Create, Type: plan.TypeUser, Name: "a@acme.com", SObject: "User"}
	bad := &plan.Step{Action: plan.Update, Type: plan.TypeUser, Name: "b@acme.com", SObject: "User"}
	refused := errors.New("INVALID_EMAIL_ADDRESS: Email: invalid email address → b@")
	for _, tc := range []struct {
		st   Style
		want string
	}{
		{Style{}, "  ✓ created user \"a@acme.com\"\n  ✗ user \"b@acme.com\": INVALID_EMAIL_ADDRESS: Email: invalid email address → b@\n"},
		{Style{Color: true}, "  \x1b[32m✓\x1b[0m created user \"a@acme.com\"\n  \x1b[31m✗\x1b[0m user \"b@acme.com\": INVALID_EMAIL_ADDRESS: Email: invalid email address → b@\n"},
		{Style{ASCII: true}, "  ok created user \"a@acme.com\"\n  FAIL user \"b@acme.com\": INVALID_EMAIL_ADDRESS: Email: invalid email address -> b@\n"},
	} {
		var b bytes.Buffer
		p := &Progress{W: &b, Style: tc.st}
		p.Step(ok, nil)
		p.Step(bad, refused)
		p.Flush()
		if diff := cmp.Diff(tc.want, b.String()); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tc.st, diff)
		}
	}
	if got := (Style{Color: true}).ErrorPrefix(); got != "\x1b[1;31mError:\x1b[0m " {
		t.Errorf("ErrorPrefix = %q", got)
	}
	if got := (Style{}).ErrorPrefix(); got != "Error: " {
		t.Errorf("ErrorPrefix = %q", got)
	}
}
