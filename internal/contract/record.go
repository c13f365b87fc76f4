package contract

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/target"
)

// OrgProxy makes the recording proxy for a connected org, telling its
// scrubber what of the org a recording must not show (the running user's
// username, e-mail and name, the org's name and host).
func OrgProxy(ctx context.Context, org *target.Org) (*Proxy, error) {
	id, err := org.Client.Identify(ctx)
	if err != nil {
		return nil, fmt.Errorf("identify %s: %w", org.Name, err)
	}
	users, err := org.Client.Query(ctx, "SELECT Name, Email FROM User WHERE Id = '"+id.UserID+"'")
	if err != nil {
		return nil, fmt.Errorf("read the running user of %s: %w", org.Name, err)
	}
	var name, email string
	if len(users) == 1 {
		name, email = users[0].String("Name"), users[0].String("Email")
	}
	scrub := NewScrubber()
	ScrubOrg(scrub, org.InstanceURL, id.Username, email, name, id.OrgName)
	return NewProxy(org.Client, scrub, describeOrg(org, id))
}

// describeOrg is Recording.Org: "emulator", or the org's type and whether
// it is a sandbox, which says what a recording is evidence of.
func describeOrg(org *target.Org, id *salesforce.Identity) string {
	if org.Kind(id.IsSandbox) == target.KindEmulator || org.Embedded {
		return "emulator"
	}
	if id.IsSandbox {
		return id.OrgType + " sandbox"
	}
	return id.OrgType
}

// Record serves the proxy on addr until ctx ends, then writes what it
// recorded into dir. ready is told the proxy's URL once it listens.
func Record(ctx context.Context, p *Proxy, addr, dir string, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("record: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: p}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	ready("http://" + ln.Addr().String())
	select {
	case <-ctx.Done():
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("record: serve: %w", err)
		}
	}
	srv.Close()
	rec := p.Recording()
	if err := rec.Write(dir); err != nil {
		return err
	}
	return nil
}
