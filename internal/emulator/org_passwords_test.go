package emulator

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPasswordsNotInTheStateFile: a password set through the API, or given
// by the seed, is kept hashed in the state file, and still logs in after
// the org is opened again; an older file's clear passwords are hashed on load.
func TestPasswordsNotInTheStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	const seedPw, setPw = "Seed-Pw-canary-7731", "Set-Pw-canary-9182"
	o, clk := newTestOrg(t, Options{StatePath: path, Seed: &Seed{Users: []SeedUser{{Username: "seeded@example.com", LastName: "Seeded", Profile: "Standard User", Password: seedPw}}}})
	std := idOf(t, o, "SELECT Id FROM Profile WHERE Name = 'Standard User'")
	u := create(t, o, "User", newUser("pw.user@example.com", std))
	if r := do(t, o, "POST", v+"/sobjects/User/"+u+"/password", map[string]any{"NewPassword": setPw}); r.status != 204 {
		t.Fatalf("POST password: %d %s", r.status, r.body)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{seedPw, setPw} {
		if bytes.Contains(data, []byte(pw)) {
			t.Errorf("the state file holds the password %q in clear", pw)
		}
	}
	if !bytes.Contains(data, []byte(passwordHashPrefix)) {
		t.Errorf("the state file holds no password hash")
	}
	again, err := New(Options{StatePath: path, AccessToken: testToken, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	login := func(o *Org, user, pw string) int {
		form := url.Values{"grant_type": {"password"}, "username": {user}, "password": {pw}}
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/oauth2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := login(again, "pw.user@example.com", setPw); code != 200 {
		t.Errorf("login with the set password after reopening: %d", code)
	}
	if code := login(again, "seeded@example.com", seedPw); code != 200 {
		t.Errorf("login with the seed's password after reopening: %d", code)
	}
	if code := login(again, "pw.user@example.com", seedPw); code == 200 {
		t.Errorf("a wrong password logged in")
	}

	// A file from before hashing: its clear password is hashed on load.
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	doc["meta"].(map[string]any)["passwords"].(map[string]any)[u] = "Legacy-Clear-123"
	legacy, _ := json.Marshal(doc)
	os.WriteFile(path, legacy, 0o600)
	old, err := New(Options{StatePath: path, AccessToken: testToken, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	if code := login(old, "pw.user@example.com", "Legacy-Clear-123"); code != 200 {
		t.Errorf("login with a legacy clear password: %d", code)
	}
	if stored := old.meta.Passwords[u]; !isPasswordHash(stored) {
		t.Errorf("legacy password kept as %q", stored)
	}
}

func TestPasswordHash(t *testing.T) {
	h := hashPassword("ab")
	if !passwordMatches(h, "ab") || passwordMatches(h, "abc") || passwordMatches(h, "") || passwordMatches("ab", "ab") {
		t.Errorf("hash %q", h)
	}
	if hashPassword("ab") == h {
		t.Error("the same password hashed twice gives the same hash (no salt)")
	}
}

// TestSaveLeavesNoTempFile: a state file that cannot be replaced leaves the
// old one and no temporary file behind.
func TestSaveLeavesNoTempFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	o, _ := newTestOrg(t, Options{StatePath: path})
	if r := do(t, o, "POST", v+"/sobjects/Account", map[string]any{"Name": "Saved"}); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	// A directory where the file was: the rename fails.
	os.Remove(path)
	os.MkdirAll(filepath.Join(path, "x"), 0o755)
	do(t, o, "POST", v+"/sobjects/Account", map[string]any{"Name": "Unsaved"})
	left, _ := filepath.Glob(filepath.Join(dir, ".emulator-state-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
