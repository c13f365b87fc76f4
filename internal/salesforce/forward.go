package salesforce

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Forward sends one request as a recording proxy received it (the contract
// suite's recorder, `sfprov emulator record`) to the client's org, with the
// client's token (renewed once on 401, as every request), and returns the
// org's answer as it came, whatever its status: the proxy's caller, not this
// client, judges answers and retries. Forward is the only way such a proxy
// reaches an org, so that this package stays the one that talks HTTP to orgs.
//
// pathQuery is the path with its query string. header is the caller's; its
// Authorization, cookies and hop-by-hop fields are not sent, and neither is
// Accept-Encoding, so that the answer arrives decoded. session is the token
// the proxy's caller used: where the body carries it (a SOAP SessionHeader,
// which has the session in the envelope, not the header), the org's token
// replaces it.
func (c *Client) Forward(ctx context.Context, method, pathQuery string, header http.Header, body []byte, session string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.instanceURL+pathQuery, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("forward %s %s: %w", method, pathOnly(pathQuery), err)
	}
	for k, vs := range header {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "Cookie", "Host", "Content-Length", "Accept-Encoding", "Connection", "Keep-Alive", "Te", "Trailer", "Transfer-Encoding", "Upgrade", "Proxy-Authorization":
			continue
		}
		req.Header[k] = append([]string(nil), vs...)
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	var rt http.RoundTripper = &rawTransport{base: c.base, c: c, session: session}
	if c.auth != nil {
		rt = &authTransport{t: c.auth, base: rt, ctx: ctx}
	}
	resp, err := rt.RoundTrip(req)
	var refused *rawRefusal
	if errors.As(err, &refused) {
		// Not renewed (no way to, or the new token was refused too): the
		// caller sees the org's own 401.
		return refused.response(req), nil
	}
	if err != nil {
		return nil, requestError(method, pathQuery, err)
	}
	return resp, nil
}

// rawTransport is the bottom of Forward's chain: it counts the call, notes
// the org's API usage, puts the token into a SOAP body, and hands a 401 up
// as the *APIError on which authTransport renews, keeping the answer whole.
type rawTransport struct {
	base    http.RoundTripper
	c       *Client
	session string
}

func (t *rawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.c.calls.Add(1)
	if tok := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "); t.session != "" && tok != "" && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = bytes.ReplaceAll(body, []byte(t.session), []byte(xmlText(tok)))
		r := req.Clone(req.Context())
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		req = r
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if used, limit, ok := limitUsage(resp.Header); ok {
		t.c.apiUsed.Store(int64(used))
		t.c.apiLimit.Store(int64(limit))
	}
	if resp.StatusCode != http.StatusUnauthorized {
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	return nil, &rawRefusal{APIError: newAPIError(req.Method, req.URL.Path, resp.StatusCode, body), header: resp.Header, body: body}
}

// rawRefusal is a 401 as an *APIError (errors.As finds it), with the answer
// kept for Forward to return.
type rawRefusal struct {
	*APIError
	header http.Header
	body   []byte
}

func (r *rawRefusal) Unwrap() error { return r.APIError }

func (r *rawRefusal) response(req *http.Request) *http.Response {
	return &http.Response{
		Status: "401 Unauthorized", StatusCode: http.StatusUnauthorized, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: r.header, Body: io.NopCloser(bytes.NewReader(r.body)), ContentLength: int64(len(r.body)), Request: req,
	}
}
