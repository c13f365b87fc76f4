package state

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// round gathers independent reads and sends them as /composite calls, so that
// reading the org costs one API call per 25 reads instead of one per read.
type round struct {
	c    *salesforce.Client
	ctx  context.Context // set by run, for the follow-up pages of large queries
	reqs []salesforce.SubRequest
	done []func(salesforce.SubResponse) error
}

func newRound(c *salesforce.Client) *round { return &round{c: c} }

func (r *round) add(what, path string, fn func(salesforce.SubResponse) error) {
	r.reqs = append(r.reqs, salesforce.SubRequest{Method: "GET", URL: path, ReferenceID: fmt.Sprintf("r%d", len(r.reqs))})
	r.done = append(r.done, func(resp salesforce.SubResponse) error {
		if err := fn(resp); err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
		return nil
	})
}

func (r *round) get(what, path string, fn func([]byte) error) {
	r.add(what, path, func(resp salesforce.SubResponse) error {
		if err := resp.Err("GET", path); err != nil {
			return err
		}
		return fn(resp.Body)
	})
}

// getOptional treats 404 as "not found" rather than an error.
func (r *round) getOptional(what, path string, fn func([]byte, bool) error) {
	r.add(what, path, func(resp salesforce.SubResponse) error {
		if resp.HTTPStatusCode == 404 {
			return fn(nil, false)
		}
		if err := resp.Err("GET", path); err != nil {
			return err
		}
		return fn(resp.Body, true)
	})
}

func (r *round) query(what, soql string, fn func([]salesforce.Record)) {
	r.queryOr(what, soql, fn, func(err error) error { return err })
}

// queryOr is query with a say in what a refused query means: onErr returns
// the error that fails the whole read, or nil to go on without the records.
func (r *round) queryOr(what, soql string, fn func([]salesforce.Record), onErr func(error) error) {
	path := r.c.DataPath("query") + "?q=" + url.QueryEscape(soql)
	r.add(what, path, func(resp salesforce.SubResponse) error {
		if err := resp.Err("GET", path); err != nil {
			return onErr(err)
		}
		recs, done, next, err := salesforce.QueryResponse(resp.Body)
		if err != nil {
			return err
		}
		if !done && next != "" {
			// Large answers page; the rest is fetched outside the composite.
			if recs, err = r.c.FollowQuery(r.ctx, recs, next); err != nil {
				return err
			}
		}
		fn(recs)
		return nil
	})
}

func (r *round) run(ctx context.Context) error {
	if len(r.reqs) == 0 {
		return nil
	}
	r.ctx = ctx
	resps, err := r.c.CompositeReads(ctx, r.reqs)
	if err != nil {
		return fmt.Errorf("batched read of %d queries and describes: %w", len(r.reqs), err)
	}
	for i, resp := range resps {
		if err := r.done[i](resp); err != nil {
			return err
		}
	}
	return nil
}

func decode(b []byte, v any) error { return json.Unmarshal(b, v) }

// selQuery is a query whose failure belongs to one selection (a `where:` the
// org refuses) rather than to the whole read.
func (r *round) selQuery(sel *Selection, soql string, fn func([]salesforce.Record)) {
	r.queryOr("assignment selector", soql, fn, func(err error) error {
		if sel.Err == nil {
			sel.Err = err
		}
		return nil
	})
}
