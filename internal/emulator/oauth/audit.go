package oauth

import (
	"net"
	"net/http"
)

// Audit is optionally implemented by a Directory that keeps the org's
// LoginHistory and OauthToken records: the token endpoint tells it of every
// login attempt by a known user and of every refresh token issued, used and
// revoked, and asks it for the token an OauthToken's DeleteToken stands for.
// Its methods are called without the server's lock held.
type Audit interface {
	// LoggedIn records one login attempt.
	LoggedIn(e LoginEvent)
	// RefreshIssued: a refresh token (kept under key, RefreshKey) was
	// issued to the connected app for t's user.
	RefreshIssued(key string, t RefreshToken)
	// RefreshUsed: a refresh_token grant used the token kept under key.
	RefreshUsed(key string)
	// RefreshRevoked: the token kept under key was revoked.
	RefreshRevoked(key string)
	// RevokeDeleteToken ends the OauthToken whose DeleteToken is token and
	// returns the key of the refresh token it stands for ("" when the org
	// keeps none for it), ok=false when no OauthToken has that DeleteToken.
	RevokeDeleteToken(token string) (key string, ok bool)
}

// LoginEvent is one login attempt at the token endpoint.
type LoginEvent struct {
	UserID   string
	Status   string // LoginHistory.Status: "Success", "Invalid Password", ...
	Grant    string // the grant_type
	SourceIP string
	LoginURL string // the host the client logged in at
}

// LoginHistory Status values. No Salesforce page lists them; these are the
// values admins report seeing (salesforce.stackexchange.com q/146422, a
// community wiki: "Success", "Invalid Password", "User is Inactive",
// "Password Lockout", "Failed: API security token required", ...). Which one
// Salesforce writes for a JWT or refresh failure is UNCONFIRMED. A login
// with an unknown username leaves no row ("If the username entered by the
// user is incorrect, then the issue will not come under the login history",
// a Salesforce admin handbook quoted on m.iread.qq.com/read/1036704650/39),
// so events are only raised for a known user.
const (
	StatusSuccess         = "Success"
	StatusInvalidPassword = "Invalid Password"
	StatusInactive        = "User is Inactive"
	// StatusNotApproved is the emulator's own wording for a JWT login of a
	// user the app does not admit (UNCONFIRMED).
	StatusNotApproved = "Failed: User is not admin approved to access this app"
	// StatusRefreshFailed is the emulator's own wording (UNCONFIRMED).
	StatusRefreshFailed = "Failed: Refresh token could not be used"
)

func (s *Server) audit() Audit {
	a, _ := s.dir.(Audit)
	return a
}

// logLogin raises a LoginEvent for a known user.
func (s *Server) logLogin(r *http.Request, userID, status string) {
	a := s.audit()
	if a == nil || userID == "" {
		return
	}
	ip := r.RemoteAddr
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	grant := ""
	if r.PostForm != nil {
		grant = r.PostForm.Get("grant_type")
	}
	a.LoggedIn(LoginEvent{UserID: userID, Status: status, Grant: grant, SourceIP: ip, LoginURL: r.Host})
}
