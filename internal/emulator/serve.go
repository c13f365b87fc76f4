package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/oauth"
)

// reqCtx is one authenticated API request.
type reqCtx struct {
	w       http.ResponseWriter
	r       *http.Request
	user    oauth.User
	ver     string // API version, e.g. "62.0"
	tooling bool   // under /tooling/
	base    string // instance URL, e.g. http://127.0.0.1:8080
	mutated bool   // whether the request changed the org (then it is saved)
}

// counted reports whether a request counts against DailyApiRequests: every
// REST call under /services/data/vXX.X, and the identity and userinfo calls
// (issue 3: "DailyApiRequests counts every API request"; whether Salesforce
// counts the identity service is UNCONFIRMED). The version list
// /services/data does not count and gets no Sforce-Limit-Info header
// (facts §12, api_rest/headers_api_usage.htm); neither do the authorize,
// token and revoke endpoints, which are not API calls.
func counted(r *http.Request) bool {
	p := collapseSlashes(r.URL.Path)
	return strings.HasPrefix(p, "/services/data/v") || strings.HasPrefix(p, "/services/oauth2/userinfo") || strings.HasPrefix(p, "/id/")
}

// instanceURL is the URL clients reach the org at, from the request.
func instanceURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (o *Org) serve(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if strings.HasPrefix(p, "/services/data") {
		// Compressed requests and responses (compress.go). The compressing
		// writer goes first, so that the XML writer below ends before it.
		if aerr := decompressRequest(r); aerr != nil {
			writeError(w, aerr)
			return
		}
		if cw := compressResponse(w, r); cw != nil {
			defer cw.Close()
			w = cw
		}
	}
	if strings.HasPrefix(p, "/services/data/v") {
		// XML on request (see xml.go), errors included.
		if x, np := wantsXML(r, p); x {
			p = np
			xw := &xmlResponse{ResponseWriter: w}
			defer xw.finish(xmlRoot(strings.TrimPrefix(p, "/services/data/v")))
			w = xw
		}
	}
	switch {
	case p == "/services/oauth2/token":
		o.auth.ServeToken(w, r)
		return
	case p == "/services/oauth2/revoke":
		o.auth.ServeRevoke(w, r)
		return
	case p == "/services/oauth2/authorize":
		// The web server flow's authorization endpoint (package oauth,
		// authorize.go): a browser's page, not an API call, so neither
		// authenticated nor counted.
		o.auth.ServeAuthorize(w, r)
		return
	case p == oauth.ErrorPagePath:
		// Salesforce's OAuth error page, where a refused scope ends.
		o.auth.ServeErrorPage(w, r)
		return
	case p == "/services/data":
		o.serveVersions(w, r)
		return
	case strings.HasPrefix(p, "/services/Soap/u/"):
		o.serveSOAPLogin(w, r, strings.TrimPrefix(p, "/services/Soap/u/"))
		return
	case strings.HasPrefix(p, "/services/Soap/m/"):
		// The Metadata API's deploy calls (metadata_soap.go); the session
		// is in the envelope, so authentication happens there.
		o.serveSOAPMetadata(w, r, strings.TrimPrefix(p, "/services/Soap/m/"))
		return
	case strings.HasPrefix(p, "/services/Soap/"):
		// The Enterprise, Tooling and other SOAP APIs are not emulated.
		// Their session travels in a SOAP header, so checking the bearer
		// token first would answer INVALID_SESSION_ID and send a client to
		// log in again; "no such resource" says what is true.
		writeError(w, errNotFound())
		return
	}
	user, aerr := o.authenticate(r)
	if aerr != nil {
		if p == "/services/oauth2/singleaccess" {
			// sf core (org.js getFrontDoorUrl) checks the token first
			// because this endpoint answers 403, not 401, for a bad one;
			// the body is UNCONFIRMED.
			aerr.status = http.StatusForbidden
		}
		writeError(w, aerr)
		return
	}
	switch {
	case p == "/services/oauth2/singleaccess":
		o.serveSingleAccess(w, r)
		return
	case p == "/services/oauth2/userinfo":
		if o.countLocked(w) {
			o.serveUserinfo(w, r, user)
		}
		return
	case strings.HasPrefix(p, "/id/"):
		if o.countLocked(w) {
			o.serveIdentity(w, r, user, strings.TrimPrefix(p, "/id/"))
		}
		return
	case strings.HasPrefix(p, "/services/data/v"):
	default:
		writeError(w, errNotFound())
		return
	}
	rest := strings.TrimPrefix(p, "/services/data/v")
	// A ".json" suffix asks for the JSON form, the default (REST API guide,
	// "Resources and formats"; G18); ".xml" was handled above.
	rest = strings.TrimSuffix(rest, ".json")
	ver, rest, _ := strings.Cut(rest, "/")
	if !knownVersion(ver) {
		// Versions must be written with the decimal ("v60.0"); others are 404 (facts §12).
		writeError(w, errNotFound())
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.apiEnabled(user.ID) {
		// A user whose profile and permission sets lack "API Enabled" cannot
		// use the API: API_CURRENTLY_DISABLED "API is disabled for this User"
		// (restforce/restforce#562: returned when API access is disabled in
		// the user's profile; the message as Salesforce error guides quote it).
		writeError(w, errMsg(http.StatusForbidden, "API_CURRENTLY_DISABLED", "API is disabled for this User"))
		return
	}
	if !o.count(w) {
		return
	}
	o.refreshGroups()
	o.syncRecordTypeFields()
	c := &reqCtx{w: w, r: r, user: user, ver: ver, base: instanceURL(r)}
	o.route(c, rest)
	if c.mutated {
		// facts: the brief's persistence contract — save after every mutating request.
		if err := o.save(); err != nil {
			// The response is already written; the operator sees the failure.
			fmt.Fprintln(os.Stderr, err)
		}
	}
}

// count counts one API request (the caller holds o.mu); false when the daily
// limit is spent, after answering 403 REQUEST_LIMIT_EXCEEDED (facts §12) with
// the body a real org sent, as logged in public notes found by code search:
// [{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}].
func (o *Org) count(w http.ResponseWriter) bool {
	o.rollAPIDay()
	if o.meta.APICalls >= o.dailyLimit() {
		writeError(w, errMsg(http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))
		return false
	}
	o.meta.APICalls++
	// Source: facts §12 (Sforce-Limit-Info: api-usage=used/limit on counted
	// responses); fixtures/INDEX.md recorded "api-usage=924/15000".
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", o.meta.APICalls, o.dailyLimit()))
	return true
}

// apiEnabled reports whether the user holds PermissionsApiEnabled through
// their profile's set or any assigned set (groups through their own set).
func (o *Org) apiEnabled(userID string) bool {
	return o.userHasPermission(userID, "PermissionsApiEnabled")
}

// userHasPermission reports whether one of the user's permission sets (their
// profile's included) grants perm. No user (the static admin token) has all.
func (o *Org) userHasPermission(userID, perm string) bool {
	if userID == "" {
		return true
	}
	// The assignee index: this check runs on every request.
	for _, a := range o.st.lookup(ixPSAAssignee, userID) {
		if a["AssigneeId"] != userID {
			continue
		}
		if _, ps, ok := o.st.Get(str(a, "PermissionSetId")); ok && ps[perm] == true {
			return true
		}
	}
	return false
}

func (o *Org) countLocked(w http.ResponseWriter) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.count(w)
}

// authenticate checks the bearer token (Authorization header, or the
// oauth_token parameter that jsforce adds to identity URLs, real-clients.md §2).
func (o *Org) authenticate(r *http.Request) (oauth.User, *apiError) {
	token := ""
	if h := r.Header.Get("Authorization"); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			token = strings.TrimSpace(t)
		} else if t, ok := strings.CutPrefix(h, "OAuth "); ok {
			token = strings.TrimSpace(t)
		}
	}
	if token == "" {
		token = r.URL.Query().Get("oauth_token")
	}
	u, err := o.auth.Authenticate(token)
	if err != nil {
		if errors.Is(err, oauth.ErrExpired) || errors.Is(err, oauth.ErrInvalid) {
			return oauth.User{}, errSession()
		}
		return oauth.User{}, errSession()
	}
	return u, nil
}

// route dispatches /services/data/vXX.X/<rest>.
func (o *Org) route(c *reqCtx, rest string) {
	parts := splitPath(rest)
	if len(parts) > 0 && parts[0] == "tooling" {
		c.tooling = true
		parts = parts[1:]
		if len(parts) == 0 {
			o.serveToolingResources(c)
			return
		}
	}
	if len(parts) == 0 {
		o.serveResources(c)
		return
	}
	o.pollInstalls(c, parts) // a status read of package installs (packages_install.go)
	var err *apiError
	switch parts[0] {
	case "metadata":
		err = o.serveMetadata(c, parts[1:]) // REST deploys (metadata_deploy.go)
	case "apps":
		err = o.serveApps(c, parts[1:]) // Connect OAuth credentials of External Client Apps (metadata_eca.go)
	case "sobjects":
		err = o.serveSObjects(c, parts[1:])
	case "query", "queryAll":
		err = o.serveQuery(c, parts[0] == "queryAll", parts[1:])
	case "composite":
		if !compositeAvailable(c.ver, parts) {
			err = errNotFound()
		} else if len(parts) >= 2 && parts[1] == "sobjects" {
			err = o.serveCollections(c, parts[2:])
		} else if len(parts) == 2 && parts[1] == "graph" {
			err = o.serveGraph(c)
		} else if len(parts) == 2 && parts[1] == "batch" {
			err = o.serveBatch(c)
		} else if len(parts) == 3 && parts[1] == "tree" && !c.tooling {
			err = o.serveTree(c, parts[2])
		} else if len(parts) == 1 {
			err = o.serveComposite(c)
		} else {
			err = errNotFound()
		}
	case "jobs":
		err = o.serveJobs(c, parts[1:]) // Bulk API 2.0 (bulk2.go)
	case "search":
		if len(parts) != 1 {
			err = errNotFound()
		} else {
			err = o.serveSearch(c)
		}
	case "recent":
		// Recently viewed records: the API does not view records, so an org
		// used only through the API has none (REST API guide, "Recently
		// Viewed Items").
		if c.r.Method != http.MethodGet || len(parts) != 1 {
			err = errNotFound()
		} else {
			writeJSON(c.w, http.StatusOK, []any{})
		}
	case "limits":
		if c.tooling {
			err = errNotFound()
		} else {
			err = o.serveLimits(c, parts[1:])
		}
	default:
		err = errNotFound()
	}
	if err != nil {
		writeError(c.w, err)
	}
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// apiVersions are the versions the org serves: those of the recorded
// version list fixtures/services-data-versions.json (31.0 to 66.0).
var apiVersions = func() []string {
	var out []string
	for v := 31; v <= 66; v++ {
		out = append(out, strconv.Itoa(v)+".0")
	}
	return out
}()

func knownVersion(v string) bool {
	for _, x := range apiVersions {
		if x == v {
			return true
		}
	}
	return false
}

// serveSingleAccess exchanges the access token for a one-time frontdoor URL
// (Salesforce Help "Generate a Frontdoor URL to Bridge into UI Sessions",
// the Single Access UI Bridge API): {"frontdoor_uri": instance +
// "/secur/frontdoor.jsp?otp=...&startURL=..."}, which `sf org open
// --url-only` needs (@salesforce/core org.js getFrontDoorUrl, emulator-gaps.md
// G14). The emulator has no UI behind the URL.
func (o *Org) serveSingleAccess(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeError(w, errMethod(r.Method, "GET", "POST"))
		return
	}
	o.mu.Lock()
	otp, err := RandomToken(o.meta.OrgID)
	o.mu.Unlock()
	if err != nil {
		writeError(w, errMsg(http.StatusInternalServerError, "UNKNOWN_EXCEPTION", err.Error()))
		return
	}
	u := instanceURL(r) + "/secur/frontdoor.jsp?otp=" + url.QueryEscape(otp)
	if start := r.URL.Query().Get("redirect_uri"); start != "" {
		u += "&startURL=" + url.QueryEscape(start)
	}
	writeJSON(w, http.StatusOK, map[string]string{"frontdoor_uri": u})
}

// compositeAvailable reports whether the composite resource at parts exists
// in API version ver. Each resource's "Available since" line in the REST API
// Developer Guide: composite tree 33.0, composite batch 34.0, composite 38.0,
// sObject Collections 42.0, composite graph 50.0 (jsforce falls back to single requests below
// 42.0, real-clients.md §2); before that, the generic 404 (G15).
func compositeAvailable(ver string, parts []string) bool {
	since := 38.0
	if len(parts) >= 2 {
		switch parts[1] {
		case "tree":
			since = 33.0
		case "batch":
			since = 34.0
		case "sobjects":
			since = 42.0
		case "graph":
			since = 50.0
		}
	}
	v, err := strconv.ParseFloat(ver, 64)
	return err == nil && v >= since
}
