package emulator

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func testCert(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sfprov test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func jwtAssertion(t *testing.T, key *rsa.PrivateKey, iss, sub, aud string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"RS256"}`))
	claims, _ := json.Marshal(map[string]any{"iss": iss, "sub": sub, "aud": aud, "exp": time.Now().Add(3 * time.Minute).Unix()})
	signing := head + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + enc.EncodeToString(sig)
}

// The JWT bearer grant needs pre-authorisation when the client's connected app
// admits only admin-approved users (facts §5, §11).
func TestJWTNeedsPreAuthorisation(t *testing.T) {
	key, cert := testCert(t)
	o, _ := newTestOrg(t, Options{ClientID: "cid", ClientSecret: "secret", JWTCertPEM: cert, Seed: &Seed{
		OAuthApp: &SeedOAuthApp{Name: "Acme Integration App", PermittedUsers: "adminApprovedPreAuthorize"},
		Users:    []SeedUser{{Username: "jwt@example.com", LastName: "JWT", Profile: "Standard User"}}}})
	grant := func() (int, string) {
		form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion": {jwtAssertion(t, key, "cid", "jwt@example.com", "https://login.salesforce.com")}}
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/oauth2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		o.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := grant(); code != 400 || !strings.Contains(body, `"error_description":"user hasn't approved this consumer"`) {
		t.Fatalf("before pre-authorisation: %d %s", code, body)
	}
	app := idOf(t, o, "SELECT Id FROM ConnectedApplication WHERE Name = 'Acme Integration App' AND OptionsAllowAdminApprovedUsersOnly = true")
	user := idOf(t, o, "SELECT Id FROM User WHERE Username = 'jwt@example.com'")
	ps := create(t, o, "PermissionSet", map[string]any{"Name": "Acme_App_Access", "Label": "Acme App Access"})
	create(t, o, "SetupEntityAccess", map[string]any{"ParentId": ps, "SetupEntityId": app})
	if code, _ := grant(); code != 400 {
		t.Fatalf("access on a set the user does not hold: %d", code)
	}
	create(t, o, "PermissionSetAssignment", map[string]any{"AssigneeId": user, "PermissionSetId": ps})
	if code, body := grant(); code != 200 || !strings.Contains(body, `"access_token"`) {
		t.Fatalf("after pre-authorisation: %d %s", code, body)
	}
	// By default the app lets every user self-authorise.
	o2, _ := newTestOrg(t, Options{ClientID: "cid", JWTCertPEM: cert})
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"assertion": {jwtAssertion(t, key, "cid", AdminUsername, "https://login.salesforce.com")}}
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	o2.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("default app: %d %s", rec.Code, rec.Body)
	}
	idOf(t, o2, "SELECT Id FROM ConnectedApplication WHERE Name = '"+DefaultOAuthAppName+"'")
}

func TestClientCredentialsRunAs(t *testing.T) {
	o, _ := newTestOrg(t, Options{ClientID: "cid", ClientSecret: "secret", Seed: &Seed{
		OAuthApp: &SeedOAuthApp{RunAs: "runas@example.com"},
		Users:    []SeedUser{{Username: "runas@example.com", LastName: "Run As", Profile: "System Administrator"}}}})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"secret"}}
	req := httptest.NewRequest("POST", "http://127.0.0.1:8080/services/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	o.ServeHTTP(rec, req)
	var tok struct {
		ID string `json:"id"`
	}
	uid := idOf(t, o, "SELECT Id FROM User WHERE Username = 'runas@example.com'")
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &tok) != nil || !strings.HasSuffix(tok.ID, "/"+uid) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}
