package emulator

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// maxCollection is the sObject Collections limit (facts §10: at most 200 records).
const maxCollection = 200

// collError is one per-record error: statusCode, message, fields
// (fixtures collections-update-error-INVALID_CROSS_REFERENCE_KEY-v59.json).
type collError struct {
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
}

// collResult is one record's result. A failed record has no id
// (fixtures/INDEX.md); upserts add created.
type collResult struct {
	ID      string      `json:"id,omitempty"`
	Success bool        `json:"success"`
	Errors  []collError `json:"errors"`
	Created *bool       `json:"created,omitempty"`
}

// Source: the sObject Collections examples of the Salesforce REST API guide
// (ALL_OR_NONE_OPERATION_ROLLED_BACK with this message), as quoted in public
// copies of the guide.
var rolledBack = collError{"ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records were valid and the request was using AllOrNone header", []string{}}

func failure(e *DMLError) collResult {
	return collResult{Success: false, Errors: []collError{{e.Code, e.Message, nonNil(e.Fields)}}}
}

type collectionBody struct {
	AllOrNone bool             `json:"allOrNone"`
	Records   []map[string]any `json:"records"`
	IDs       []string         `json:"ids"`
	Fields    []string         `json:"fields"`
}

// serveCollections handles /composite/sobjects[/{T}[/{ExtIdField}]].
func (o *Org) serveCollections(c *reqCtx, parts []string) *apiError {
	m := c.r.Method
	switch {
	case len(parts) == 0 && m == http.MethodPost:
		return o.collectionWrite(c, "create", nil, nil)
	case len(parts) == 0 && m == http.MethodPatch:
		return o.collectionWrite(c, "update", nil, nil)
	case len(parts) == 0 && m == http.MethodDelete:
		return o.collectionDelete(c)
	case len(parts) == 1 && (m == http.MethodGet || m == http.MethodHead || m == http.MethodPost):
		return o.collectionRetrieve(c, parts[0])
	case len(parts) == 2 && m == http.MethodPatch:
		obj, ok := o.view(c).Lookup(parts[0])
		if !ok {
			return errNotFound()
		}
		f, ok := obj.Field(parts[1])
		if !ok || !(f.ExternalID || f.IDLookup) {
			return &apiError{http.StatusNotFound, []codeFirst{{"NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + parts[1]}}}
		}
		return o.collectionWrite(c, "upsert", obj, f)
	}
	if len(parts) > 2 {
		return errNotFound()
	}
	if len(parts) == 0 {
		return errMethod(m, "POST", "PATCH", "DELETE")
	}
	if len(parts) == 1 {
		return errMethod(m, "GET", "HEAD", "POST")
	}
	return errMethod(m, "PATCH")
}

// collectionWrite creates, updates or upserts up to 200 records, in order,
// with per-record results and HTTP 200 (facts §10). allOrNone defaults to
// false; with true, any failure rolls every record back.
func (o *Org) collectionWrite(c *reqCtx, op string, upsertObj *schema.Object, extField *schema.Field) *apiError {
	var body collectionBody
	if aerr := decodeInto(c.r, &body); aerr != nil {
		return aerr
	}
	if len(body.Records) > maxCollection {
		// Source: the EXCEEDED_ID_LIMIT answer quoted in
		// sorenkrabbe/Chrome-Salesforce-inspector#134 and superfell/Beatbox#3.
		return errMsg(http.StatusBadRequest, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call")
	}
	d := o.dmlOf(c)
	rollback, commit := o.st.begin()
	results := make([]collResult, len(body.Records))
	anyFailed := false
	setupKind := "" // "setup" or "data": the kind of the first record (mixed DML rule)
	dupKeys := duplicateExternalIDs(op, extField, body.Records)
	for i, rec := range body.Records {
		obj, err := o.recordType(c, rec, upsertObj)
		if err == nil && dupKeys[strings.ToLower(externalIDValue(rec, extField))] {
			err = errDuplicateExternalID(externalIDValue(rec, extField))
		}
		if err == nil {
			kind := "data"
			if obj.Setup {
				kind = "setup"
			}
			if setupKind == "" {
				setupKind = kind
			} else if kind != setupKind {
				// facts §10/§16.10: setup and non-setup objects cannot be
				// mixed in one call. Code and wording UNCONFIRMED (Apex's).
				err = dmlErr("MIXED_DML_OPERATION", "DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): "+obj.Name)
			}
		}
		if err == nil {
			results[i], err = o.writeOne(d, op, obj, extField, rec)
		}
		if err != nil {
			if err.jsonValue {
				// Per record, the same wording with the value's position (G13).
				err = err.atValue(rawBody(c.r), "records", i)
			}
			results[i] = failure(err)
			if op == "upsert" {
				f := false
				results[i].Created = &f
			}
			anyFailed = true
		}
	}
	if anyFailed && body.AllOrNone {
		rollback()
		for i := range results {
			if results[i].Success {
				results[i] = collResult{Success: false, Errors: []collError{rolledBack}, Created: results[i].Created}
				if results[i].Created != nil {
					f := false
					results[i].Created = &f
				}
			}
		}
	} else {
		commit()
	}
	for _, r := range results {
		if r.Success {
			c.mutated = true
		}
	}
	writeJSON(c.w, http.StatusOK, results)
	return nil
}

// duplicateExternalIDs are the external-Id values (lower-cased) that more
// than one record of an upsert names. Salesforce refuses every such record,
// whether or not the value exists in the org, instead of creating the first
// and updating it with the next: DUPLICATE_VALUE "Duplicate external id
// specified: <value>". Sources: castled's Salesforce connector tells this
// error (DUPLICATE_VALUE with "Duplicate external id specified", a key
// repeated in the payload) from DUPLICATE_EXTERNAL_ID (a key already on
// several records) (mkstayalive/castled connectors/.../salesforce/
// SalesforceErrorParser.java); a Go loader's test of a real rejection,
// code DUPLICATE_VALUE, message "Duplicate external id specified: a-1",
// notes that Salesforce rejects every row sharing a key within one request.
// Text external Ids match without regard to case (as lookups here do); the
// fields list (empty here) and the value's spelling in the message (as the
// row wrote it here) are UNCONFIRMED. Id-keyed upserts are not concerned.
func duplicateExternalIDs(op string, f *schema.Field, recs []map[string]any) map[string]bool {
	if op != "upsert" || f == nil || f.Name == "Id" {
		return nil
	}
	seen, dup := map[string]bool{}, map[string]bool{}
	for _, r := range recs {
		k := strings.ToLower(externalIDValue(r, f))
		if k == "" {
			continue
		}
		if seen[k] {
			dup[k] = true
		}
		seen[k] = true
	}
	return dup
}

func errDuplicateExternalID(value string) *DMLError {
	return dmlErr("DUPLICATE_VALUE", "Duplicate external id specified: "+value)
}

// externalIDValue is the record's value of the external-Id field (keys
// matched without regard to case), as text.
func externalIDValue(rec map[string]any, f *schema.Field) string {
	if f == nil {
		return ""
	}
	for k, v := range rec {
		if strings.EqualFold(k, f.Name) {
			switch x := v.(type) {
			case string:
				return x
			case float64:
				return strconv.FormatFloat(x, 'f', -1, 64)
			}
		}
	}
	return ""
}

// recordType resolves a record's attributes.type (every record needs one, facts §10).
func (o *Org) recordType(c *reqCtx, rec map[string]any, upsertObj *schema.Object) (*schema.Object, *DMLError) {
	attrs, _ := rec["attributes"].(map[string]any)
	typ, _ := attrs["type"].(string)
	if typ == "" {
		// Source: fixtures collections-upsert-error-JSON_PARSER_ERROR-v63.json.
		return nil, dmlErr("JSON_PARSER_ERROR", "Nested object for polymorphic foreign key must have an attributes field before any other fields.")
	}
	obj, ok := o.view(c).Lookup(typ)
	if !ok {
		return nil, dmlErr("INVALID_TYPE", "sObject type '"+typ+"' is not supported.")
	}
	if upsertObj != nil && obj != upsertObj {
		return nil, dmlErr("INVALID_TYPE", "Record type "+obj.Name+" does not match "+upsertObj.Name)
	}
	return obj, nil
}

func (o *Org) writeOne(d dml, op string, obj *schema.Object, extField *schema.Field, rec map[string]any) (collResult, *DMLError) {
	switch op {
	case "create":
		id, err := o.insert(d, obj, rec)
		if err != nil {
			return collResult{}, err
		}
		return collResult{ID: id, Success: true, Errors: []collError{}}, nil
	case "update":
		id, _ := recordID(rec)
		if id == "" {
			// UNCONFIRMED wording.
			return collResult{}, dmlErr("MISSING_ARGUMENT", "Id not specified in an update call")
		}
		if err := o.update(d, obj, id, rec); err != nil {
			return collResult{}, err
		}
		_, r, _ := o.st.Get(id)
		return collResult{ID: r["Id"].(string), Success: true, Errors: []collError{}}, nil
	}
	// upsert (fixtures collections-upsert-by-Id-created.json: id, success, errors, created)
	var match soql.Record
	if extField.Name == "Id" {
		if id, _ := recordID(rec); id != "" {
			if typ, r, ok := o.st.Get(id); ok && typ == obj.Name {
				match = r
			} else {
				return collResult{}, errCrossRef()
			}
		}
	} else {
		val, _ := rec[extField.Name].(string)
		for k, v := range rec {
			if strings.EqualFold(k, extField.Name) {
				val, _ = v.(string)
			}
		}
		if val == "" {
			return collResult{}, errRequired([]string{extField.Name})
		}
		ms := o.st.find(obj.Name, func(r soql.Record) bool { s, _ := r[extField.Name].(string); return strings.EqualFold(s, val) })
		if len(ms) > 1 {
			return collResult{}, dmlErr("DUPLICATE_EXTERNAL_ID", "Duplicate external id specified: "+val, extField.Name)
		}
		if len(ms) == 1 {
			match = ms[0]
		}
	}
	if match != nil {
		id := match["Id"].(string)
		body := map[string]any{}
		for k, v := range rec {
			if !strings.EqualFold(k, extField.Name) {
				body[k] = v
			}
		}
		if err := o.update(d, obj, id, body); err != nil {
			return collResult{}, err
		}
		f := false
		return collResult{ID: id, Success: true, Errors: []collError{}, Created: &f}, nil
	}
	body := map[string]any{}
	for k, v := range rec {
		if !strings.EqualFold(k, "Id") {
			body[k] = v
		}
	}
	id, err := o.insert(d, obj, body)
	if err != nil {
		return collResult{}, err
	}
	t := true
	return collResult{ID: id, Success: true, Errors: []collError{}, Created: &t}, nil
}

func recordID(rec map[string]any) (string, bool) {
	for k, v := range rec {
		if strings.EqualFold(k, "Id") {
			s, ok := v.(string)
			return s, ok
		}
	}
	return "", false
}

// collectionDelete handles DELETE /composite/sobjects?ids=...&allOrNone=
// (fixtures collections-delete-v66.json).
func (o *Org) collectionDelete(c *reqCtx) *apiError {
	q := c.r.URL.Query()
	var ids []string
	for _, id := range strings.Split(q.Get("ids"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		// Wording from restforce's fixture (facts, "Wanted but not found"): UNCONFIRMED.
		return errMsg(http.StatusBadRequest, "REQUIRED_FIELD_MISSING", "At least 1 Id is required.")
	}
	if len(ids) > maxCollection {
		return errMsg(http.StatusBadRequest, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call")
	}
	allOrNone := q.Get("allOrNone") == "true"
	d := o.dmlOf(c)
	rollback, commit := o.st.begin()
	results := make([]collResult, len(ids))
	anyFailed := false
	for i, id := range ids {
		if !sfid.Valid(id) {
			// Source: the collections delete example of the REST API guide
			// (MALFORMED_ID "malformed id 001RM000003oLrB000", no id key).
			results[i] = failure(dmlErr("MALFORMED_ID", "malformed id "+id))
			anyFailed = true
			continue
		}
		canon := sfid.Canonical(id)
		if err := o.remove(d, id); err != nil {
			results[i] = failure(err)
			anyFailed = true
			continue
		}
		results[i] = collResult{ID: canon, Success: true, Errors: []collError{}}
	}
	if anyFailed && allOrNone {
		rollback()
		for i := range results {
			if results[i].Success {
				// The same example keeps the id of a rolled-back delete.
				results[i] = collResult{ID: results[i].ID, Success: false, Errors: []collError{rolledBack}}
			}
		}
	} else {
		commit()
	}
	for _, r := range results {
		if r.Success {
			c.mutated = true
		}
	}
	writeJSON(c.w, http.StatusOK, results)
	return nil
}

// collectionRetrieve handles GET /composite/sobjects/{T}?ids=&fields= and the
// POST form with {ids, fields}: the records in order, null where none.
func (o *Org) collectionRetrieve(c *reqCtx, typ string) *apiError {
	obj, ok := o.view(c).Lookup(typ)
	if !ok {
		return errNotFound()
	}
	var ids, fieldNames []string
	if c.r.Method == http.MethodPost {
		var body collectionBody
		if aerr := decodeInto(c.r, &body); aerr != nil {
			return aerr
		}
		ids, fieldNames = body.IDs, body.Fields
	} else {
		q := c.r.URL.Query()
		ids = splitList(q.Get("ids"))
		fieldNames = splitList(q.Get("fields"))
	}
	if len(fieldNames) == 0 {
		return errMsg(http.StatusBadRequest, "REQUIRED_FIELD_MISSING", "The fields parameter is required.")
	}
	var fields []*schema.Field
	for _, n := range fieldNames {
		f, ok := obj.Field(n)
		if !ok {
			return errMsg(http.StatusBadRequest, "INVALID_FIELD", "No such column '"+n+"' on entity '"+obj.Name+"'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")
		}
		fields = append(fields, f)
	}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		if t, r, ok := o.st.Get(id); ok && t == obj.Name {
			out = append(out, o.renderRecord(c, obj, r, fields))
		} else {
			out = append(out, nil)
		}
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
