package salesforce_test

import (
	"context"
	"errors"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// failingSource is a token source that cannot produce a token, like an
// expired refresh token.
type failingSource struct{}

func (failingSource) Token() (*oauth2.Token, error) {
	return nil, &oauth2.RetrieveError{ErrorCode: "invalid_grant", ErrorDescription: "expired access/refresh token"}
}

// TestNoUsableToken: when the token source fails, no request is sent and the
// error is ErrAuth ("no usable token", as ErrAuth's doc says), keeping the cause.
func TestNoUsableToken(t *testing.T) {
	url, last := fixedAnswer(t, 200, "application/json", `{}`)
	c := salesforce.New(salesforce.Config{InstanceURL: url, Token: failingSource{}})
	err := c.Do(context.Background(), "GET", "/services/oauth2/userinfo", nil, nil)
	if !errors.Is(err, salesforce.ErrAuth) {
		t.Errorf("errors.Is(%v, ErrAuth) = false", err)
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("error %v does not keep the token source's cause", err)
	}
	if *last != "" || c.Calls() != 0 {
		t.Errorf("a request was sent without a token: %q, Calls() = %d", *last, c.Calls())
	}
}
