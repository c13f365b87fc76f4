package salesforce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
	"golang.org/x/oauth2/jwt"
)

// Credentials say how to get an access token. Exactly one way is used, in this
// order: an AccessToken as given; the JWT bearer flow (ClientID, Username,
// JWTKey); the client credentials flow (ClientID, ClientSecret). Every value
// comes from the environment or a file, never from a spec.
type Credentials struct {
	AccessToken  string
	ClientID     string
	ClientSecret string
	JWTKey       []byte // PEM private key of the connected app's certificate
	Username     string // the user the JWT flow signs in as
	// LoginURL is where the JWT flow asks for a token and its audience:
	// https://login.salesforce.com, https://test.salesforce.com or the My
	// Domain URL (salesforce-api-facts.md §11). "" = the instance URL.
	LoginURL string
}

// ErrNoCredentials means no way to authenticate was configured.
var ErrNoCredentials = errors.New("no credentials")

// Login turns credentials into a token source and the instance URL to call:
// Salesforce's token answer names the instance to use (instance_url), which
// wins over the one given (salesforce-api-facts.md §11). base carries the token
// requests (nil = http.DefaultTransport).
func Login(ctx context.Context, instanceURL string, cr Credentials, base http.RoundTripper) (oauth2.TokenSource, string, error) {
	instanceURL = strings.TrimRight(instanceURL, "/")
	if cr.AccessToken != "" {
		if instanceURL == "" {
			return nil, "", errors.New("an access token needs the org's instance URL")
		}
		return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: cr.AccessToken, TokenType: "Bearer"}), instanceURL, nil
	}
	if base == nil {
		base = http.DefaultTransport
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: base, Timeout: time.Minute})
	var ts oauth2.TokenSource
	var flow string
	switch {
	case cr.ClientID != "" && len(cr.JWTKey) > 0 && cr.Username != "":
		login := strings.TrimRight(cr.LoginURL, "/")
		if login == "" {
			login = instanceURL
		}
		if login == "" {
			return nil, "", errors.New("the JWT flow needs a login URL or the org's instance URL")
		}
		flow = "JWT bearer"
		cfg := &jwt.Config{Email: cr.ClientID, Subject: cr.Username, PrivateKey: cr.JWTKey,
			TokenURL: login + "/services/oauth2/token", Audience: login, Expires: 3 * time.Minute}
		ts = cfg.TokenSource(ctx)
	case cr.ClientID != "" && cr.ClientSecret != "":
		// The client credentials flow must go to the My Domain host
		// (salesforce-api-facts.md §11), i.e. the instance URL.
		if instanceURL == "" {
			return nil, "", errors.New("the client credentials flow needs the org's My Domain URL (--instance-url)")
		}
		flow = "client credentials"
		cfg := &clientcredentials.Config{ClientID: cr.ClientID, ClientSecret: cr.ClientSecret,
			TokenURL: instanceURL + "/services/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}
		ts = cfg.TokenSource(ctx)
	default:
		return nil, "", ErrNoCredentials
	}
	tok, err := ts.Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, "", fmt.Errorf("%s login: %w", flow, &APIError{Method: "POST", Path: "/services/oauth2/token", Status: re.Response.StatusCode,
				Errors: []ErrorItem{{Code: re.ErrorCode, Message: re.ErrorDescription}}})
		}
		return nil, "", fmt.Errorf("%s login: %w", flow, err)
	}
	if u, _ := tok.Extra("instance_url").(string); u != "" {
		instanceURL = strings.TrimRight(u, "/")
	}
	return oauth2.ReuseTokenSource(tok, ts), instanceURL, nil
}
