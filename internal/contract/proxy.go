package contract

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// Proxy is a recording proxy: it serves an org's API on this machine,
// forwarding each request to the org with the client's session, and keeps
// every exchange, scrubbed. Everything a contract run sends goes through it
// when the run records, sfprov's own processes included (they take the
// proxy's URL as an instance URL and its Session as SF_ACCESS_TOKEN), so one
// recording holds the whole run.
type Proxy struct {
	client *salesforce.Client
	// Session is the token callers must send: the proxy holds the org's
	// session, so that it must not serve any other process on the machine.
	Session string
	scrub   *Scrubber

	mu  sync.Mutex
	rec Recording
}

// NewProxy returns a proxy to the client's org that records with scrub. org
// describes the org for the recording (see Recording.Org).
func NewProxy(client *salesforce.Client, scrub *Scrubber, org string) (*Proxy, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("make the proxy's session: %w", err)
	}
	p := &Proxy{client: client, Session: "00Dproxy!" + hex.EncodeToString(b), scrub: scrub,
		rec: Recording{FormatVersion: FormatVersion, Org: org}}
	scrub.Secret(p.Session)
	return p, nil
}

// recordedHeaders are the request headers kept: they change the answer.
var recordedHeaders = []string{"Content-Type", "Accept", "Sforce-Query-Options", "SOAPAction", "Sforce-Call-Options"}

// copiedHeaders are the answer's headers passed back to the caller.
var copiedHeaders = []string{"Content-Type", "Sforce-Limit-Info", "Retry-After", "Location"}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	// The version list is the one resource served without a session.
	if r.URL.Path != "/services/data" && r.URL.Path != "/services/data/" &&
		r.Header.Get("Authorization") != "Bearer "+p.Session && !bytes.Contains(body, []byte(p.Session)) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `[{"message":"Session expired or invalid (the recording proxy's session is another)","errorCode":"INVALID_SESSION_ID"}]`)
		return
	}
	resp, err := p.client.Forward(r.Context(), r.Method, r.URL.RequestURI(), r.Header, body, p.Session)
	if err != nil {
		http.Error(w, "recording proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, "recording proxy: read the answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.keep(r, body, resp, answer)
	for _, h := range copiedHeaders {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

// keep records one exchange, scrubbed, in arrival order.
func (p *Proxy) keep(r *http.Request, body []byte, resp *http.Response, answer []byte) {
	e := Exchange{Method: r.Method, Path: string(p.scrub.Scrub([]byte(r.URL.Path))),
		Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
	if q := r.URL.Query(); len(q) > 0 {
		for k, vs := range q {
			for i := range vs {
				vs[i] = string(p.scrub.Scrub([]byte(vs[i])))
			}
			q[k] = vs
		}
		e.Query = q.Encode()
	}
	for _, h := range recordedHeaders {
		if v := r.Header.Get(h); v != "" {
			if e.Header == nil {
				e.Header = map[string]string{}
			}
			e.Header[h] = v
		}
	}
	if len(body) > 0 {
		scrubbed := body
		if utf8Text(body) {
			scrubbed = p.scrub.Scrub(body)
		}
		e.setRequestBody(scrubbed)
	}
	if len(answer) > 0 {
		e.Body = p.scrub.Scrub(answer)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e.Seq = len(p.rec.Exchanges) + 1
	p.rec.Exchanges = append(p.rec.Exchanges, e)
}

func utf8Text(b []byte) bool {
	var e Exchange
	e.setRequestBody(b)
	return e.RequestBody != ""
}

// Recording is a copy of what the proxy has recorded so far.
func (p *Proxy) Recording() *Recording {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.rec
	r.Exchanges = append([]Exchange(nil), p.rec.Exchanges...)
	return &r
}

// ScrubOrg tells scrub the values of the org behind instanceURL that a
// recording must not show: its host (and My Domain name), the running
// user's username, e-mail and name, and the org's name.
func ScrubOrg(scrub *Scrubber, instanceURL, username, email, userName, orgName string) {
	if u, err := url.Parse(instanceURL); err == nil && u.Host != "" {
		scrub.Literal(u.Scheme+"://"+u.Host, "https://example.my.salesforce.com")
		scrub.Literal(u.Host, "example.my.salesforce.com")
		if label, _, ok := strings.Cut(u.Hostname(), "."); ok && !isDigits(label) {
			scrub.Literal(label+".", "example.")
			scrub.Literal(label+"--", "example--")
		}
	}
	scrub.Literal(username, "admin@example.com")
	scrub.Literal(email, "admin@example.com")
	scrub.String(userName, "Example Admin")
	scrub.String(orgName, "Example Org")
}
