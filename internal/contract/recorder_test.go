package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/emulator/emutest"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// recordSample records a few exchanges of the suite's kinds (a create, a
// duplicate assignment's DUPLICATE_VALUE, a query, a password reset that
// answers a secret) from a fresh emulator through the proxy.
func recordSample(t *testing.T) (dir, orgURL string) {
	t.Helper()
	orgURL = emutest.Serve(t, emulator.Options{})
	client := salesforce.New(salesforce.Config{InstanceURL: orgURL, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: emutest.Token})})
	scrub := NewScrubber()
	scrub.Secret(emutest.Token)
	ScrubOrg(scrub, orgURL, "admin@emulator.sfprov.local", "admin@emulator.sfprov.local", "Admin User", "Emulator Org")
	p, err := NewProxy(client, scrub, "emulator")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	send := func(method, path, body string) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+p.Session)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	var ui struct {
		UserID string `json:"user_id"`
	}
	json.Unmarshal(send("GET", "/services/oauth2/userinfo", ""), &ui)
	var created struct{ ID string }
	json.Unmarshal(send("POST", "/services/data/v62.0/sobjects/PermissionSet", `{"Name":"ctunit_Recorded","Label":"ctunit Recorded"}`), &created)
	psa := `{"AssigneeId":"` + ui.UserID + `","PermissionSetId":"` + created.ID + `"}`
	send("POST", "/services/data/v62.0/sobjects/PermissionSetAssignment", psa)
	send("POST", "/services/data/v62.0/sobjects/PermissionSetAssignment", psa)
	send("GET", "/services/data/v62.0/query?q="+strings.ReplaceAll("SELECT Id, Name FROM PermissionSet WHERE Id = '"+created.ID+"'", " ", "+"), "")
	send("DELETE", "/services/data/v62.0/sobjects/User/"+ui.UserID+"/password", "")
	dir = t.TempDir()
	if err := p.Recording().Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir, orgURL
}

func TestRecordingReplaysOnAnotherEmulator(t *testing.T) {
	dir, _ := recordSample(t)
	rec, err := ReadRecording(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Exchanges) != 6 {
		t.Fatalf("recorded %d exchanges, want 6", len(rec.Exchanges))
	}
	other := emutest.Serve(t, emulator.Options{})
	diffs, err := Replay(context.Background(), rec, ReplayTarget{URL: other, Token: emutest.Token})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("%s", d)
	}
}

func TestReplayNamesAChangedAnswer(t *testing.T) {
	dir, _ := recordSample(t)
	rec, err := ReadRecording(dir)
	if err != nil {
		t.Fatal(err)
	}
	dup := rec.Exchanges[3] // the second assignment: DUPLICATE_VALUE
	if dup.Status != 400 || !bytes.Contains(dup.Body, []byte("DUPLICATE_VALUE")) {
		t.Fatalf("exchange %d is not the duplicate assignment: %d %s", dup.Seq, dup.Status, dup.Body)
	}
	path := filepath.Join(dir, dup.File)
	os.WriteFile(path, bytes.Replace(dup.Body, []byte("DUPLICATE_VALUE"), []byte("DUPLICATE_VALUES"), 1), 0o644)
	if rec, err = ReadRecording(dir); err != nil {
		t.Fatal(err)
	}
	other := emutest.Serve(t, emulator.Options{})
	diffs, err := Replay(context.Background(), rec, ReplayTarget{URL: other, Token: emutest.Token})
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 1 {
		t.Fatalf("%d differences, want 1: %v", len(diffs), diffs)
	}
	got := diffs[0].String()
	want := `exchange 4, POST /services/data/v62.0/sobjects/PermissionSetAssignment (004-POST-sobjects-PermissionSetAssignment.json):
    $[0].errorCode: recorded "DUPLICATE_VALUES", replayed "DUPLICATE_VALUE"`
	if got != want {
		t.Errorf("difference:\n%s\nwant:\n%s", got, want)
	}
}

// A recording keeps no token, secret, Id or username of the org it came from.
func TestRecordingHoldsNoSecret(t *testing.T) {
	dir, orgURL := recordSample(t)
	realID := regexp.MustCompile(`\b(005|00D|0PS|0Pa)Em[0-9A-Za-z]{10,13}\b`)
	files, _ := os.ReadDir(dir)
	if len(files) < 6 {
		t.Fatalf("only %d files", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{emutest.Token, "AQemutesttoken", "admin@emulator.sfprov.local", orgURL, strings.TrimPrefix(orgURL, "http://")} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%s holds %q", f.Name(), leak)
			}
		}
		if m := realID.Find(b); m != nil {
			t.Errorf("%s holds the org's Id %s", f.Name(), m)
		}
		if strings.Contains(f.Name(), "password") && !bytes.Contains(b, []byte(`"NewPassword": "`+Secret+`"`)) {
			t.Errorf("%s: the reset password is not scrubbed: %s", f.Name(), b)
		}
	}
}

func TestScrubIds(t *testing.T) {
	s := NewScrubber()
	got := string(s.Scrub([]byte(`{"Id":"0PSEm000000000KIAQ","Name":"X00eEm000000000JIAQ","ProfileId":"00eEm000000000JIAQ","short":"00eEm000000000J","n":"123456789012345"}`)))
	want := `{"Id":"0PS000000000001AAA","Name":"X00e000000000001AAA","ProfileId":"00e000000000001AAA","short":"00e000000000001","n":"123456789012345"}`
	if got != want {
		t.Errorf("scrubbed\n%s\nwant\n%s", got, want)
	}
}
