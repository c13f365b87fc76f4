package target

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"time"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// DefaultCallbackPort is the web login's loopback port. The callback URL
// http://localhost:1717/OauthRedirect is the one the sf CLI uses, so an app
// an admin made for sf works for sfprov too; Salesforce requires the app's
// callback URL to match exactly (docs/auth.md).
const DefaultCallbackPort = 1717

// webLoginTimeout is how long the browser has to come back.
const webLoginTimeout = 5 * time.Minute

// CallbackURL is the redirect URI of a web login on port.
func CallbackURL(port int) string { return fmt.Sprintf("http://localhost:%d/OauthRedirect", port) }

// webLogin runs the authorization code flow with PKCE: it listens on the
// loopback callback, sends the browser to the authorize URL, and exchanges
// the code the browser brings back.
func webLogin(ctx context.Context, opts Options, req LoginRequest, loginURL string) (*salesforce.Session, error) {
	if req.ClientID == "" {
		return nil, &UsageError{Msg: "--web needs --client-id: the consumer key of an External Client App or connected app with the callback URL " +
			CallbackURL(portOr(req.CallbackPort)) + " (docs/auth.md)"}
	}
	port := portOr(req.CallbackPort)
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, &UsageError{Msg: fmt.Sprintf("listen for the login callback on port %d: %v (another login running? choose another with --callback-port, and add its callback URL to the app)", port, err)}
	}
	flow := salesforce.NewWebFlow(loginURL, req.ClientID, req.ClientSecret, CallbackURL(port))
	type result struct {
		code string
		err  error
	}
	done := make(chan result, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/OauthRedirect", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res result
		switch {
		case q.Get("state") != flow.State:
			// Not the answer to this login (or forged): ignore it.
			http.Error(w, "This is not the login sfprov started.", http.StatusBadRequest)
			return
		case q.Get("error") != "":
			res.err = &salesforce.TokenError{Flow: "web login", Status: http.StatusBadRequest, Code: q.Get("error"), Description: q.Get("error_description")}
		case q.Get("code") == "":
			res.err = errors.New("web login: the callback carried no code")
		default:
			res.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		msg := "sfprov is logged in. You can close this window."
		if res.err != nil {
			msg = "sfprov could not log in: " + res.err.Error()
		}
		fmt.Fprintf(w, "<!doctype html><title>sfprov</title><p>%s</p>\n", html.EscapeString(msg))
		select {
		case done <- res:
		default:
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	open := req.OpenBrowser
	if open == nil {
		open = OpenBrowser
	}
	if err := open(flow.AuthURL()); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, webLoginTimeout)
	defer cancel()
	select {
	case <-ctx.Done():
		return nil, fmt.Errorf("web login: no answer from the browser: %w", ctx.Err())
	case res := <-done:
		if res.err != nil {
			return nil, res.err
		}
		return flow.Exchange(ctx, res.code, opts.Transport)
	}
}

func portOr(p int) int {
	if p == 0 {
		return DefaultCallbackPort
	}
	return p
}

// OpenBrowser asks the desktop to open u; its failure is not an error, since
// the caller prints the URL as well.
func OpenBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err == nil {
		go func() { _ = cmd.Wait() }()
	}
	return nil
}
