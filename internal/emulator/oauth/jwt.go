package oauth

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
)

// certKey is the connected app's uploaded certificate, reduced to what the
// JWT bearer grant needs.
type certKey struct {
	pub *rsa.PublicKey
}

// parseCert reads the first CERTIFICATE block of pemBytes. Salesforce takes an
// X.509 certificate for "Use digital signatures" and checks RS256 assertions
// against its public key (facts §11 JWT bearer row). A bare PUBLIC KEY block
// is accepted too, because some setups hand over only the key.
func parseCert(pemBytes []byte) (*certKey, error) {
	rest := pemBytes
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, errors.New("no CERTIFICATE or PUBLIC KEY block")
		}
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parse certificate: %w", err)
			}
			pub, ok := c.PublicKey.(*rsa.PublicKey)
			if !ok {
				return nil, errors.New("certificate key is not RSA")
			}
			return &certKey{pub: pub}, nil
		case "PUBLIC KEY":
			k, err := x509.ParsePKIXPublicKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parse public key: %w", err)
			}
			pub, ok := k.(*rsa.PublicKey)
			if !ok {
				return nil, errors.New("public key is not RSA")
			}
			return &certKey{pub: pub}, nil
		}
	}
}

// jwtClaims are the claims the JWT bearer grant reads. aud may be a string or
// an array of strings (RFC 7519 §4.1.3).
type jwtClaims struct {
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Aud json.RawMessage `json:"aud"`
	Exp json.Number     `json:"exp"`
}

func (c jwtClaims) audiences() []string {
	var one string
	if err := json.Unmarshal(c.Aud, &one); err == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(c.Aud, &many); err == nil {
		return many
	}
	return nil
}

// errAssertion is any assertion that does not parse or verify.
var errAssertion = errors.New("invalid assertion")

// verifyJWT checks the compact JWS assertion's RS256 signature against key
// and returns its claims.
func verifyJWT(assertion string, key *rsa.PublicKey) (jwtClaims, error) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return jwtClaims{}, errAssertion
	}
	headerJSON, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return jwtClaims{}, errAssertion
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(headerJSON, &header); err != nil || header.Alg != "RS256" {
		// Salesforce signs and checks RS256 only (facts §11 JWT bearer row).
		return jwtClaims{}, errAssertion
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return jwtClaims{}, errAssertion
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig); err != nil {
		return jwtClaims{}, errAssertion
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return jwtClaims{}, errAssertion
	}
	var c jwtClaims
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return jwtClaims{}, errAssertion
	}
	return c, nil
}

// msThreshold separates exp values in seconds from values in milliseconds:
// 1e11 seconds is the year 5138, 1e11 milliseconds is 1973.
const msThreshold = 100_000_000_000

// jwtClockSkew is how far past exp an assertion is still accepted. The sf CLI
// sends exp = Date.now()+300 in MILLISECONDS (real-clients.md §3.5), i.e. only
// 0.3 s of validity; a slow test machine must not turn that into a failure,
// or sf falls back to login.salesforce.com. Salesforce's own allowance is
// UNCONFIRMED; 30 s is our choice.
const jwtClockSkew = 30 * time.Second

// expiry reads exp as seconds or, when it is too large to be seconds, as
// milliseconds (the sf CLI sends milliseconds; real-clients.md §3.5). ok is
// false when exp is missing or not a number.
func expiry(exp json.Number) (t time.Time, ok bool) {
	if exp == "" {
		return time.Time{}, false
	}
	n, err := exp.Int64()
	if err != nil {
		f, ferr := exp.Float64()
		if ferr != nil {
			return time.Time{}, false
		}
		n = int64(f)
	}
	if n >= msThreshold {
		return time.UnixMilli(n), true
	}
	return time.Unix(n, 0), true
}

// audienceOK accepts the audiences real clients send: the production and
// sandbox login hosts, and this org's own URL in its http and https forms,
// with or without a trailing slash (facts §11 JWT aud bullet; sf sends the
// instance URL with a trailing slash, and on a failure retries with the login
// hosts, real-clients.md §3.5).
func audienceOK(auds []string, host string) bool {
	allowed := map[string]bool{
		"https://login.salesforce.com": true,
		"https://test.salesforce.com":  true,
		"http://" + host:               true,
		"https://" + host:              true,
	}
	for _, a := range auds {
		if allowed[strings.TrimSuffix(a, "/")] {
			return true
		}
	}
	return false
}
