package oauth

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// RefreshToken is a refresh token the web server flow issued, as the
// emulator persists it: who it acts for and what it grants, never the token
// itself (see RefreshKey).
type RefreshToken struct {
	UserID   string    `json:"userId"`
	OrgID    string    `json:"orgId,omitempty"`
	Username string    `json:"username,omitempty"`
	ClientID string    `json:"clientId,omitempty"`
	Scope    string    `json:"scope,omitempty"`
	IssuedAt time.Time `json:"issuedAt"`
}

func (t RefreshToken) user() User {
	return User{ID: t.UserID, OrgID: t.OrgID, Username: t.Username}
}

// RefreshKey is the key a refresh token is kept under: the hex SHA-256 of the
// token. A state file then holds no token a reader could use, the way the
// file holds no access token either.
func RefreshKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newRefreshToken returns a token shaped like Salesforce's refresh tokens:
// "5Aep861" and opaque characters, as in recorded web server flow responses
// found by code search ("refresh_token":"5Aep861QT4b0TO85TMT89gj2tm2W…",
// "5Aep861z80Xevi74eWEi7DVt9fvzKs9C8G_8Uyt…", "5Aep861_OKMvio5gy8xCNsXx…").
func newRefreshToken() (string, error) {
	r, err := randomString(80)
	if err != nil {
		return "", err
	}
	return "5Aep861" + r, nil
}

// refreshUser resolves a refresh token: the configured static one or one
// the web server flow issued. It returns the user, the token's family (for
// the access tokens obtained with it) and the scope it grants.
func (s *Server) refreshUser(token string) (u User, family, scope string, ok bool) {
	if token == "" {
		return User{}, "", "", false
	}
	if s.cfg.StaticRefreshToken != "" && constantTimeEqual(token, s.cfg.StaticRefreshToken) {
		s.mu.Lock()
		revoked := s.refreshRevoked
		s.mu.Unlock()
		return s.cfg.StaticUser(), staticFamily, s.appScope(), !revoked
	}
	key := RefreshKey(token)
	s.mu.Lock()
	t, found := s.refresh[key]
	s.mu.Unlock()
	if !found {
		return User{}, "", "", false
	}
	u = t.user()
	if u.OrgID == "" {
		u.OrgID = s.cfg.OrgID
	}
	return u, key, t.Scope, true
}

// revokeFamilyLocked ends every access token of a refresh-token family.
// The caller holds s.mu.
func (s *Server) revokeFamilyLocked(family string) {
	for k, t := range s.access {
		if t.family == family {
			delete(s.access, k)
		}
	}
}

// saveRefresh hands a copy of the issued refresh tokens to
// Config.SaveRefreshTokens. The caller must not hold s.mu: the emulator's
// save takes the org's lock, and the org's directory is called under it.
func (s *Server) saveRefresh() {
	if s.cfg.SaveRefreshTokens == nil {
		return
	}
	s.mu.Lock()
	cp := make(map[string]RefreshToken, len(s.refresh))
	for k, t := range s.refresh {
		cp[k] = t
	}
	s.mu.Unlock()
	s.cfg.SaveRefreshTokens(cp)
}
