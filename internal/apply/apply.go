// Package apply executes a plan against an org. It chains the plan's
// sObject writes, wave after wave, into as few /composite calls as the
// org's limits allow, a later write naming the Id an earlier one creates;
// deploys and Tooling records go beside them. A step whose dependency
// failed is not run, so that a re-run (which plans again from the org)
// continues where this one stopped.
package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// Options tune Execute.
type Options struct {
	// OnStep is called after each step finishes (err nil on success).
	OnStep func(s *plan.Step, err error)
	// Getenv reads passwords for `password: {fromEnv: VAR}`.
	Getenv func(string) (string, bool)
	// GroupWait bounds the wait for permission set groups to reach "Updated"
	// before users are assigned to them; PollInterval spaces the checks.
	GroupWait    time.Duration
	PollInterval time.Duration
	// OnWait is told, once per wait, what apply is waiting for.
	OnWait func(what string)
	// Grace is how long requests already sent may go on once ctx is
	// cancelled (Ctrl-C), so that their results are read and reported as
	// what the org holds; no new request starts. Default 15 s.
	Grace time.Duration
}

// Result says what happened to each changing step, and the Ids of the
// records apply created (the plan itself is not changed).
type Result struct {
	Done    []*plan.Step
	Failed  []*plan.Step
	NotRun  []*plan.Step
	Errors  map[*plan.Step]error
	Created map[*plan.Step]string
	// ConsumerKeys are the consumer keys of the External Client Apps apply
	// wrote, by app name, as the org reads them back (never the secret).
	ConsumerKeys map[string]string
}

// StepError is a step that Salesforce refused, with every error it gave.
type StepError struct {
	Errors []salesforce.ErrorItem
}

func (e *StepError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, it := range e.Errors {
		parts[i] = it.String()
	}
	return strings.Join(parts, "; ")
}

type executor struct {
	// stop is the caller's context: once it is done, no new request starts.
	// The requests themselves run on a context that outlives it by the
	// grace period (Execute).
	stop context.Context
	c    *salesforce.Client
	// mu guards what the lanes, which run at the same time, share: ids,
	// res and the outcomes; cond is signalled at each outcome.
	mu   sync.Mutex
	cond *sync.Cond
	p    *plan.Plan
	opts Options
	ids  map[plan.Key]string
	res  *Result
	// order is every changing step in reporting order (ranked); an outcome
	// is reported once every step before it has one, so that what apply
	// prints and returns does not depend on which answer came first.
	order   []*plan.Step
	next    int
	outcome map[*plan.Step]outcome
	// deployed: metadata steps whose deploy succeeded, being read back.
	deployed map[*plan.Step]bool
	// producer: the step that creates each key; owner: the new profile
	// whose own permission set a key is; referenced: the keys some step
	// takes an Id from (chain.go).
	producer, owner map[plan.Key]*plan.Step
	referenced      map[plan.Key]bool
}

// outcome is how a step ended: done (err nil), failed, or not run.
type outcome struct {
	err    error
	notRun bool
}

// Execute applies p's changing steps. It returns an error only when it could not
// run at all; failed steps are in the Result.
//
// Steps go out as soon as what they need exists, in as few round trips as
// the org allows: the sObject writes of every wave are chained into one
// /composite call, a later subrequest naming an Id an earlier one creates
// (chain.go); Tooling records and the first wave's deploy go beside it; a
// later wave's deploy starts once the waves before it are done. A step
// whose dependency failed, or that needs a wave that failed before its
// deploy, is reported not run: the next run, which plans again from the
// org, does it.
func Execute(ctx context.Context, c *salesforce.Client, p *plan.Plan, opts Options) (*Result, error) {
	if opts.GroupWait == 0 {
		opts.GroupWait = 5 * time.Minute
	}
	if opts.PollInterval == 0 {
		opts.PollInterval = time.Second
	}
	if opts.Grace == 0 {
		opts.Grace = 15 * time.Second
	}
	// Ctrl-C stops new work at once; what is in flight gets the grace
	// period to finish, so that a write the org committed is reported done,
	// not failed.
	stopCtx := ctx
	ctx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-stopCtx.Done():
		case <-finished:
			return
		}
		t := time.NewTimer(opts.Grace)
		defer t.Stop()
		select {
		case <-t.C:
			cancelWork()
		case <-finished:
		}
	}()
	e := &executor{stop: stopCtx, c: c, p: p, opts: opts, ids: map[plan.Key]string{}, res: &Result{Errors: map[*plan.Step]error{}, Created: map[*plan.Step]string{}, ConsumerKeys: map[string]string{}},
		outcome: map[*plan.Step]outcome{}, deployed: map[*plan.Step]bool{}}
	e.cond = sync.NewCond(&e.mu)
	for k, v := range p.IDs {
		e.ids[k] = v
	}
	steps := p.Changing()
	e.order = ranked(steps)
	e.producers()
	if err := stopCtx.Err(); err != nil {
		e.skip(e.order...)
		return e.res, err
	}
	var pkgs, tooling, rest, groupAssigns, records []*plan.Step
	meta := map[int][]*plan.Step{}
	var metaWaves []int
	others := map[laneKey][]*plan.Step{}
	var otherKeys []laneKey
	for _, s := range e.order {
		switch ch := plan.KindOf(s.Type).Channel; {
		case ch == plan.ChannelPackage:
			pkgs = append(pkgs, s)
		case ch == plan.ChannelMetadata:
			w := plan.Wave(s.Type)
			if _, ok := meta[w]; !ok {
				metaWaves = append(metaWaves, w)
			}
			meta[w] = append(meta[w], s)
		case ch == plan.ChannelTooling:
			tooling = append(tooling, s)
		case s.Type == plan.TypeRecord:
			records = append(records, s)
		case s.Type == plan.TypeGroupAssign && s.Action != plan.Prune:
			groupAssigns = append(groupAssigns, s)
		case ch == plan.ChannelCollections, ch == plan.ChannelPassword:
			rest = append(rest, s)
		default:
			if writerOf(ch) == nil {
				e.finish(s, fmt.Errorf("no writer for the %s channel in this version of sfprov", ch))
				continue
			}
			k := laneKey{ch, plan.Wave(s.Type)}
			if _, ok := others[k]; !ok {
				otherKeys = append(otherKeys, k)
			}
			others[k] = append(others[k], s)
		}
	}
	// Packages first: what they bring is planned after them.
	if len(pkgs) > 0 {
		writePackages(ctx, e, pkgs)
		e.skip(pkgs...)
		if !e.allDone(pkgs) {
			e.skip(e.order...)
			return e.res, stopCtx.Err()
		}
	}
	var wg sync.WaitGroup
	lane := func(f func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f()
		}()
	}
	lane(func() {
		// Remote sites need nothing of the rest (their wave is the first).
		writeTooling(ctx, e, tooling)
		e.skip(tooling...)
	})
	lane(func() {
		// The audit-fields preference goes before the permissions it
		// brings: with org settings to deploy, the sObject writes wait for
		// that deploy, and do not run if it failed.
		for _, s := range meta[0] {
			if s.Type == plan.TypeOrgSettings {
				if !e.await(func(t *plan.Step) bool {
					return plan.KindOf(t.Type).Channel == plan.ChannelMetadata && plan.Wave(t.Type) == 0
				}, false) {
					e.skip(rest...)
					e.skip(groupAssigns...)
					return
				}
				break
			}
		}
		e.chain(ctx, rest)
		e.groupAssignments(ctx, groupAssigns)
		if len(groupAssigns) > 0 {
			e.chain(ctx, records)
		}
	})
	if len(groupAssigns) == 0 {
		// Setup and data objects never share a call
		// (salesforce-api-facts.md §10): records go in a chain of their
		// own, beside the setup chain. Not while group assignments wait
		// for a group's recalculation, which the org times: records sent
		// meanwhile would change how many status checks that takes, and
		// the calls of an apply would differ run to run; then records
		// follow the assignments.
		lane(func() { e.chain(ctx, records) })
	}
	for _, w := range metaWaves {
		lane(func() { e.metadataWave(ctx, w, meta[w]) })
	}
	for _, k := range otherKeys {
		// A channel registered by its own file: its wave's steps once every
		// earlier wave is done, as one writer call.
		lane(func() {
			w := k.wave
			if w > 0 && !e.await(func(s *plan.Step) bool { return plan.Wave(s.Type) < w && !slices.Contains(pkgs, s) }, false) {
				e.skip(others[k]...)
				return
			}
			writerOf(k.ch)(ctx, e, others[k])
			e.skip(others[k]...)
		})
	}
	wg.Wait()
	e.skip(e.order...)
	return e.res, stopCtx.Err()
}

// writer writes one wave's steps of one channel (plan.Channel). The
// channels apply.go knows have lanes of their own (Execute); a channel
// added by a file of its own registers its writer in writers.
type writer func(ctx context.Context, e *executor, steps []*plan.Step)

var writers []struct {
	channel plan.Channel
	write   writer
}

func writerOf(ch plan.Channel) writer {
	for _, w := range writers {
		if w.channel == ch {
			return w.write
		}
	}
	return nil
}

type laneKey struct {
	ch   plan.Channel
	wave int
}

// ranked orders steps as apply reports them: wave by wave (a cloned
// profile's copied access right after the first wave), and in a wave
// packages, metadata, Tooling records, passwords, then sObject records:
// prunes first, then by kind order, each batch in plan order.
func ranked(steps []*plan.Step) []*plan.Step {
	chRank := map[plan.Channel]int{plan.ChannelPackage: 0, plan.ChannelMetadata: 1, plan.ChannelTooling: 2, plan.ChannelPassword: 3, plan.ChannelCollections: 4}
	type key struct {
		wave, ch, prune, order, batch, idx int
	}
	type batchKey struct {
		wave         int
		sobject, typ string
		action       plan.Action
	}
	first := map[batchKey]int{}
	keys := map[*plan.Step]key{}
	for i, s := range steps {
		w := 2 * plan.Wave(s.Type)
		if !s.CloneOf.IsZero() {
			w = 1
		}
		ch, ok := chRank[plan.KindOf(s.Type).Channel]
		if !ok {
			ch = len(chRank) // a registered writer's, after the others
		}
		k := key{wave: w, ch: ch, order: plan.Order(s.Type), idx: i}
		if plan.KindOf(s.Type).Channel == plan.ChannelCollections {
			if s.Action != plan.Prune {
				k.prune = 1
			}
			bk := batchKey{w, s.SObject, s.Type, s.Action}
			if _, ok := first[bk]; !ok {
				first[bk] = i
			}
			k.batch = first[bk]
		} else {
			k.order = 0
		}
		keys[s] = k
	}
	out := slices.Clone(steps)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := keys[out[i]], keys[out[j]]
		for _, d := range [][2]int{{a.wave, b.wave}, {a.ch, b.ch}, {a.prune, b.prune}, {a.order, b.order}, {a.batch, b.batch}, {a.idx, b.idx}} {
			if d[0] != d[1] {
				return d[0] < d[1]
			}
		}
		return false
	})
	return out
}

// await waits until every step that pick selects has ended (or, with
// deployed, has at least been deployed) and reports whether all of them
// succeeded. It looks at the steps in order and only past those that have
// ended, so a wait costs a pass over the plan, not one per outcome.
func (e *executor) await(pick func(*plan.Step) bool, deployed bool) bool {
	var pending []*plan.Step
	for _, s := range e.order {
		if pick(s) {
			pending = append(pending, s)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		for len(pending) > 0 {
			s := pending[0]
			if o, ok := e.outcome[s]; ok {
				if o.err != nil || o.notRun {
					return false
				}
			} else if !deployed || !e.deployed[s] {
				break
			}
			pending = pending[1:]
		}
		if len(pending) == 0 {
			return true
		}
		e.cond.Wait()
	}
}

// allDone reports whether every step ended done.
func (e *executor) allDone(steps []*plan.Step) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range steps {
		if o, ok := e.outcome[s]; !ok || o.err != nil || o.notRun {
			return false
		}
	}
	return true
}

// settled reports whether s has an outcome, and whether it was done.
func (e *executor) settled(s *plan.Step) (ended, done bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, ok := e.outcome[s]
	return ok, ok && o.err == nil && !o.notRun
}

// metadataWave deploys one wave's metadata steps (writeMetadata). The
// first wave's deploy goes out at once; a later wave's starts preparing
// (the names Salesforce generated, the sets it merges into) once every
// earlier step has ended or, for an earlier deploy, been deployed, and is
// sent once those have all ended; it is not run when one of them failed,
// as a deploy is all or nothing and may need any of them.
func (e *executor) metadataWave(ctx context.Context, w int, steps []*plan.Step) {
	before := func(s *plan.Step) bool {
		return plan.Wave(s.Type) < w && plan.KindOf(s.Type).Channel != plan.ChannelPackage
	}
	if w > 0 && !e.await(before, true) {
		e.skip(steps...)
		return
	}
	writeMetadata(ctx, e, steps, func() bool { return w == 0 || e.await(before, false) })
	e.skip(steps...)
}

// id is the Id known for k ("" when none yet).
func (e *executor) id(k plan.Key) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.ids[k]
}

func (e *executor) setID(k plan.Key, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ids[k] = id
}

// created records the Id of a record a step created: in the result, and for
// the Refs of later steps.
func (e *executor) created(s *plan.Step, id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.res.Created[s] = id
	if !s.Key.IsZero() {
		e.ids[s.Key] = id
	}
}

// finish records a step's outcome: done when err is nil, else failed.
func (e *executor) finish(s *plan.Step, err error) { e.end(s, outcome{err: err}) }

// skip records the steps that have no outcome yet as not run.
func (e *executor) skip(steps ...*plan.Step) {
	for _, s := range steps {
		e.end(s, outcome{notRun: true})
	}
}

// markDeployed notes metadata steps whose deploy succeeded, before they are
// read back: a later deploy may start preparing.
func (e *executor) markDeployed(steps []*plan.Step) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range steps {
		e.deployed[s] = true
	}
	e.cond.Broadcast()
}

// end keeps a step's first outcome and reports, in order, every outcome
// whose predecessors all have theirs.
func (e *executor) end(s *plan.Step, o outcome) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.outcome[s]; ok {
		return
	}
	e.outcome[s] = o
	for e.next < len(e.order) {
		t := e.order[e.next]
		o, ok := e.outcome[t]
		if !ok {
			break
		}
		e.next++
		switch {
		case o.notRun:
			e.res.NotRun = append(e.res.NotRun, t)
		case o.err != nil:
			e.res.Failed = append(e.res.Failed, t)
			e.res.Errors[t] = o.err
		default:
			e.res.Done = append(e.res.Done, t)
		}
		if !o.notRun && e.opts.OnStep != nil {
			e.opts.OnStep(t, o.err)
		}
	}
	e.cond.Broadcast()
}

// writeTooling writes Tooling records, one request each (Tooling has no
// sObject Collections), WriteConcurrency at a time: they are independent.
func writeTooling(ctx context.Context, e *executor, steps []*plan.Step) {
	e.each(steps, func(s *plan.Step) { e.finish(s, e.tooling(ctx, s)) })
}

// WriteConcurrency bounds the single-record writes of a wave that go out at
// once (Tooling records, passwords). Salesforce sets no limit on concurrent
// requests shorter than 20 s (integration-metadata-facts.md §3.4).
const WriteConcurrency = 4

// each runs do for each step, WriteConcurrency at a time, and starts none
// once apply is told to stop (those are reported as not run).
func (e *executor) each(steps []*plan.Step, do func(*plan.Step)) {
	sem := make(chan struct{}, WriteConcurrency)
	var wg sync.WaitGroup
	for _, s := range steps {
		sem <- struct{}{}
		if e.stopped() {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			do(s)
		}()
	}
	wg.Wait()
}

// stopped reports whether apply was told to stop (Ctrl-C): no request
// starts after that.
func (e *executor) stopped() bool { return e.stop.Err() != nil }

// settle finishes each step with its record's result (results are in input
// order); records without a result fail with the call's error.
func (e *executor) settle(steps []*plan.Step, results []salesforce.SaveResult, callErr error, ok func(*plan.Step, salesforce.SaveResult)) {
	for i, s := range steps {
		switch {
		case i < len(results) && results[i].Success:
			if ok != nil {
				ok(s, results[i])
			}
			e.finish(s, nil)
		case i < len(results) && alreadyAssigned(s, results[i].Errors):
			// The assignment exists: an earlier apply's write that landed
			// after this plan read the org (killed, or cut off while the org
			// still worked on it). What the step wanted holds.
			e.finish(s, nil)
		case i < len(results) && len(results[i].Errors) > 0:
			e.finish(s, &StepError{Errors: results[i].Errors})
		case callErr != nil:
			e.finish(s, callErr)
		default:
			e.finish(s, errors.New("Salesforce returned no result for this record"))
		}
	}
}

// waitForGroups waits until every group these assignments name has status
// "Updated": Salesforce refuses assignments to a group that is still
// recalculating (salesforce-api-facts.md §6).
func (e *executor) waitForGroups(ctx context.Context, steps []*plan.Step) error {
	seen := map[string]bool{}
	var ids []string
	for _, s := range steps {
		id := e.id(s.Refs["PermissionSetGroupId"])
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, "'"+id+"'")
		}
	}
	if len(ids) == 0 {
		return nil
	}
	deadline := time.Now().Add(e.opts.GroupWait)
	told := false
	for {
		recs, err := e.c.Query(ctx, "SELECT Id, DeveloperName, Status FROM PermissionSetGroup WHERE Id IN ("+strings.Join(ids, ", ")+")")
		if err != nil {
			return fmt.Errorf("check permission set group status: %w", err)
		}
		var waiting []string
		for _, r := range recs {
			switch r.String("Status") {
			case "Updated":
			case "Failed":
				return fmt.Errorf("permission set group %q failed to recalculate (Status = Failed); fix it in Setup, then re-run", r.String("DeveloperName"))
			default:
				waiting = append(waiting, r.String("DeveloperName"))
			}
		}
		if len(waiting) == 0 {
			return nil
		}
		if !told && e.opts.OnWait != nil {
			told = true
			e.opts.OnWait(fmt.Sprintf("permission set group %s recalculating (Status must be Updated before assignment)", strings.Join(waiting, ", ")))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("permission set groups still recalculating after %s: %s; re-run later", e.opts.GroupWait, strings.Join(waiting, ", "))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(e.opts.PollInterval):
		}
	}
}

// tooling writes one Tooling API record (Remote Site Settings): Tooling
// objects are few per spec, and not every one takes sObject Collections.
func (e *executor) tooling(ctx context.Context, s *plan.Step) error {
	base := e.c.DataPath("tooling/sobjects/" + s.SObject)
	switch s.Action {
	case plan.Create:
		var res salesforce.SaveResult
		if err := e.c.Do(ctx, "POST", base, s.Fields, &res); err != nil {
			return err
		}
		e.created(s, res.ID)
		return nil
	case plan.Update:
		return e.c.Do(ctx, "PATCH", base+"/"+s.ID, s.Fields, nil)
	case plan.Prune:
		return e.c.Do(ctx, "DELETE", base+"/"+s.ID, nil, nil)
	}
	return nil
}

// alreadyAssigned reports whether an assignment create was refused only
// because the user holds it already: "A duplicate assignment gives
// DUPLICATE_VALUE" (salesforce-api-facts.md, PermissionSetAssignment; the
// emulator's licence assignments answer the same, UNCONFIRMED for a real
// org). An assignment has no fields beyond who and what, so the existing
// row is the wanted one.
func alreadyAssigned(s *plan.Step, errs []salesforce.ErrorItem) bool {
	if s.Action != plan.Create || len(errs) != 1 || errs[0].Code != "DUPLICATE_VALUE" {
		return false
	}
	switch s.Type {
	case plan.TypePermSetAssign, plan.TypeGroupAssign, plan.TypeLicenseAssign:
		return true
	}
	return false
}
