package salesforce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
)

// tokens is a client's access token: from its source at first, then from
// renew each time the org refuses the one in use. Salesforce's token answers
// carry no expiry (salesforce-api-facts.md §11 token response), so a session
// is known to be over only when a request answers 401.
type tokens struct {
	src     oauth2.TokenSource
	renew   func(ctx context.Context) (*oauth2.Token, error)
	onRenew func(*oauth2.Token)

	mu  sync.Mutex
	cur *oauth2.Token
}

// token is the access token to send now. Failing to get one is an
// authentication failure: no request can succeed without a token, and
// callers tell such failures apart with errors.Is(err, ErrAuth) alone.
func (t *tokens) token() (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur != nil {
		return t.cur, nil
	}
	tok, err := t.src.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: get an access token: %w", ErrAuth, err)
	}
	t.cur = tok
	return tok, nil
}

// replace renews the token that the org refused, once however many requests
// saw it refused at the same time: a request that finds another token in
// place already uses that one.
func (t *tokens) replace(ctx context.Context, refused *oauth2.Token) (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur != nil && t.cur.AccessToken != refused.AccessToken {
		return t.cur, nil
	}
	tok, err := t.renew(ctx)
	if err != nil {
		return nil, err
	}
	t.cur = tok
	if t.onRenew != nil {
		t.onRenew(tok)
	}
	return tok, nil
}

// ErrRenew marks a refused session that could not be renewed: the refresh
// token or the app's credentials were refused too. It is also ErrAuth.
type ErrRenew struct {
	Refused error // the 401 that ended the session
	Cause   error // why no new token could be had
}

func (e *ErrRenew) Error() string {
	what := "HTTP 401"
	var ae *APIError
	if errors.As(e.Refused, &ae) && len(ae.Errors) > 0 {
		what = ae.Errors[0].String()
	}
	return fmt.Sprintf("the org ended the session (%s) and renewing it failed: %v", what, e.Cause)
}

func (e *ErrRenew) Unwrap() []error { return []error{e.Cause, ErrAuth} }

// authTransport sends each request with the current access token; on 401 it
// renews the token (when it can) and sends the request once more.
type authTransport struct {
	t    *tokens
	base http.RoundTripper
	ctx  context.Context
}

func (a *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := a.t.token()
	if err != nil {
		return nil, err
	}
	resp, err := a.base.RoundTrip(withToken(req, tok))
	var ae *APIError
	if err == nil || a.t.renew == nil || !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized {
		return resp, err
	}
	if req.Body != nil && req.GetBody == nil {
		return nil, err // the body is gone: it cannot be sent again
	}
	next, rerr := a.t.replace(a.ctx, tok)
	if rerr != nil {
		return nil, &ErrRenew{Refused: err, Cause: rerr}
	}
	retry := req.Clone(req.Context())
	if req.GetBody != nil {
		body, gerr := req.GetBody()
		if gerr != nil {
			return nil, err
		}
		retry.Body = body
	}
	return a.base.RoundTrip(withToken(retry, next))
}

// withToken is a copy of req that carries tok (a RoundTripper must not
// change the request it was given).
func withToken(req *http.Request, tok *oauth2.Token) *http.Request {
	r := req.Clone(req.Context())
	if req.Body != nil {
		r.Body = req.Body
	}
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return r
}
