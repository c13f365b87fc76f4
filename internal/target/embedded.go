package target

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/emulator"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// localToken is the access token of the embedded org. It is not a secret: the
// org lives in the user's own data directory and answers only in process.
const localToken = "00D000000000001AAA!sfprov.local"

// localInstance is the embedded org's instance URL; requests never leave the process.
const localInstance = "https://local.emulator.sfprov"

// connectLocal opens the embedded org, whose state is local-org.json in the
// data directory, once no other sfprov uses it (lock.go); Close lets the
// next one in.
func connectLocal(ctx context.Context, opts Options) (*Org, error) {
	dir, err := DataDir(opts.Getenv)
	if err != nil {
		return nil, err
	}
	wait, err := lockWait(opts.Getenv)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the local org's directory: %w", err)
	}
	lock, err := lockLocal(ctx, dir, wait, opts.Notice)
	if err != nil {
		return nil, err
	}
	em, err := emulator.New(emulator.Options{AccessToken: localToken, StatePath: filepath.Join(dir, "local-org.json")})
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("open the local org in %s: %w", dir, err)
	}
	c := salesforce.New(salesforce.Config{
		InstanceURL: localInstance,
		APIVersion:  opts.APIVersion,
		Token:       oauth2.StaticTokenSource(&oauth2.Token{AccessToken: localToken, TokenType: "Bearer"}),
		Transport:   handlerTransport{em},
		Trace:       opts.Trace,
		Deadline:    opts.Deadline,
	})
	return &Org{Client: c, Name: Local, Source: "embedded", Embedded: true, close: lock.release}, nil
}

// handlerTransport serves requests with the embedded org in process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}
