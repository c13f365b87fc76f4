package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"

	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// The chain: a plan's sObject writes, wave after wave, in as few /composite
// calls as the org's limits allow. A record that a later step names (a
// profile, a permission set, a user) is created as an sObject Rows
// subrequest, and the later step refers to its result, "@{r3.id}", in the
// same call; a new profile's own permission set, which holds its object and
// field access, is found by a query subrequest right after the profile,
// "WHERE ProfileId = '@{r0.id}'", and named as "@{r1.records[0].Id}" (REST
// API guide, resources_composite_composite_post.htm: "You can then refer to
// the ID in the url or body fields of later subrequests"; the query resource
// and "all sObject resources", the user password among them, are supported
// in composite; a reference goes "in either the body or URL of a
// subrequest", resources_composite_graph_composite_subrequest.htm). With
// allOrNone false, "the remaining subrequests that don't depend on the
// failed subrequest are executed. Dependent subrequests aren't executed"
// (requests_composite.htm; PROCESSING_HALTED, salesforce-api-facts.md §10):
// their steps are reported not run, and the next run does them. A
// reference names an sObject Rows answer ({"id", "success", "errors"},
// resources_composite_subrequest_result.htm), never a Collections one: the
// Ids of a Collections chunk are for the next call. A call takes 25
// subrequests, at most 5 of them queries or sObject Collections
// (salesforce.CompositeLimit): batches of many records go as Collections
// chunks of 200, and what needs their Ids goes in the next call.

type subKind int

const (
	subRows     subKind = iota // one record: POST, PATCH or DELETE /sobjects/T[/id]
	subColl                    // a Collections chunk of one batch
	subPassword                // POST or DELETE /sobjects/User/{id}/password
	subOwned                   // the query for a new profile's own permission set
)

type sub struct {
	kind  subKind
	req   salesforce.SubRequest
	steps []*plan.Step
	owned plan.Key // subOwned: the key of the set it finds
}

// call is one /composite call being filled.
type call struct {
	subs  []*sub
	heavy int
	// refs: keys created (or found) by a subrequest of this call, as the
	// reference later subrequests use; inColl: keys created by Collections
	// records, whose Ids only the next call can use.
	refs   map[plan.Key]string
	inColl map[plan.Key]bool
}

func (c *call) add(s *sub) string {
	ref := fmt.Sprintf("r%d", len(c.subs))
	s.req.ReferenceID = ref
	c.subs = append(c.subs, s)
	if salesforce.CountsAsQuery(s.req.URL) {
		c.heavy++
	}
	return ref
}

func (c *call) room() int { return salesforce.CompositeLimit - len(c.subs) }

func (c *call) heavyRoom() int { return salesforce.CompositeQueryLimit - c.heavy }

// producers maps every key a step of the plan creates to that step, and the
// own permission set of every profile the plan creates to the profile step.
func (e *executor) producers() {
	e.producer = map[plan.Key]*plan.Step{}
	e.owner = map[plan.Key]*plan.Step{}
	e.referenced = map[plan.Key]bool{}
	for _, s := range e.order {
		if s.Action == plan.Create && !s.Key.IsZero() {
			e.producer[s.Key] = s
			if s.Type == plan.TypeProfile {
				e.owner[s.Key.OwnedPermSet()] = s
			}
		}
		for _, k := range s.Refs {
			e.referenced[k] = true
		}
		if s.Password != nil {
			e.referenced[s.Password.User] = true
		}
	}
}

// chain writes steps (ranked sObject records and passwords) in order.
func (e *executor) chain(ctx context.Context, steps []*plan.Step) {
	batches := batched(steps)
	c := newCall()
	for i := 0; i < len(batches); {
		rest, flush := e.fill(c, batches[i])
		if !flush {
			i++
			continue
		}
		if len(c.subs) == 0 {
			// Cannot happen (an empty call takes any batch's first part);
			// never loop on it.
			for _, s := range rest {
				e.finish(s, errors.New("apply could not fit this step into a composite call"))
			}
			i++
			continue
		}
		e.send(ctx, c)
		c = newCall()
		batches[i] = rest
	}
	if len(c.subs) > 0 {
		e.send(ctx, c)
	}
}

func newCall() *call { return &call{refs: map[plan.Key]string{}, inColl: map[plan.Key]bool{}} }

// batched groups consecutive steps of one kind, action and sObject; a
// password is a batch of its own.
func batched(steps []*plan.Step) [][]*plan.Step {
	var out [][]*plan.Step
	for _, s := range steps {
		if n := len(out); n > 0 && s.Password == nil {
			last := out[n-1][0]
			if last.Password == nil && last.Type == s.Type && last.Action == s.Action && last.SObject == s.SObject && last.CloneOf.IsZero() == s.CloneOf.IsZero() {
				out[n-1] = append(out[n-1], s)
				continue
			}
		}
		out = append(out, []*plan.Step{s})
	}
	return out
}

type depState int

const (
	depReady depState = iota
	depEnded          // the step has an outcome now (not run, or failed)
	depWait           // needs an Id this call creates in a Collections chunk
)

// resolve finds the value of each field a step takes from another record:
// an Id known now, or a reference into this call. A step whose dependency
// failed or was not run is not run; one whose dependency nothing creates
// fails, as the org would refuse it.
func (e *executor) resolve(c *call, s *plan.Step) (map[string]string, depState) {
	deps := map[string]plan.Key{}
	maps.Copy(deps, s.Refs)
	if s.Password != nil {
		deps[""] = s.Password.User
	}
	vals := map[string]string{}
	for _, f := range slices.Sorted(maps.Keys(deps)) {
		k := deps[f]
		if id := e.id(k); id != "" {
			vals[f] = id
			continue
		}
		if r, ok := c.refs[k]; ok {
			vals[f] = r
			continue
		}
		if c.inColl[k] {
			return nil, depWait
		}
		if p := e.owner[k]; p != nil {
			if ended, _ := e.settled(p); ended && e.id(p.Key) == "" {
				e.skip(s)
				return nil, depEnded
			}
			pid := e.id(p.Key)
			if pid == "" {
				pid = c.refs[p.Key]
			}
			if pid == "" || c.heavyRoom() == 0 || c.room() == 0 {
				return nil, depWait
			}
			// Object and field access of a profile live in the permission
			// set it owns (salesforce-api-facts.md §2).
			q := url.QueryEscape("SELECT Id, ProfileId FROM PermissionSet WHERE IsOwnedByProfile = true AND ProfileId = '") + pid + url.QueryEscape("'")
			ref := c.add(&sub{kind: subOwned, owned: k, req: salesforce.SubRequest{Method: "GET", URL: e.c.DataPath("query") + "?q=" + q}})
			c.refs[k] = "@{" + ref + ".records[0].Id}"
			vals[f] = c.refs[k]
			continue
		}
		if p := e.producer[k]; p != nil {
			if ended, _ := e.settled(p); ended {
				e.skip(s)
				return nil, depEnded
			}
			if c.inColl[k] || len(c.subs) > 0 {
				return nil, depWait
			}
		}
		e.finish(s, fmt.Errorf("needs %s, which does not exist (an earlier step did not create it)", k))
		return nil, depEnded
	}
	return vals, depReady
}

// fill adds what it can of a batch to the call; it returns the part left
// and whether the call must be sent before that part can go.
func (e *executor) fill(c *call, batch []*plan.Step) (rest []*plan.Step, flush bool) {
	var ready []*plan.Step
	vals := map[*plan.Step]map[string]string{}
	for _, s := range batch {
		if ended, _ := e.settled(s); ended {
			continue
		}
		v, st := e.resolve(c, s)
		switch st {
		case depWait:
			if len(c.subs) > 0 {
				return batch, true
			}
			e.finish(s, fmt.Errorf("apply could not order this step after what it needs"))
		case depReady:
			ready = append(ready, s)
			vals[s] = v
		}
	}
	if len(ready) == 0 {
		return nil, false
	}
	if ready[0].Password != nil {
		s := ready[0]
		if c.room() == 0 {
			return ready, true
		}
		if r, ok := e.passwordSub(s, vals[s][""]); ok {
			c.add(r)
		}
		return nil, false
	}
	n := len(ready)
	chunks := (n + salesforce.CollectionLimit - 1) / salesforce.CollectionLimit
	named := false
	for _, s := range ready {
		named = named || (!s.Key.IsZero() && e.referenced[s.Key] && s.Action == plan.Create)
	}
	if n <= c.room() && (n == 1 || named || chunks > c.heavyRoom()) {
		for _, s := range ready {
			ref := c.add(e.rowSub(s, vals[s]))
			if s.Action == plan.Create && !s.Key.IsZero() {
				c.refs[s.Key] = "@{" + ref + ".id}"
			}
		}
		return nil, false
	}
	fit := min(chunks, c.heavyRoom(), c.room())
	if fit == 0 {
		return ready, true
	}
	for k := 0; k < fit; k++ {
		part := ready[k*salesforce.CollectionLimit : min((k+1)*salesforce.CollectionLimit, n)]
		c.add(e.collSub(part, vals))
		for _, s := range part {
			if s.Action == plan.Create && !s.Key.IsZero() {
				c.inColl[s.Key] = true
			}
		}
	}
	if fit < chunks {
		return ready[fit*salesforce.CollectionLimit:], true
	}
	return nil, false
}

// fields are the values a step writes, with its references in.
func fields(s *plan.Step, vals map[string]string) map[string]any {
	r := map[string]any{}
	for k, v := range s.Fields {
		r[k] = v
	}
	for f, v := range vals {
		if f != "" {
			r[f] = v
		}
	}
	if s.ID != "" {
		r["Id"] = s.ID
	}
	return r
}

// rowSub writes one record through sObject Rows, so that later
// subrequests can name its Id ("@{ref.id}").
func (e *executor) rowSub(s *plan.Step, vals map[string]string) *sub {
	base := e.c.DataPath("sobjects/" + s.SObject)
	r := fields(s, vals)
	req := salesforce.SubRequest{}
	switch s.Action {
	case plan.Create:
		req.Method, req.URL, req.Body = "POST", base, r
	case plan.Update:
		id, _ := r["Id"].(string)
		delete(r, "Id")
		req.Method, req.URL, req.Body = "PATCH", base+"/"+id, r
	case plan.Prune:
		req.Method, req.URL = "DELETE", base+"/"+s.ID
	}
	return &sub{kind: subRows, req: req, steps: []*plan.Step{s}}
}

// collSub writes up to 200 records of one batch through sObject Collections.
func (e *executor) collSub(steps []*plan.Step, vals map[*plan.Step]map[string]string) *sub {
	req := salesforce.SubRequest{URL: e.c.DataPath("composite/sobjects")}
	switch steps[0].Action {
	case plan.Prune:
		ids := make([]string, len(steps))
		for i, s := range steps {
			ids[i] = s.ID
		}
		req.Method = "DELETE"
		req.URL += "?allOrNone=false&ids=" + joinIDs(ids)
	default:
		req.Method = map[plan.Action]string{plan.Create: "POST", plan.Update: "PATCH"}[steps[0].Action]
		recs := make([]map[string]any, len(steps))
		for i, s := range steps {
			r := fields(s, vals[s])
			r["attributes"] = map[string]any{"type": s.SObject}
			recs[i] = r
		}
		req.Body = map[string]any{"allOrNone": false, "records": recs}
	}
	return &sub{kind: subColl, req: req, steps: steps}
}

func joinIDs(ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += id
	}
	return out
}

// passwordSub sets or resets a new user's password, one per subrequest (one
// password per request, salesforce-api-facts.md §1). The value (from the
// environment, or generated by a reset) is never kept or printed. ok is
// false when the step ended here.
func (e *executor) passwordSub(s *plan.Step, user string) (*sub, bool) {
	pw := s.Password
	path := e.c.DataPath("sobjects/User/" + user + "/password")
	switch {
	case pw.Reset:
		// DELETE resets and emails the user; the answer holds the new
		// password, which is discarded (salesforce-api-facts.md §1).
		return &sub{kind: subPassword, steps: []*plan.Step{s}, req: salesforce.SubRequest{Method: "DELETE", URL: path}}, true
	case pw.FromEnv != "":
		name := pw.FromEnv
		v, ok := "", false
		if e.opts.Getenv != nil {
			v, ok = e.opts.Getenv(name)
		}
		if !ok || v == "" {
			e.finish(s, fmt.Errorf("environment variable %s is not set; the password comes from it", name))
			return nil, false
		}
		return &sub{kind: subPassword, steps: []*plan.Step{s}, req: salesforce.SubRequest{Method: "POST", URL: path, Body: map[string]string{"NewPassword": v}}}, true
	}
	e.finish(s, nil)
	return nil, false
}

// send sends the call and settles every step in it.
func (e *executor) send(ctx context.Context, c *call) {
	var all []*plan.Step
	reqs := make([]salesforce.SubRequest, len(c.subs))
	for i, sb := range c.subs {
		reqs[i] = sb.req
		all = append(all, sb.steps...)
	}
	if e.stopped() {
		e.skip(all...) // not sent
		return
	}
	resps, err := e.c.CompositeCall(ctx, reqs)
	if err != nil {
		for _, s := range all {
			e.finish(s, err)
		}
		return
	}
	for i, sb := range c.subs {
		r := resps[i]
		ok := r.HTTPStatusCode >= 200 && r.HTTPStatusCode < 300
		switch {
		case sb.kind == subOwned:
			if ok {
				if recs, _, _, err := salesforce.QueryResponse(r.Body); err == nil && len(recs) > 0 {
					e.setID(sb.owned, recs[0].String("Id"))
				}
			}
		case !ok && r.Halted():
			e.skip(sb.steps...)
		case sb.kind == subColl:
			if !ok {
				e.settle(sb.steps, nil, r.Err(sb.req.Method, sb.req.URL), nil)
				continue
			}
			var res []salesforce.SaveResult
			if err := json.Unmarshal(r.Body, &res); err != nil {
				e.settle(sb.steps, nil, fmt.Errorf("decode collections answer: %w", err), nil)
				continue
			}
			e.settle(sb.steps, res, nil, func(s *plan.Step, r salesforce.SaveResult) {
				if s.Action == plan.Create {
					e.created(s, r.ID)
				}
			})
		case sb.kind == subRows:
			s := sb.steps[0]
			if ok {
				if s.Action == plan.Create {
					var res salesforce.SaveResult
					_ = json.Unmarshal(r.Body, &res)
					e.created(s, res.ID)
				}
				e.finish(s, nil)
				continue
			}
			if items := r.Items(); len(items) > 0 {
				if alreadyAssigned(s, items) {
					e.finish(s, nil)
				} else {
					e.finish(s, &StepError{Errors: items})
				}
				continue
			}
			e.finish(s, r.Err(sb.req.Method, sb.req.URL))
		case sb.kind == subPassword:
			s := sb.steps[0]
			if ok {
				e.finish(s, nil)
				continue
			}
			// The error names the user's Id, not the reference.
			e.finish(s, r.Err(sb.req.Method, e.c.DataPath("sobjects/User/"+e.id(s.Password.User)+"/password")))
		}
	}
}

// groupAssignments assigns users to permission set groups once the groups
// are "Updated": Salesforce refuses assignments to a group that is still
// recalculating (salesforce-api-facts.md §6), so these wait for the chain.
func (e *executor) groupAssignments(ctx context.Context, steps []*plan.Step) {
	if len(steps) == 0 {
		return
	}
	if e.stopped() {
		e.skip(steps...)
		return
	}
	if err := e.waitForGroups(ctx, steps); err != nil {
		for _, s := range steps {
			e.finish(s, err)
		}
		return
	}
	e.chain(ctx, steps)
}
