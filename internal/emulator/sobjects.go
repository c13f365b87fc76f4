package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// view is the catalog as the request's API and user see it: objects the
// user may not read, or that its API version lacks, are absent
// (rules_access.go).
func (o *Org) view(c *reqCtx) schema.View {
	return schema.View{C: o.cat, Tooling: c.tooling, Hidden: o.hiddenFor(c)}
}

func (o *Org) dmlOf(c *reqCtx) dml { return dml{userID: c.user.ID, tooling: c.tooling} }

func (o *Org) sobjectsPrefix(c *reqCtx) string {
	p := "/services/data/v" + c.ver
	if c.tooling {
		p += "/tooling"
	}
	return p + "/sobjects/"
}

// serveSObjects handles /sobjects and everything under it.
func (o *Org) serveSObjects(c *reqCtx, parts []string) *apiError {
	m := c.r.Method
	if len(parts) == 0 {
		if m != http.MethodGet && m != http.MethodHead {
			return errMethod(m)
		}
		return o.serveGlobalDescribe(c)
	}
	obj, ok := o.view(c).Lookup(parts[0])
	if !ok {
		// Source: fixtures error-NOT_FOUND-unknown-sobject-v51.json.
		return errNotFound()
	}
	switch len(parts) {
	case 1:
		switch m {
		case http.MethodGet, http.MethodHead:
			return o.serveBasicInfo(c, obj)
		case http.MethodPost:
			if obj.Createable && o.dmlOf(c).writable(obj) {
				return o.serveCreate(c, obj)
			}
		}
		// The resource allows POST only for objects that can be created
		// (describe createable); others answer 405 like DELETE on a User.
		if obj.Createable && o.dmlOf(c).writable(obj) {
			return errMethod(m, "GET", "HEAD", "POST")
		}
		return errMethod(m, "GET", "HEAD")
	case 2:
		if parts[1] == "updated" || parts[1] == "deleted" {
			return o.serveReplication(c, obj, parts[1])
		}
		if parts[1] == "describe" {
			if m != http.MethodGet && m != http.MethodHead {
				return errMethod(m)
			}
			writeJSON(c.w, http.StatusOK, o.describe(c, obj))
			return nil
		}
		return o.serveRecord(c, obj, parts[1])
	case 3:
		if obj.Name == "User" && parts[2] == "password" {
			return o.servePassword(c, parts[1])
		}
		if parts[1] == "describe" {
			// describe/layouts, compactLayouts, approvalLayouts... are not
			// served: the generic 404, not the external-Id one (G8).
			return errNotFound()
		}
		return o.serveByExternalID(c, obj, parts[1], parts[2])
	}
	return errNotFound()
}

func (o *Org) serveGlobalDescribe(c *reqCtx) *apiError {
	entries := []map[string]any{}
	for _, obj := range o.cat.Objects() {
		if seen, ok := o.view(c).Lookup(obj.Name); ok {
			// The object as this API sees it (Tooling's read-only view, realorg.go).
			entries = append(entries, seen.GlobalEntry(c.ver, c.base))
		}
	}
	// Source: fixtures describe-global-v59.json (encoding, maxBatchSize, sobjects).
	writeJSON(c.w, http.StatusOK, schema.OrderedMap{{Key: "encoding", Value: "UTF-8"}, {Key: "maxBatchSize", Value: 200}, {Key: "sobjects", Value: entries}})
	return nil
}

// serveBasicInfo answers GET /sobjects/{T}: objectDescribe and recentItems.
// Source: fixtures sobject-basic-info-Account-v63.json.
func (o *Org) serveBasicInfo(c *reqCtx, obj *schema.Object) *apiError {
	recent := []schema.OrderedMap{}
	all := o.st.All(obj.Name)
	_, hasName := obj.Field("Name")
	for i := len(all) - 1; i >= 0 && len(recent) < 5; i-- {
		r := all[i]
		item := schema.OrderedMap{{Key: "attributes", Value: o.attributes(c, obj.Name, r["Id"].(string))}, {Key: "Id", Value: r["Id"]}}
		if hasName {
			item = append(item, schema.KV{Key: "Name", Value: r["Name"]})
		}
		recent = append(recent, item)
	}
	writeJSON(c.w, http.StatusOK, schema.OrderedMap{{Key: "objectDescribe", Value: obj.GlobalEntry(c.ver, c.base)}, {Key: "recentItems", Value: recent}})
	return nil
}

func (o *Org) describe(c *reqCtx, obj *schema.Object) map[string]any {
	var rts []schema.RecordTypeInfo
	if obj.RecordTypes {
		// Every object with record types has the master record type
		// 012000000000000AAA (describe-Account-v58.json recordTypeInfos).
		custom := o.st.find("RecordType", func(r soql.Record) bool { return r["SobjectType"] == obj.Name && r["IsActive"] == true })
		for _, r := range custom {
			rts = append(rts, schema.RecordTypeInfo{ID: r["Id"].(string), Name: str(r, "Name"), DeveloperName: str(r, "DeveloperName")})
		}
		rts = append(rts, schema.RecordTypeInfo{ID: "012000000000000AAA", Name: "Master", DeveloperName: "Master", Master: true, Default: true})
	}
	var children []soql.ChildRelationship
	for _, cr := range o.view(c).ChildRelationships(obj.Name) {
		children = append(children, cr)
	}
	sort.SliceStable(children, func(i, j int) bool { return children[i].ChildSObject < children[j].ChildSObject })
	return obj.Describe(c.ver, c.base, children, rts)
}

func (o *Org) attributes(c *reqCtx, object, id string) schema.OrderedMap {
	return schema.OrderedMap{{Key: "type", Value: object}, {Key: "url", Value: o.sobjectsPrefix(c) + object + "/" + id}}
}

// renderRecord writes a record as GET /sobjects/{T}/{id} does: attributes,
// then the fields in describe order (fixtures sobject-User-by-id-v60.json).
func (o *Org) renderRecord(c *reqCtx, obj *schema.Object, rec soql.Record, only []*schema.Field) schema.OrderedMap {
	rec = o.toolingRecord(c, obj, rec)
	fields := only
	if fields == nil {
		fields = obj.Fields
	}
	out := make(schema.OrderedMap, 0, len(fields)+1)
	out = append(out, schema.KV{Key: "attributes", Value: o.attributes(c, obj.Name, rec["Id"].(string))})
	for _, f := range fields {
		v := rec[f.Name]
		if f.Type == "address" && v == nil {
			v = compoundAddress(obj, f, rec)
		}
		if f.Type == "complexvalue" {
			// Tooling compound fields are not part of list views of the record.
			v = rec[f.Name]
		}
		out = append(out, schema.KV{Key: f.Name, Value: v})
	}
	return out
}

// compoundAddress builds an address compound from its component fields
// (describe: components carry compoundFieldName), or null when all are empty.
func compoundAddress(obj *schema.Object, compound *schema.Field, rec soql.Record) any {
	prefix := strings.TrimSuffix(compound.Name, "Address")
	parts := map[string]string{"city": "City", "country": "Country", "countryCode": "CountryCode", "geocodeAccuracy": "GeocodeAccuracy",
		"latitude": "Latitude", "longitude": "Longitude", "postalCode": "PostalCode", "state": "State", "stateCode": "StateCode", "street": "Street"}
	m := map[string]any{}
	any := false
	for k, suffix := range parts {
		if _, ok := obj.Field(prefix + suffix); !ok {
			continue
		}
		v := rec[prefix+suffix]
		m[k] = v
		any = any || v != nil
	}
	if !any {
		return nil
	}
	return m
}

// readBody is a request body that has been read, kept so that errors can
// point into it (DMLError.atValue).
type readBody struct {
	io.Reader
	data []byte
}

func (readBody) Close() error { return nil }

// rawBody is the request body decodeBody read (nil before).
func rawBody(r *http.Request) []byte {
	if b, ok := r.Body.(*readBody); ok {
		return b.data
	}
	return nil
}

// recordError is the answer to a failed single-record write: a type error
// in the JSON is JSON_PARSER_ERROR with its position and no fields (G13),
// anything else the usual DML error body.
func recordError(c *reqCtx, e *DMLError) *apiError {
	if e.jsonValue && e.jsonKey != "" {
		return errJSON(e.atValue(rawBody(c.r)).Message)
	}
	return errDML(http.StatusBadRequest, e)
}

func decodeBody(r *http.Request) (any, *apiError) {
	data, aerr := readJSONBody(r)
	if aerr != nil {
		return nil, aerr
	}
	var v any
	_ = json.Unmarshal(data, &v) // valid: readJSONBody checked it
	return v, nil
}

// readJSONBody reads the request body, keeps it for rawBody, and checks that
// it is JSON.
func readJSONBody(r *http.Request) ([]byte, *apiError) {
	if b, ok := r.Body.(*readBody); ok {
		return b.data, nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, errJSON("could not read the request body")
	}
	r.Body = &readBody{Reader: bytes.NewReader(data), data: data}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errJSON("No content to map due to end-of-input")
	}
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		// Source: JSON_PARSER_ERROR (collections-upsert-error-JSON_PARSER_ERROR-v63.json).
		return nil, errJSON("Unexpected character in the request body: " + err.Error())
	}
	return data, nil
}

func decodeObject(r *http.Request) (map[string]any, *apiError) {
	v, err := decodeBody(r)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errJSON("Cannot deserialize instance of the sObject from START_ARRAY value")
	}
	return m, nil
}

// saveResult is the body of a successful create or upsert.
// Source: fixtures sobject-create-201.json; upsert-by-external-id-created-201-v60.json adds created.
type saveResult struct {
	ID      string   `json:"id"`
	Success bool     `json:"success"`
	Errors  []string `json:"errors"`
}

type upsertResult struct {
	ID      string   `json:"id"`
	Success bool     `json:"success"`
	Errors  []string `json:"errors"`
	Created bool     `json:"created"`
}

func (o *Org) serveCreate(c *reqCtx, obj *schema.Object) *apiError {
	body, aerr := decodeObject(c.r)
	if aerr != nil {
		return aerr
	}
	id, err := o.insert(o.dmlOf(c), obj, body)
	if err != nil {
		return recordError(c, err)
	}
	c.mutated = true
	writeJSON(c.w, http.StatusCreated, saveResult{ID: id, Success: true, Errors: []string{}})
	return nil
}

func (o *Org) serveRecord(c *reqCtx, obj *schema.Object, id string) *apiError {
	if !sfid.Valid(id) {
		return errNotAnID(id)
	}
	typ, rec, ok := o.st.Get(id)
	if !ok || typ != obj.Name {
		if m := c.r.Method; (m == http.MethodDelete || m == http.MethodPatch) && o.st.inBin(id, obj.Name) {
			// A record in the Recycle Bin cannot be changed or deleted again;
			// a GET of it stays NOT_FOUND. Source: a live org's answer to a
			// second DELETE of an Account, v49.0, quoted in the
			// mohan-chinnappan-n sfdx plugin docs: [{"message":"entity is
			// deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]; status
			// 404 as seen by integrations (emulator-gaps.md G2).
			return errDML(http.StatusNotFound, dmlErr("ENTITY_IS_DELETED", "entity is deleted"))
		}
		return errNotFound()
	}
	switch c.r.Method {
	case http.MethodGet, http.MethodHead:
		fields, aerr := o.fieldsParam(c, obj)
		if aerr != nil {
			return aerr
		}
		writeJSON(c.w, http.StatusOK, o.renderRecord(c, obj, rec, fields))
		return nil
	case http.MethodPatch:
		if !obj.Updateable || !o.dmlOf(c).writable(obj) {
			return o.methodNotAllowed(c, obj)
		}
		body, aerr := decodeObject(c.r)
		if aerr != nil {
			return aerr
		}
		if err := o.update(o.dmlOf(c), obj, rec["Id"].(string), body); err != nil {
			return recordError(c, err)
		}
		c.mutated = true
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	case http.MethodDelete:
		if !obj.Deletable || !o.dmlOf(c).writable(obj) {
			return o.methodNotAllowed(c, obj)
		}
		if err := o.remove(o.dmlOf(c), rec["Id"].(string)); err != nil {
			return errDML(http.StatusBadRequest, err)
		}
		c.mutated = true
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return o.methodNotAllowed(c, obj)
}

// errNotAnID is the answer to /sobjects/{T}/{x} when x is not a record Id:
// Salesforce reads the segment as an external-Id field name and answers 404
// NOT_FOUND "Provided external ID field does not exist or is not
// accessible: x", for GET, PATCH and DELETE alike (live-org API tests in
// JhordanSoto/salesforce-api-tests: GET /Account/-1, GET /Lead/-1, PATCH
// /Account/-1 and DELETE /Campaign/-1 all expect exactly this body; also
// restforce/restforce#376, a malformed User Id). A well-formed Id that names
// no record keeps the generic "The requested resource does not exist"
// (fixtures composite-subrequest-404-NOT_FOUND.json).
func errNotAnID(segment string) *apiError {
	return &apiError{http.StatusNotFound, []codeFirst{{"NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + segment}}}
}

// methodNotAllowed is 405 with the methods the record resource allows: a
// User cannot be deleted (facts §1: the User object has no delete()), so
// DELETE is refused this way. Wording UNCONFIRMED.
func (o *Org) methodNotAllowed(c *reqCtx, obj *schema.Object) *apiError {
	allowed := []string{"GET", "HEAD"}
	if obj.Updateable && o.dmlOf(c).writable(obj) {
		allowed = append(allowed, "PATCH")
	}
	if obj.Deletable && o.dmlOf(c).writable(obj) {
		allowed = append(allowed, "DELETE")
	}
	return &apiError{http.StatusMethodNotAllowed, []codeFirst{{"METHOD_NOT_ALLOWED",
		fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are %s", c.r.Method, strings.Join(allowed, ","))}}}
}

// fieldsParam resolves ?fields=A,B (nil when absent).
func (o *Org) fieldsParam(c *reqCtx, obj *schema.Object) ([]*schema.Field, *apiError) {
	q := c.r.URL.Query().Get("fields")
	if q == "" {
		return nil, nil
	}
	var out []*schema.Field
	for _, n := range strings.Split(q, ",") {
		n = strings.TrimSpace(n)
		f, ok := obj.Field(n)
		if !ok {
			// Same wording as SOQL's unknown column (the fields parameter is a query).
			return nil, errMsg(http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", n, obj.Name))
		}
		out = append(out, f)
	}
	return out, nil
}

// serveByExternalID handles /sobjects/{T}/{Field}/{Value}: GET, upsert
// (PATCH; 201 created or 200 updated, fixtures upsert-by-external-id-created-201-v60.json
// and upsert-by-id-updated-200-v59.json) and DELETE.
func (o *Org) serveByExternalID(c *reqCtx, obj *schema.Object, field, value string) *apiError {
	f, ok := obj.Field(field)
	if !ok || !(f.ExternalID || f.IDLookup) {
		// Wording from restforce's fixture (facts "Wanted but not found"), also
		// quoted from a real org in OpenFn's docs.
		return &apiError{http.StatusNotFound, []codeFirst{{"NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + field}}}
	}
	var matches []soql.Record
	if f.Name == "Id" {
		if typ, r, ok := o.st.Get(value); ok && typ == obj.Name {
			matches = []soql.Record{r}
		}
	} else {
		matches = o.st.find(obj.Name, func(r soql.Record) bool { s, _ := r[f.Name].(string); return strings.EqualFold(s, value) })
	}
	if len(matches) > 1 {
		// 300: the external Id matched more than one record (facts §12).
		urls := []string{}
		for _, m := range matches {
			urls = append(urls, o.sobjectsPrefix(c)+obj.Name+"/"+m["Id"].(string))
		}
		writeJSON(c.w, http.StatusMultipleChoices, urls)
		return nil
	}
	switch c.r.Method {
	case http.MethodGet, http.MethodHead:
		if len(matches) == 0 {
			return errNotFound()
		}
		writeJSON(c.w, http.StatusOK, o.renderRecord(c, obj, matches[0], nil))
		return nil
	case http.MethodDelete:
		if len(matches) == 0 {
			return errNotFound()
		}
		if !obj.Deletable {
			return o.methodNotAllowed(c, obj)
		}
		if err := o.remove(o.dmlOf(c), matches[0]["Id"].(string)); err != nil {
			return errDML(http.StatusBadRequest, err)
		}
		c.mutated = true
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	case http.MethodPatch, http.MethodPost:
		body, aerr := decodeObject(c.r)
		if aerr != nil {
			return aerr
		}
		if len(matches) == 1 {
			id := matches[0]["Id"].(string)
			delete(body, f.Name)
			if err := o.update(o.dmlOf(c), obj, id, body); err != nil {
				return recordError(c, err)
			}
			c.mutated = true
			writeJSON(c.w, http.StatusOK, upsertResult{ID: id, Success: true, Errors: []string{}, Created: false})
			return nil
		}
		if f.Name == "Id" {
			return errNotFound()
		}
		body[f.Name] = value
		id, err := o.insert(o.dmlOf(c), obj, body)
		if err != nil {
			return recordError(c, err)
		}
		c.mutated = true
		writeJSON(c.w, http.StatusCreated, upsertResult{ID: id, Success: true, Errors: []string{}, Created: true})
		return nil
	}
	return o.methodNotAllowed(c, obj)
}

// servePassword handles /sobjects/User/{id}/password: GET → {"isExpired":false},
// POST {"NewPassword"} → 204, DELETE → a new generated password (facts §1).
func (o *Org) servePassword(c *reqCtx, id string) *apiError {
	typ, rec, ok := o.st.Get(id)
	if !ok || typ != "User" {
		return errNotFound()
	}
	uid := rec["Id"].(string)
	switch c.r.Method {
	case http.MethodGet:
		writeJSON(c.w, http.StatusOK, map[string]any{"isExpired": false})
		return nil
	case http.MethodPost:
		body, aerr := decodeObject(c.r)
		if aerr != nil {
			return aerr
		}
		pw, _ := body["NewPassword"].(string)
		if len(pw) < 8 {
			// Source: facts §1 (INVALID_NEW_PASSWORD for a password that breaks the policy);
			// the 8-character minimum is Salesforce's default policy, wording UNCONFIRMED.
			return errMsg(http.StatusBadRequest, "INVALID_NEW_PASSWORD", "Your password must be at least 8 characters long.")
		}
		if uid == c.user.ID {
			// "Cannot set password for self" (facts §1 → anchors.md §7.6).
			return errMsg(http.StatusBadRequest, "INVALID_OPERATION", "Cannot set password for self")
		}
		o.setPassword(uid, pw)
		c.mutated = true
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	case http.MethodDelete:
		tok, err := RandomToken(o.meta.OrgID)
		if err != nil {
			return errMsg(http.StatusInternalServerError, "UNKNOWN_EXCEPTION", err.Error())
		}
		pw := strings.ToLower(tok[len(tok)-10:])
		o.setPassword(uid, pw)
		c.mutated = true
		writeJSON(c.w, http.StatusOK, map[string]any{"NewPassword": pw})
		return nil
	}
	return errMethod(c.r.Method, "GET", "POST", "DELETE")
}

// serveReplication answers /sobjects/{T}/updated and /deleted with
// ?start=&end= (REST API guide, "Get Updated Records" and "Get Deleted
// Records"): {ids, latestDateCovered} and {deletedRecords[{id,
// deletedDate}], earliestDateAvailable, latestDateCovered}. Changes are
// found by SystemModstamp. The error wording for bad dates is UNCONFIRMED.
func (o *Org) serveReplication(c *reqCtx, obj *schema.Object, kind string) *apiError {
	if c.r.Method != http.MethodGet {
		return errMethod(c.r.Method)
	}
	q := c.r.URL.Query()
	start, err1 := parseAPITime(q.Get("start"))
	end, err2 := parseAPITime(q.Get("end"))
	if err1 != nil || err2 != nil || end.Before(start) {
		return errMsg(http.StatusBadRequest, "INVALID_REPLICATION_DATE", "start and end must be dateTime values, with start before end")
	}
	in := func(r soql.Record) bool {
		t, err := parseAPITime(str(r, "SystemModstamp"))
		return err == nil && !t.Before(start) && t.Before(end)
	}
	covered := timestamp(end)
	if kind == "updated" {
		ids := []string{}
		for _, r := range o.st.All(obj.Name) {
			if in(r) {
				ids = append(ids, r["Id"].(string))
			}
		}
		writeJSON(c.w, http.StatusOK, schema.OrderedMap{{Key: "ids", Value: ids}, {Key: "latestDateCovered", Value: covered}})
		return nil
	}
	type del struct {
		ID          string `json:"id"`
		DeletedDate string `json:"deletedDate"`
	}
	out := []del{}
	earliest := covered
	for _, r := range o.st.deleted(obj.Name) {
		if in(r) {
			out = append(out, del{r["Id"].(string), str(r, "SystemModstamp")})
		}
		if d := str(r, "SystemModstamp"); d < earliest {
			earliest = d
		}
	}
	writeJSON(c.w, http.StatusOK, schema.OrderedMap{{Key: "deletedRecords", Value: out}, {Key: "earliestDateAvailable", Value: earliest},
		{Key: "latestDateCovered", Value: covered}})
	return nil
}

// parseAPITime reads the dateTime forms clients send and the org writes.
func parseAPITime(s string) (time.Time, error) {
	s = strings.ReplaceAll(s, " ", "+") // an unencoded "+" in a query string arrives as a space
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a dateTime: %q", s)
}
