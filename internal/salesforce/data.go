package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/sfprov/sfprov/internal/record"
)

// Record is one sObject record as the REST API returns it: parent
// relationships nested, "attributes" kept as returned (package record, the
// shape the org state keeps too).
type Record = record.Fields

type queryPage struct {
	TotalSize      int      `json:"totalSize"`
	Done           bool     `json:"done"`
	NextRecordsURL string   `json:"nextRecordsUrl"`
	Records        []Record `json:"records"`
}

// Query runs SOQL and returns every record, following nextRecordsUrl.
func (c *Client) Query(ctx context.Context, soql string) ([]Record, error) {
	return c.query(ctx, "query", soql)
}

// ToolingQuery runs SOQL against the Tooling API.
func (c *Client) ToolingQuery(ctx context.Context, soql string) ([]Record, error) {
	return c.query(ctx, "tooling/query", soql)
}

func (c *Client) query(ctx context.Context, resource, soql string) ([]Record, error) {
	path := c.DataPath(resource) + "?q=" + url.QueryEscape(soql)
	var all []Record
	for path != "" {
		var page queryPage
		if err := c.Do(ctx, "GET", path, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Records...)
		if page.Done {
			break
		}
		path = page.NextRecordsURL
	}
	return all, nil
}

// QueryResponse decodes a query answer returned inside a composite response.
func QueryResponse(body json.RawMessage) ([]Record, bool, string, error) {
	var page queryPage
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, false, "", err
	}
	return page.Records, page.Done, page.NextRecordsURL, nil
}

// FollowQuery fetches the remaining pages of a query whose first page came back
// inside a composite answer.
func (c *Client) FollowQuery(ctx context.Context, first []Record, next string) ([]Record, error) {
	all := first
	for next != "" {
		var page queryPage
		if err := c.Do(ctx, "GET", next, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Records...)
		if page.Done {
			break
		}
		next = page.NextRecordsURL
	}
	return all, nil
}

// SaveResult is the outcome of one record in an sObject Collections call.
type SaveResult struct {
	ID      string      `json:"id"`
	Success bool        `json:"success"`
	Errors  []ErrorItem `json:"errors"`
}

// CollectionLimit is the most records one sObject Collections request takes
// (salesforce-api-facts.md §10).
const CollectionLimit = 200

// Create inserts records (each with "attributes": {"type": T}) through
// /composite/sobjects in chunks of 200, allOrNone=false. Results are in input order.
func (c *Client) Create(ctx context.Context, records []Record) ([]SaveResult, error) {
	return c.collection(ctx, "POST", records)
}

// Update updates records (each with "attributes" and "Id") the same way.
func (c *Client) Update(ctx context.Context, records []Record) ([]SaveResult, error) {
	return c.collection(ctx, "PATCH", records)
}

func (c *Client) collection(ctx context.Context, method string, records []Record) ([]SaveResult, error) {
	var out []SaveResult
	for start := 0; start < len(records); start += CollectionLimit {
		end := min(start+CollectionLimit, len(records))
		body := map[string]any{"allOrNone": false, "records": records[start:end]}
		var res []SaveResult
		if err := c.Do(ctx, method, c.DataPath("composite/sobjects"), body, &res); err != nil {
			return out, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// Delete deletes records by Id through /composite/sobjects, 200 at a time.
func (c *Client) Delete(ctx context.Context, ids []string) ([]SaveResult, error) {
	var out []SaveResult
	for start := 0; start < len(ids); start += CollectionLimit {
		end := min(start+CollectionLimit, len(ids))
		path := c.DataPath("composite/sobjects") + "?allOrNone=false&ids=" + strings.Join(ids[start:end], ",")
		var res []SaveResult
		if err := c.Do(ctx, "DELETE", path, nil, &res); err != nil {
			return out, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// SubRequest is one request inside a /composite call. URL is a path under the
// instance (use DataPath).
type SubRequest struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	ReferenceID string `json:"referenceId"`
	Body        any    `json:"body,omitempty"`
}

// SubResponse is the answer to one SubRequest.
type SubResponse struct {
	Body           json.RawMessage `json:"body"`
	HTTPStatusCode int             `json:"httpStatusCode"`
	ReferenceID    string          `json:"referenceId"`
}

// Err returns the subrequest's failure as an *APIError, or nil.
func (r SubResponse) Err(method, url string) error {
	if r.HTTPStatusCode >= 200 && r.HTTPStatusCode < 300 {
		return nil
	}
	return newAPIError(method, pathOnly(url), r.HTTPStatusCode, r.Body)
}

// CompositeLimit is the most subrequests one /composite call takes, and
// CompositeQueryLimit the most of them that may be queries or sObject
// Collections: "You can have up to 25 subrequests in a single call. Up to 5 of
// these subrequests can be sObject Collections or query operations, including
// Query and QueryAll requests." (REST API Developer Guide,
// resources_composite_composite.htm).
const (
	CompositeLimit      = 25
	CompositeQueryLimit = 5
)

// countsAsQuery reports whether a subrequest URL is a query (first page or
// next page), a queryAll or an sObject Collections request.
func countsAsQuery(u string) bool {
	p := pathOnly(u)
	i := strings.Index(p, "/services/data/v")
	if i < 0 {
		return false
	}
	rest := p[i+len("/services/data/v"):]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		rest = rest[j+1:]
	} else {
		return false
	}
	for _, r := range []string{"query", "queryAll", "composite/sobjects"} {
		if rest == r || strings.HasPrefix(rest, r+"/") {
			return true
		}
	}
	return false
}

// compositeChunks splits independent subrequests into as few /composite
// calls as the two limits allow, each chunk listing indexes into reqs in
// ascending order.
func compositeChunks(reqs []SubRequest) [][]int {
	var heavy, light []int
	for i, r := range reqs {
		if countsAsQuery(r.URL) {
			heavy = append(heavy, i)
		} else {
			light = append(light, i)
		}
	}
	n := max((len(reqs)+CompositeLimit-1)/CompositeLimit, (len(heavy)+CompositeQueryLimit-1)/CompositeQueryLimit)
	chunks := make([][]int, n)
	for k := range chunks {
		take := min(CompositeQueryLimit, len(heavy))
		chunks[k], heavy = append(chunks[k], heavy[:take]...), heavy[take:]
	}
	// n*25 >= len(reqs), so the other subrequests always fit.
	for k := range chunks {
		take := min(CompositeLimit-len(chunks[k]), len(light))
		chunks[k], light = append(chunks[k], light[:take]...), light[take:]
		sort.Ints(chunks[k])
	}
	return chunks
}

// Composite sends independent requests in as few /composite calls as possible
// (25 subrequests each, at most 5 of them queries or collections;
// allOrNone=false) and returns the answers in input order. Requests must not
// refer to each other: they may travel in different calls.
//
// The calls go one after the other, in order: a later subrequest may rely on
// an earlier one having run (a licence before the assignment that needs it).
// Reads that need nothing of each other use CompositeReads.
func (c *Client) Composite(ctx context.Context, reqs []SubRequest) ([]SubResponse, error) {
	return c.composite(ctx, reqs, 1)
}

// CountsAsQuery reports whether a subrequest URL counts against
// CompositeQueryLimit (a query, a next page, a queryAll or an sObject
// Collections request).
func CountsAsQuery(url string) bool { return countsAsQuery(url) }

// CompositeCall sends reqs as exactly one /composite call, in order
// (collateSubrequests false, allOrNone false), and returns the answers in
// input order. Unlike Composite, a subrequest may refer to an earlier one's
// result: "You can then refer to the ID in the url or body fields of later
// subrequests" (REST API guide, resources_composite_composite_post.htm), as
// @{ref.id} for an sObject Rows create or @{ref.records[0].Id} for a query;
// "with allOrNone false, subrequests that depend on a failed one are not
// run" and answer PROCESSING_HALTED (salesforce-api-facts.md §10). The
// caller keeps within CompositeLimit and CompositeQueryLimit.
func (c *Client) CompositeCall(ctx context.Context, reqs []SubRequest) ([]SubResponse, error) {
	heavy := 0
	for i := range reqs {
		if reqs[i].ReferenceID == "" {
			reqs[i].ReferenceID = fmt.Sprintf("r%d", i)
		}
		if countsAsQuery(reqs[i].URL) {
			heavy++
		}
	}
	if len(reqs) == 0 {
		return nil, nil
	}
	if len(reqs) > CompositeLimit || heavy > CompositeQueryLimit {
		return nil, fmt.Errorf("composite: %d subrequests (%d queries or collections), more than one call takes (%d, %d)", len(reqs), heavy, CompositeLimit, CompositeQueryLimit)
	}
	body := map[string]any{"allOrNone": false, "collateSubrequests": false, "compositeRequest": reqs}
	var res struct {
		CompositeResponse []SubResponse `json:"compositeResponse"`
	}
	if err := c.Do(ctx, "POST", c.DataPath("composite"), body, &res); err != nil {
		return nil, err
	}
	byRef := map[string]SubResponse{}
	for _, r := range res.CompositeResponse {
		byRef[r.ReferenceID] = r
	}
	out := make([]SubResponse, len(reqs))
	for i, r := range reqs {
		sr, ok := byRef[r.ReferenceID]
		if !ok {
			return nil, fmt.Errorf("composite answer lacks subrequest %q", r.ReferenceID)
		}
		out[i] = sr
	}
	return out, nil
}

// Halted reports whether a subrequest was not run because one it depends on
// failed (PROCESSING_HALTED; salesforce-api-facts.md §10).
func (r SubResponse) Halted() bool {
	if r.HTTPStatusCode < 400 {
		return false
	}
	var items []ErrorItem
	if json.Unmarshal(r.Body, &items) != nil {
		return false
	}
	for _, it := range items {
		if it.Code == "PROCESSING_HALTED" {
			return true
		}
	}
	return false
}

// Items returns a failed subrequest's error items (none when its body is
// not a Salesforce error array).
func (r SubResponse) Items() []ErrorItem {
	var items []ErrorItem
	if r.HTTPStatusCode < 400 || json.Unmarshal(r.Body, &items) != nil {
		return nil
	}
	return items
}

// ReadConcurrency bounds how many calls of one batched read go out at once.
// Salesforce sets no limit on concurrent requests shorter than 20 s
// (integration-metadata-facts.md §3.4); the bound is sfprov's courtesy.
const ReadConcurrency = 4

// CompositeReads is Composite for independent reads (GETs): its calls go out
// together, ReadConcurrency at a time, so a read of many queries costs one
// round trip, not one per call.
func (c *Client) CompositeReads(ctx context.Context, reqs []SubRequest) ([]SubResponse, error) {
	for _, r := range reqs {
		if r.Method != http.MethodGet {
			return nil, fmt.Errorf("composite reads: %s %s is not a read", r.Method, pathOnly(r.URL))
		}
	}
	return c.composite(ctx, reqs, ReadConcurrency)
}

func (c *Client) composite(ctx context.Context, reqs []SubRequest, parallel int) ([]SubResponse, error) {
	for i := range reqs {
		if reqs[i].ReferenceID == "" {
			reqs[i].ReferenceID = fmt.Sprintf("r%d", i)
		}
	}
	out := make([]SubResponse, len(reqs))
	chunks := compositeChunks(reqs)
	errs := make([]error, len(chunks))
	send := func(k int) {
		idx := chunks[k]
		chunk := make([]SubRequest, len(idx))
		for j, i := range idx {
			chunk[j] = reqs[i]
		}
		body := map[string]any{"allOrNone": false, "collateSubrequests": false, "compositeRequest": chunk}
		var res struct {
			CompositeResponse []SubResponse `json:"compositeResponse"`
		}
		if err := c.Do(ctx, "POST", c.DataPath("composite"), body, &res); err != nil {
			errs[k] = err
			return
		}
		byRef := map[string]SubResponse{}
		for _, r := range res.CompositeResponse {
			byRef[r.ReferenceID] = r
		}
		for j, r := range chunk {
			sr, ok := byRef[r.ReferenceID]
			if !ok {
				errs[k] = fmt.Errorf("composite answer lacks subrequest %q", r.ReferenceID)
				return
			}
			out[idx[j]] = sr
		}
	}
	if parallel <= 1 || len(chunks) == 1 {
		for k := range chunks {
			if send(k); errs[k] != nil {
				return nil, errs[k]
			}
		}
		return out, nil
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for k := range chunks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			send(k)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UserInfo is the part of /services/oauth2/userinfo sfprov uses.
type UserInfo struct {
	UserID         string `json:"user_id"`
	OrganizationID string `json:"organization_id"`
	Username       string `json:"preferred_username"`
	// The user's settings: TimeZoneSidKey, LocaleSidKey and
	// LanguageLocaleKey (OpenID Connect userinfo's zoneinfo, locale and
	// language, as Salesforce fills them).
	TimeZone string `json:"zoneinfo"`
	Locale   string `json:"locale"`
	Language string `json:"language"`
}

// UserInfo asks who the token belongs to.
func (c *Client) UserInfo(ctx context.Context) (*UserInfo, error) {
	var ui UserInfo
	if err := c.Do(ctx, "GET", "/services/oauth2/userinfo", nil, &ui); err != nil {
		return nil, fmt.Errorf("identify the running user: %w", err)
	}
	return &ui, nil
}

// Batch is one sObject Collections operation: "POST" (create) or "PATCH"
// (update) of Records, or "DELETE" of IDs.
type Batch struct {
	Method  string
	Records []Record
	IDs     []string
}

// BatchResult is the outcome of one Batch: one SaveResult per record, in input
// order, as far as Salesforce answered; Err when a part was refused whole.
type BatchResult struct {
	Results []SaveResult
	Err     error
}

// Collections runs many sObject Collections operations with as few calls as
// possible: each 200-record chunk is a subrequest of a /composite call, which
// takes five such subrequests (salesforce-api-facts.md §10; REST guide,
// resources_composite_composite.htm). Subrequests run in order.
func (c *Client) Collections(ctx context.Context, batches []Batch) ([]BatchResult, error) {
	type part struct{ batch, n int }
	var reqs []SubRequest
	var parts []part
	for bi, b := range batches {
		n := len(b.Records)
		if b.Method == "DELETE" {
			n = len(b.IDs)
		}
		for start := 0; start < n; start += CollectionLimit {
			end := min(start+CollectionLimit, n)
			r := SubRequest{Method: b.Method, URL: c.DataPath("composite/sobjects")}
			if b.Method == "DELETE" {
				r.URL += "?allOrNone=false&ids=" + strings.Join(b.IDs[start:end], ",")
			} else {
				r.Body = map[string]any{"allOrNone": false, "records": b.Records[start:end]}
			}
			reqs = append(reqs, r)
			parts = append(parts, part{bi, end - start})
		}
	}
	out := make([]BatchResult, len(batches))
	if len(reqs) == 0 {
		return out, nil
	}
	resps, err := c.Composite(ctx, reqs)
	if err != nil {
		return out, err
	}
	for i, resp := range resps {
		br := &out[parts[i].batch]
		if e := resp.Err(reqs[i].Method, reqs[i].URL); e != nil {
			if br.Err == nil {
				br.Err = e
			}
			// Keep positions: the records of a refused chunk have no result.
			br.Results = append(br.Results, make([]SaveResult, parts[i].n)...)
			continue
		}
		var res []SaveResult
		if e := json.Unmarshal(resp.Body, &res); e != nil {
			return out, fmt.Errorf("decode collections answer: %w", e)
		}
		br.Results = append(br.Results, res...)
	}
	return out, nil
}

// Identity is who a session acts as and in which org.
type Identity struct {
	UserID, OrgID, Username string
	OrgName, OrgType        string
	IsSandbox               bool
}

// Identify reads the session's user (userinfo) and its org (Organization),
// the two requests sent together.
func (c *Client) Identify(ctx context.Context) (*Identity, error) {
	var (
		ui      *UserInfo
		orgs    []Record
		uiErr   error
		orgErr  error
		orgDone = make(chan struct{})
	)
	go func() {
		defer close(orgDone)
		orgs, orgErr = c.Query(ctx, "SELECT Id, Name, IsSandbox, OrganizationType FROM Organization")
	}()
	ui, uiErr = c.UserInfo(ctx)
	<-orgDone
	if uiErr != nil {
		return nil, uiErr
	}
	if orgErr != nil {
		return nil, fmt.Errorf("read the organization: %w", orgErr)
	}
	id := &Identity{UserID: ui.UserID, OrgID: ui.OrganizationID, Username: ui.Username}
	if len(orgs) > 0 {
		id.OrgName, id.OrgType, id.IsSandbox = orgs[0].String("Name"), orgs[0].String("OrganizationType"), orgs[0].Bool("IsSandbox")
	}
	return id, nil
}
