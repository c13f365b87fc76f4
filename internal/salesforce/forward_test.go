package salesforce

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// Forward returns the org's answer whatever its status, renews a refused
// session once, and puts the org's token where the caller's was in a body.
func TestForward(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = append(seen, r.Header.Get("Authorization")+" "+string(b)+" "+r.Header.Get("Accept-Encoding"))
		if r.Header.Get("Authorization") == "Bearer old" {
			w.WriteHeader(401)
			io.WriteString(w, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `[{"message":"m","errorCode":"DUPLICATE_VALUE"}]`)
	}))
	defer srv.Close()
	c := New(Config{InstanceURL: srv.URL, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "old"}),
		Renew: func(context.Context) (*oauth2.Token, error) { return &oauth2.Token{AccessToken: "new"}, nil }})
	h := http.Header{"Authorization": {"Bearer proxy"}, "Accept-Encoding": {"gzip"}, "Content-Type": {"text/xml"}}
	resp, err := c.Forward(context.Background(), "POST", "/services/Soap/m/62.0", h, []byte("<sessionId>proxy</sessionId>"), "proxy")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "DUPLICATE_VALUE") {
		t.Errorf("answer %d %s, want the org's 400", resp.StatusCode, b)
	}
	want := []string{"Bearer old <sessionId>old</sessionId> gzip", "Bearer new <sessionId>new</sessionId> gzip"}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("the org saw\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
	if c.Calls() != 2 {
		t.Errorf("%d calls counted, want 2", c.Calls())
	}

	// Without a way to renew, the caller gets the org's own 401.
	c = New(Config{InstanceURL: srv.URL, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "old"})})
	resp, err = c.Forward(context.Background(), "GET", "/services/data/v62.0/limits", nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 401 || !strings.Contains(string(b), "INVALID_SESSION_ID") {
		t.Errorf("answer %d %s, want the org's 401", resp.StatusCode, b)
	}
}
