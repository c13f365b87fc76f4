package target

import (
	"context"
	"errors"
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

// connectLocal opens the embedded org, whose state is the store
// local-org.db in the data directory (local_store.go), once no other sfprov
// uses it (lock.go); Close lets the next one in.
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
	if err := migrateLegacy(ctx, dir, opts.Notice); err != nil {
		lock.release()
		return nil, err
	}
	em, err := emulator.New(emulator.Options{AccessToken: localToken, DBPath: filepath.Join(dir, localStoreName)})
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("open the local org in %s: %w", dir, err)
	}
	// The store closes before the lock goes, so that the next sfprov finds
	// it written and free.
	release := func() error { return errors.Join(em.Close(), lock.release()) }
	c := salesforce.New(salesforce.Config{
		InstanceURL: localInstance,
		APIVersion:  opts.APIVersion,
		Token:       oauth2.StaticTokenSource(&oauth2.Token{AccessToken: localToken, TokenType: "Bearer"}),
		Transport:   handlerTransport{em},
		Trace:       opts.Trace,
		Deadline:    opts.Deadline,
	})
	return &Org{Client: c, Name: Local, Source: "embedded", Embedded: true, close: release}, nil
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
