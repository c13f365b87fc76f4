package emulator

import (
	"strings"
	"testing"
)

// Tests for answers in which real clients found the emulator differing from
// a real org. Each asserts the status and the exact body.

// expectBody checks a response's status and its whole body (the trailing
// newline of the encoder aside).
func expectBody(t *testing.T, r resp, status int, body string) {
	t.Helper()
	if r.status != status || strings.TrimSuffix(string(r.body), "\n") != body {
		t.Fatalf("got %d %s\nwant %d %s", r.status, r.body, status, body)
	}
}

func TestMalformedIDInPathIsAnUnknownExternalIDField(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	for _, m := range []string{"GET", "PATCH", "DELETE"} {
		var body any
		if m == "PATCH" {
			body = map[string]any{"Name": "x"}
		}
		expectBody(t, do(t, o, m, v+"/sobjects/Account/notAnId", body), 404,
			`[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: notAnId"}]`)
		expectBody(t, do(t, o, m, v+"/sobjects/Account/-1", body), 404,
			`[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: -1"}]`)
		// A well-formed Id that names no record: the generic 404.
		expectBody(t, do(t, o, m, v+"/sobjects/Account/001000000000000AAA", body), 404,
			`[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	}
	// An 18-character Id whose case-checksum suffix is wrong is not an Id either.
	id := create(t, o, "Account", map[string]any{"Name": "Acme"})
	bad := id[:15] + "ZZZ"
	expectBody(t, do(t, o, "GET", v+"/tooling/sobjects/RemoteProxy/"+bad, nil), 404,
		`[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: `+bad+`"}]`)
	if r := do(t, o, "GET", v+"/sobjects/Account/"+id[:15], nil); r.status != 200 {
		t.Errorf("15-character Id: %d %s", r.status, r.body)
	}
}
