package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"regexp"
	"strconv"
	"strings"
)

// maxSubrequests is the composite limit (facts §10: "Limit: 25 subrequests").
const maxSubrequests = 25

type compositeRequest struct {
	AllOrNone          bool              `json:"allOrNone"`
	CollateSubrequests *bool             `json:"collateSubrequests"`
	CompositeRequest   []compositeSubreq `json:"compositeRequest"`
}

type compositeSubreq struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        json.RawMessage   `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
}

// compositeResult is one subrequest's answer. Source: fixtures
// composite-two-queries.json (body, httpHeaders, httpStatusCode, referenceId).
type compositeResult struct {
	Body           json.RawMessage   `json:"body"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
	HTTPStatusCode int               `json:"httpStatusCode"`
	ReferenceID    string            `json:"referenceId"`
}

// maxQuerySubrequests bounds the query and collections subrequests of one composite call.
const maxQuerySubrequests = 5

// isQueryOrCollection reports whether a subrequest URL is a query, queryAll,
// query-more or sObject Collections resource.
func isQueryOrCollection(url string) bool {
	path, _, _ := strings.Cut(collapseSlashes(url), "?")
	parts := splitPath(path)
	// services/data/vXX.X[/tooling]/<resource>...
	if len(parts) < 4 {
		return false
	}
	rest := parts[3:]
	if rest[0] == "tooling" && len(rest) > 1 {
		rest = rest[1:]
	}
	switch rest[0] {
	case "query", "queryAll":
		return true
	case "composite":
		return len(rest) > 1 && rest[1] == "sobjects"
	}
	return false
}

// refPattern matches @{refId.path} references (facts §10), and
// @{refId[n].path} into a subrequest whose answer is a JSON array, such as an
// sObject Collections one: "The [] operator indexes a JSON collection" (REST
// API guide, Composite Subrequest; its halted-reference example names
// refNewAccount[1].id).
var refPattern = regexp.MustCompile(`@\{([A-Za-z0-9_]+)((?:\[[0-9]+\])?)\.([^}]+)\}`)

var encodedRef = regexp.MustCompile(`(?i)%40%7B([A-Za-z0-9_]+(?:%5B[0-9]+%5D)?\.[^%]+?(?:%5B[0-9]+%5D[^%]*?)*)%7D`)

// Messages of halted subrequests. Source: the composite examples of the
// Salesforce REST API guide (PROCESSING_HALTED "The transaction was rolled
// back since another operation in the same transaction failed." and "Invalid
// reference specified. No value for refNewAccount[1].id found in
// refNewAccount."), as quoted in public copies of the guide.
const msgRolledBack = "The transaction was rolled back since another operation in the same transaction failed."

// serveComposite handles POST /composite (and /tooling/composite). The whole
// request counts as one API call (facts §10); it answers 200 whatever the
// subrequests did.
func (o *Org) serveComposite(c *reqCtx) *apiError {
	if c.r.Method != http.MethodPost {
		return errMethod(c.r.Method, "POST")
	}
	var req compositeRequest
	if aerr := decodeInto(c.r, &req); aerr != nil {
		return aerr
	}
	if len(req.CompositeRequest) == 0 {
		return errMsg(http.StatusBadRequest, "INVALID_BATCH_REQUEST", "compositeRequest must contain at least one subrequest")
	}
	if len(req.CompositeRequest) > maxSubrequests {
		writeCompositeLimit(c, fmt.Sprintf("The request can’t contain more than %d operations.", maxSubrequests))
		return nil
	}
	// "Up to 5 of these subrequests can be sObject Collections or query
	// operations, including Query and QueryAll requests" (REST API guide,
	// resources_composite_composite.htm, v43+). The wording follows the
	// 25-operation answer; "query or sObject Collections operations" is
	// UNCONFIRMED.
	heavy := 0
	for _, s := range req.CompositeRequest {
		if isQueryOrCollection(s.URL) {
			heavy++
		}
	}
	if heavy > maxQuerySubrequests {
		writeCompositeLimit(c, fmt.Sprintf("The request can’t contain more than %d query or sObject Collections operations.", maxQuerySubrequests))
		return nil
	}
	seen := map[string]bool{}
	for _, s := range req.CompositeRequest {
		if s.ReferenceID == "" || seen[s.ReferenceID] {
			return errMsg(http.StatusBadRequest, "INVALID_INPUT", "Duplicate or missing referenceId: "+s.ReferenceID)
		}
		seen[s.ReferenceID] = true
	}
	results, _ := o.runComposite(c, req.CompositeRequest, req.AllOrNone)
	writeJSON(c.w, http.StatusOK, map[string]any{"compositeResponse": results})
	return nil
}

// runComposite runs the subrequests of one composite request (or of one
// graph) in order, resolving @{ref.path} references; with allOrNone the
// first failure undoes everything. ok is false when it did.
func (o *Org) runComposite(c *reqCtx, subs []compositeSubreq, allOrNone bool) (results []compositeResult, ok bool) {
	rollback, commit := o.st.begin()
	results = make([]compositeResult, 0, len(subs))
	bodies := map[string]any{}  // referenceId → decoded body of a successful subrequest
	failed := map[string]bool{} // referenceIds that failed
	halted := false
	for _, s := range subs {
		if halted {
			results = append(results, haltedResult(s.ReferenceID, msgRolledBack))
			continue
		}
		url, body, missing := substitute(s, bodies)
		if missing != "" {
			failed[s.ReferenceID] = true
			results = append(results, haltedResult(s.ReferenceID, fmt.Sprintf("Invalid reference specified. No value for %s found in %s.", missing, refName(missing))))
			if allOrNone {
				halted = true
			}
			continue
		}
		res := o.subrequest(c, s.Method, url, body, s.ReferenceID)
		results = append(results, res)
		if res.HTTPStatusCode >= 400 {
			failed[s.ReferenceID] = true
			if allOrNone {
				halted = true
			}
			continue
		}
		var decoded any
		if len(res.Body) > 0 {
			_ = json.Unmarshal(res.Body, &decoded)
		}
		bodies[s.ReferenceID] = decoded
	}
	if halted {
		// allOrNone: every change is undone and the successful subrequests
		// report the roll-back (facts §10: "allOrNone=true rolls back everything").
		rollback()
		for i := range results {
			if results[i].HTTPStatusCode < 400 {
				results[i] = haltedResult(results[i].ReferenceID, msgRolledBack)
			}
		}
	} else {
		commit()
	}
	return results, !halted
}

// serveGraph handles /composite/graph (REST API guide, "Composite Graph",
// v50.0+): {"graphs":[{"graphId","compositeRequest":[...]}]}, each graph
// all-or-nothing on its own, answered {"graphs":[{"graphId","graphResponse":
// {"compositeResponse":[...]},"isSuccessful"}]} (fixtures
// composite-graph-v66.json, recorded from a live org). Limits: 500 nodes per
// graph (the guide); the error wording for more is UNCONFIRMED.
func (o *Org) serveGraph(c *reqCtx) *apiError {
	if c.r.Method != http.MethodPost {
		return errMethod(c.r.Method, "POST")
	}
	var req struct {
		Graphs []struct {
			GraphID          string            `json:"graphId"`
			CompositeRequest []compositeSubreq `json:"compositeRequest"`
		} `json:"graphs"`
	}
	if aerr := decodeInto(c.r, &req); aerr != nil {
		return aerr
	}
	if len(req.Graphs) == 0 {
		return errMsg(http.StatusBadRequest, "INVALID_INPUT", "graphs must contain at least one graph")
	}
	type graphOut struct {
		GraphID       string                       `json:"graphId"`
		GraphResponse map[string][]compositeResult `json:"graphResponse"`
		IsSuccessful  bool                         `json:"isSuccessful"`
	}
	out := make([]graphOut, 0, len(req.Graphs))
	for _, g := range req.Graphs {
		if len(g.CompositeRequest) > 500 {
			return errMsg(http.StatusBadRequest, "LIMIT_EXCEEDED", "A graph can't contain more than 500 nodes.")
		}
		seen := map[string]bool{}
		for _, s := range g.CompositeRequest {
			if s.ReferenceID == "" || seen[s.ReferenceID] {
				return errMsg(http.StatusBadRequest, "INVALID_INPUT", "Duplicate or missing referenceId: "+s.ReferenceID)
			}
			seen[s.ReferenceID] = true
		}
		results, ok := o.runComposite(c, g.CompositeRequest, true)
		out = append(out, graphOut{GraphID: g.GraphID, GraphResponse: map[string][]compositeResult{"compositeResponse": results}, IsSuccessful: ok})
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"graphs": out})
	return nil
}

func haltedResult(ref, msg string) compositeResult {
	b, _ := json.Marshal([]codeFirst{{"PROCESSING_HALTED", msg}})
	return compositeResult{Body: b, HTTPHeaders: map[string]string{}, HTTPStatusCode: http.StatusBadRequest, ReferenceID: ref}
}

// refName is the referenceId a reference starts with: "refNewAccount" of
// "refNewAccount[1].id".
func refName(ref string) string {
	if i := strings.IndexAny(ref, ".["); i >= 0 {
		return ref[:i]
	}
	return ref
}

// substitute resolves @{ref.path} in the url and body. missing names the
// first reference without a value.
func substitute(s compositeSubreq, bodies map[string]any) (url string, body []byte, missing string) {
	resolve := func(text string, inJSON bool) string {
		return refPattern.ReplaceAllStringFunc(text, func(m string) string {
			sub := refPattern.FindStringSubmatch(m)
			path := sub[3]
			if sub[2] != "" {
				path = sub[2] + "." + path
			}
			v, ok := lookupPath(bodies, sub[1], path)
			if !ok {
				if missing == "" {
					missing = sub[1] + sub[2] + "." + sub[3]
				}
				return m
			}
			s := fmt.Sprint(v)
			if f, isNum := v.(float64); isNum {
				s = strconv.FormatFloat(f, 'f', -1, 64)
			}
			if inJSON {
				// Inside a JSON string literal the value must stay escaped.
				q, _ := json.Marshal(s)
				return string(q[1 : len(q)-1])
			}
			return s
		})
	}
	// References inside a query string may arrive percent-encoded.
	url = resolve(encodedRef.ReplaceAllStringFunc(s.URL, func(m string) string {
		inner := encodedRef.FindStringSubmatch(m)[1]
		if u, err := neturl.PathUnescape(inner); err == nil {
			inner = u
		}
		return "@{" + inner + "}"
	}), false)
	if len(s.Body) > 0 && string(s.Body) != "null" {
		body = []byte(resolve(string(s.Body), true))
	}
	return url, body, missing
}

// lookupPath follows "id", "records[0].Id", "a.b" or, into an array answer,
// "[1].id" into a subrequest body.
func lookupPath(bodies map[string]any, ref, path string) (any, bool) {
	cur, ok := bodies[ref]
	if !ok {
		return nil, false
	}
	if strings.HasPrefix(path, "[") {
		end := strings.IndexByte(path, ']')
		n, err := strconv.Atoi(path[1:max(end, 1)])
		arr, isArr := cur.([]any)
		if end < 0 || err != nil || !isArr || n >= len(arr) || !strings.HasPrefix(path[end+1:], ".") {
			return nil, false
		}
		cur, path = arr[n], path[end+2:]
	}
	for _, seg := range strings.Split(path, ".") {
		name, idx := seg, -1
		if i := strings.IndexByte(seg, '['); i >= 0 && strings.HasSuffix(seg, "]") {
			n, err := strconv.Atoi(seg[i+1 : len(seg)-1])
			if err != nil {
				return nil, false
			}
			name, idx = seg[:i], n
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[name]; !ok {
			return nil, false
		}
		if idx >= 0 {
			arr, ok := cur.([]any)
			if !ok || idx >= len(arr) {
				return nil, false
			}
			cur = arr[idx]
		}
	}
	if cur == nil {
		return nil, false
	}
	return cur, true
}

// subrequest runs one composite subrequest through the same routes as a
// top-level request (without counting it again).
func (o *Org) subrequest(c *reqCtx, method, url string, body []byte, ref string) compositeResult {
	rec := httptest.NewRecorder()
	req, err := http.NewRequestWithContext(c.r.Context(), method, url, bytes.NewReader(body))
	out := compositeResult{HTTPHeaders: map[string]string{}, ReferenceID: ref}
	prefix := "/services/data/v"
	path := ""
	if err == nil {
		path = collapseSlashes(req.URL.Path)
	}
	if err != nil || !strings.HasPrefix(path, prefix) {
		b, _ := json.Marshal([]codeFirst{{"NOT_FOUND", "The requested resource does not exist"}})
		out.Body, out.HTTPStatusCode = b, http.StatusNotFound
		return out
	}
	req.Host = c.r.Host
	rest := strings.TrimPrefix(path, prefix)
	ver, rest, _ := strings.Cut(rest, "/")
	sub := &reqCtx{w: rec, r: req, user: c.user, ver: ver, base: c.base}
	parts := splitPath(rest)
	switch {
	case !knownVersion(ver):
		writeError(rec, errNotFound())
	case len(parts) > 0 && (parts[0] == "composite" && len(parts) == 1 || len(parts) > 1 && parts[0] == "tooling" && parts[1] == "composite" && len(parts) == 2):
		// Composite inside composite is not allowed (facts §10 lists what is).
		writeError(rec, errMsg(http.StatusBadRequest, "INVALID_URL", "The composite resource cannot be a subrequest"))
	default:
		o.route(sub, rest)
	}
	if sub.mutated {
		c.mutated = true
	}
	out.HTTPStatusCode = rec.Code
	if b := bytes.TrimSpace(rec.Body.Bytes()); len(b) > 0 {
		out.Body = b
	} else {
		out.Body = json.RawMessage("null")
	}
	if rec.Code == http.StatusCreated && method == http.MethodPost {
		// A create subrequest carries its Location (fixtures composite-graph-v66.json).
		var sr struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(out.Body, &sr) == nil && sr.ID != "" {
			out.HTTPHeaders["Location"] = strings.TrimSuffix(path, "/") + "/" + sr.ID
		}
	}
	return out
}

func decodeInto(r *http.Request, v any) *apiError {
	data, aerr := readJSONBody(r)
	if aerr != nil {
		return aerr
	}
	if err := json.Unmarshal(data, v); err != nil {
		return errJSON("Cannot deserialize the request body: " + err.Error())
	}
	return nil
}

// writeCompositeLimit answers a composite request over a limit the way a
// live org answered 26 subrequests: one compositeResponse entry with
// httpStatusCode 400, no referenceId and [{"errorCode":"LIMIT_EXCEEDED",
// "message":"The request can’t contain more than 25 operations."}] (the
// response logged in guardian/support-service-lambdas#766). The outer 200
// is that of every composite answer (UNCONFIRMED for this case).
func writeCompositeLimit(c *reqCtx, msg string) {
	body, _ := json.Marshal([]codeFirst{{"LIMIT_EXCEEDED", msg}})
	type entry struct {
		Body           json.RawMessage   `json:"body"`
		HTTPHeaders    map[string]string `json:"httpHeaders"`
		HTTPStatusCode int               `json:"httpStatusCode"`
		ReferenceID    *string           `json:"referenceId"`
	}
	writeJSON(c.w, http.StatusOK, map[string][]entry{"compositeResponse": {{Body: body, HTTPHeaders: map[string]string{}, HTTPStatusCode: http.StatusBadRequest}}})
}
