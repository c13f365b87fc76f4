// Package apply executes a plan against an org. It runs the plan's steps wave
// by wave, batching every wave's records of one type into sObject Collections
// calls, resolves the Ids that later steps need from what earlier steps
// created, and stops after the first wave that has a failure, so that a re-run
// (which plans again from the org) continues where this one stopped.
package apply

import (
	"context"
	"errors"
	"fmt"
	"maps"
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
	// mu guards what the writers of one wave, which run at the same time,
	// share: ids, res and the clone bookkeeping.
	mu sync.Mutex
	// buffered: the channels whose outcomes wait for the end of the wave
	// (all but the first when a wave has several); later holds them.
	buffered map[plan.Channel]bool
	later    []finished
	p        *plan.Plan
	opts     Options
	ids      map[plan.Key]string
	res      *Result
	// clones: a profile being created by copying another (by step Key) →
	// the steps that write its access; held: those profiles, created but not
	// yet reported, until their access is written (cloneWave).
	clones  map[plan.Key][]*plan.Step
	held    map[plan.Key]*plan.Step
	settled map[*plan.Step]bool
}

// Execute applies p's changing steps. It returns an error only when it could not
// run at all; failed steps are in the Result.
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
		clones: map[plan.Key][]*plan.Step{}, held: map[plan.Key]*plan.Step{}, settled: map[*plan.Step]bool{}}
	for k, v := range p.IDs {
		e.ids[k] = v
	}
	steps := p.Changing()
	byWave := map[int][]*plan.Step{}
	var waveNums []int
	for _, s := range steps {
		if !s.CloneOf.IsZero() {
			e.clones[s.CloneOf] = append(e.clones[s.CloneOf], s)
			continue
		}
		w := plan.Wave(s.Type)
		if _, ok := byWave[w]; !ok {
			waveNums = append(waveNums, w)
		}
		byWave[w] = append(byWave[w], s)
	}
	sort.Ints(waveNums)
	stop := func(from int) {
		for _, rest := range waveNums[from:] {
			e.notRun(byWave[rest])
		}
		for _, k := range sortedKeys(e.clones) {
			e.notRun(e.clones[k])
		}
	}
	for i, w := range waveNums {
		if err := stopCtx.Err(); err != nil {
			stop(i)
			return e.res, err
		}
		e.wave(ctx, byWave[w])
		if w == plan.Wave(plan.TypeProfile) {
			// Profiles created here get their copied access even when
			// something else in the wave failed: once a profile exists, no
			// re-run would copy it.
			err := e.ownedPermSets(ctx, byWave[w])
			e.cloneWave(ctx, err)
			if err != nil {
				stop(i + 1)
				return e.res, err
			}
		}
		if len(e.res.Failed) > 0 {
			stop(i + 1)
			break
		}
	}
	if err := stopCtx.Err(); err != nil {
		e.notRun(steps)
		return e.res, err
	}
	return e.res, nil
}

// notRun records the steps that have not been settled as not run.
func (e *executor) notRun(steps []*plan.Step) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range steps {
		if !e.settled[s] {
			e.settled[s] = true
			e.res.NotRun = append(e.res.NotRun, s)
		}
	}
}

// cloneWave writes the access of the profiles just created as copies of
// others, right after them and before anything uses them; setupErr, when
// their permission sets could not be found, fails every row. A row that
// fails is reported and the profile stays: the next plan compares the
// profile with its source and writes what is missing (plan: a cloned
// profile holds at least its source's access), so no undo is needed, and
// none can fail half-way.
func (e *executor) cloneWave(ctx context.Context, setupErr error) {
	var keys []plan.Key
	var all []*plan.Step
	for _, k := range sortedKeys(e.held) {
		keys = append(keys, k)
		all = append(all, e.clones[k]...)
	}
	if len(all) == 0 {
		return
	}
	if setupErr != nil {
		for _, s := range all {
			e.finish(s, setupErr)
		}
	} else {
		e.wave(ctx, all)
	}
	for _, k := range keys {
		delete(e.held, k)
	}
}

func sortedKeys[V any](m map[plan.Key]V) []plan.Key {
	return slices.SortedFunc(maps.Keys(m), func(a, b plan.Key) int { return strings.Compare(a.String(), b.String()) })
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

func (e *executor) finish(s *plan.Step, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.buffered[plan.KindOf(s.Type).Channel] {
		// Written at the same time as another channel's steps: reported
		// when the wave ends, in writer order, so that what apply prints
		// and returns does not depend on which answer came first.
		e.later = append(e.later, finished{s, err})
		return
	}
	e.report(s, err)
}

type finished struct {
	s   *plan.Step
	err error
}

// report records a step's outcome and tells OnStep; e.mu is held.
func (e *executor) report(s *plan.Step, err error) {
	if err == nil && s.Type == plan.TypeProfile && s.Action == plan.Create && len(e.clones[s.Key]) > 0 {
		e.held[s.Key] = s // its copy is written right after this wave (cloneWave)
	}
	e.settled[s] = true
	if err != nil {
		e.res.Failed = append(e.res.Failed, s)
		e.res.Errors[s] = err
	} else {
		e.res.Done = append(e.res.Done, s)
	}
	if e.opts.OnStep != nil {
		e.opts.OnStep(s, err)
	}
}

// record builds the record a step writes, with its references resolved.
func (e *executor) record(s *plan.Step) (salesforce.Record, error) {
	r := salesforce.Record{"attributes": map[string]any{"type": s.SObject}}
	for k, v := range s.Fields {
		r[k] = v
	}
	refs := slices.Sorted(maps.Keys(s.Refs))
	for _, f := range refs {
		id := e.id(s.Refs[f])
		if id == "" {
			return nil, fmt.Errorf("needs %s, which does not exist (an earlier step did not create it)", s.Refs[f])
		}
		r[f] = id
	}
	if s.ID != "" {
		r["Id"] = s.ID
	}
	return r, nil
}

// writer writes one wave's steps of one channel (plan.Channel): a new kind
// of step needs a writer only when it brings a new channel.
type writer func(ctx context.Context, e *executor, steps []*plan.Step)

// writers, in the order a wave runs them: Tooling records and passwords go
// one by one; sObject records are batched.
var writers = []struct {
	channel plan.Channel
	write   writer
}{
	{plan.ChannelPackage, writePackages},
	{plan.ChannelMetadata, writeMetadata},
	{plan.ChannelTooling, writeTooling},
	{plan.ChannelPassword, writePasswords},
	{plan.ChannelCollections, writeCollections},
}

// wave runs one wave, each channel's steps through its writer. Packages go
// first (what they bring is planned after them); the other channels' steps
// need nothing of each other within a wave (kinds.go), so their writers run
// at the same time: a wave costs the round trips of its slowest channel,
// not their sum.
func (e *executor) wave(ctx context.Context, steps []*plan.Step) {
	byChannel := map[plan.Channel][]*plan.Step{}
	for _, s := range steps {
		ch := plan.KindOf(s.Type).Channel
		byChannel[ch] = append(byChannel[ch], s)
	}
	// The first channel with steps reports as it goes (a long wave shows
	// its progress live); the others are reported after it, in order.
	e.mu.Lock()
	e.buffered = map[plan.Channel]bool{}
	first := true
	for _, w := range writers[1:] {
		if len(byChannel[w.channel]) > 0 {
			e.buffered[w.channel] = !first
			first = false
		}
	}
	e.mu.Unlock()
	var wg sync.WaitGroup
	for i, w := range writers {
		if todo := byChannel[w.channel]; len(todo) > 0 {
			if i == 0 {
				w.write(ctx, e, todo) // packages, before the rest
			} else {
				wg.Add(1)
				go func() {
					defer wg.Done()
					w.write(ctx, e, todo)
				}()
			}
		}
		delete(byChannel, w.channel)
	}
	wg.Wait()
	e.mu.Lock()
	later := e.later
	e.buffered, e.later = nil, nil
	rank := map[plan.Channel]int{}
	for i, w := range writers {
		rank[w.channel] = i
	}
	sort.SliceStable(later, func(i, j int) bool {
		return rank[plan.KindOf(later[i].s.Type).Channel] < rank[plan.KindOf(later[j].s.Type).Channel]
	})
	for _, f := range later {
		e.report(f.s, f.err)
	}
	e.mu.Unlock()
	for ch, rest := range byChannel {
		for _, s := range rest {
			e.finish(s, fmt.Errorf("no writer for the %s channel in this version of sfprov", ch))
		}
	}
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

func (e *executor) createdID(s *plan.Step) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.res.Created[s]
}

// writeTooling writes Tooling records, one request each (Tooling has no
// sObject Collections), WriteConcurrency at a time: they are independent.
func writeTooling(ctx context.Context, e *executor, steps []*plan.Step) {
	e.each(steps, func(s *plan.Step) { e.finish(s, e.tooling(ctx, s)) })
}

// writePasswords sets or resets passwords, one request each (one password
// per request, salesforce-api-facts.md §1), WriteConcurrency at a time.
func writePasswords(ctx context.Context, e *executor, steps []*plan.Step) {
	e.each(steps, func(s *plan.Step) { e.finish(s, e.password(ctx, s)) })
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

// writeCollections sends sObject records as sObject Collections chunks packed
// into /composite calls: first every prune (a removed assignment can free the
// seat a new one needs), then every create and update, types in plan order
// (a licence before the permission set assignments that need it).
func writeCollections(ctx context.Context, e *executor, steps []*plan.Step) {
	type batchKey struct {
		sobject string
		action  plan.Action
		typ     string
	}
	batches := map[batchKey][]*plan.Step{}
	var order []batchKey
	for _, s := range steps {
		k := batchKey{s.SObject, s.Action, s.Type}
		if _, ok := batches[k]; !ok {
			order = append(order, k)
		}
		batches[k] = append(batches[k], s)
	}
	sort.SliceStable(order, func(i, j int) bool { return plan.Order(order[i].typ) < plan.Order(order[j].typ) })
	var prunes, saves [][]*plan.Step
	for _, k := range order {
		b := batches[k]
		switch {
		case k.action == plan.Prune:
			prunes = append(prunes, b)
		case k.typ == plan.TypeGroupAssign:
			if err := e.waitForGroups(ctx, b); err != nil {
				for _, s := range b {
					e.finish(s, err)
				}
				continue
			}
			saves = append(saves, b)
		default:
			saves = append(saves, b)
		}
	}
	e.collections(ctx, prunes)
	e.collections(ctx, saves)
}

// collections sends the batches, each all of one sObject and action, and
// settles every step with its record's result.
func (e *executor) collections(ctx context.Context, groups [][]*plan.Step) {
	var batches []salesforce.Batch
	var sent [][]*plan.Step
	for _, g := range groups {
		b := salesforce.Batch{Method: map[plan.Action]string{plan.Create: "POST", plan.Update: "PATCH", plan.Prune: "DELETE"}[g[0].Action]}
		var steps []*plan.Step
		for _, s := range g {
			if b.Method == "DELETE" {
				b.IDs = append(b.IDs, s.ID)
				steps = append(steps, s)
				continue
			}
			r, err := e.record(s)
			if err != nil {
				e.finish(s, err)
				continue
			}
			b.Records = append(b.Records, r)
			steps = append(steps, s)
		}
		if len(steps) > 0 {
			batches = append(batches, b)
			sent = append(sent, steps)
		}
	}
	if len(batches) == 0 {
		return
	}
	if e.stopped() {
		return // not sent: reported as not run
	}
	results, err := e.c.Collections(ctx, batches)
	for i, steps := range sent {
		br := salesforce.BatchResult{Err: err}
		if i < len(results) && err == nil {
			br = results[i]
		}
		e.settle(steps, br.Results, br.Err, func(s *plan.Step, r salesforce.SaveResult) {
			if s.Action == plan.Create {
				e.created(s, r.ID)
			}
		})
	}
}

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

// ownedPermSets learns the profile-owned permission sets of the profiles just
// created, with one query: object and field access of a profile live there.
func (e *executor) ownedPermSets(ctx context.Context, steps []*plan.Step) error {
	byID := map[string]plan.Key{}
	var ids []string
	for _, s := range steps {
		if id := e.createdID(s); s.Action == plan.Create && len(id) >= 15 {
			byID[id[:15]] = s.Key
			ids = append(ids, "'"+id+"'")
		}
	}
	if len(ids) == 0 {
		return nil
	}
	recs, err := e.c.Query(ctx, "SELECT Id, ProfileId FROM PermissionSet WHERE IsOwnedByProfile = true AND ProfileId IN ("+strings.Join(ids, ", ")+")")
	if err != nil {
		return fmt.Errorf("find the permission sets of the new profiles: %w", err)
	}
	for _, r := range recs {
		pid := r.String("ProfileId")
		if len(pid) >= 15 {
			if key, ok := byID[pid[:15]]; ok {
				e.setID(key.OwnedPermSet(), r.String("Id"))
			}
		}
	}
	return nil
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

// password sets or resets a new user's password. The value (from the
// environment, or generated by a reset) is never kept or printed.
func (e *executor) password(ctx context.Context, s *plan.Step) error {
	pw := s.Password
	id := e.id(pw.User)
	if id == "" {
		return fmt.Errorf("user %q was not created", s.Name)
	}
	path := e.c.DataPath("sobjects/User/" + id + "/password")
	switch {
	case pw.Reset:
		// DELETE resets and emails the user; the body holds the new password,
		// which is discarded (salesforce-api-facts.md §1).
		return e.c.Do(ctx, "DELETE", path, nil, nil)
	case pw.FromEnv != "":
		name := pw.FromEnv
		v, ok := "", false
		if e.opts.Getenv != nil {
			v, ok = e.opts.Getenv(name)
		}
		if !ok || v == "" {
			return fmt.Errorf("environment variable %s is not set; the password comes from it", name)
		}
		return e.c.Do(ctx, "POST", path, map[string]string{"NewPassword": v}, nil)
	}
	return nil
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
