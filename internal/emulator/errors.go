package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Error bodies are JSON arrays. Salesforce uses three key orders, and the
// emulator keeps each (fixtures/INDEX.md "What the data shows"):
// NOT_FOUND → errorCode, message; SOQL and session errors → message,
// errorCode; DML errors → message, errorCode, fields.

type codeFirst struct {
	ErrorCode string `json:"errorCode"`
	Message   string `json:"message"`
}

type messageFirst struct {
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode"`
}

type dmlBody struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

// DMLError is why one record could not be saved. Source for the codes:
// Partner WSDL StatusCode enumeration (salesforce-api-facts.md §12).
type DMLError struct {
	Code    string
	Message string
	Fields  []string
}

func (e *DMLError) Error() string { return e.Code + ": " + e.Message }

func dmlErr(code, msg string, fields ...string) *DMLError {
	if fields == nil {
		fields = []string{}
	}
	return &DMLError{Code: code, Message: msg, Fields: fields}
}

// apiError is a failure of a whole request: an HTTP status and an error array.
type apiError struct {
	status int
	body   any
}

func (e *apiError) Error() string {
	b, _ := json.Marshal(e.body)
	return string(b)
}

// errNotFound is the 404 of an unknown resource or sObject.
// Source: fixtures error-NOT_FOUND-unknown-sobject-v51.json, composite-subrequest-404-NOT_FOUND.json.
func errNotFound() *apiError {
	return &apiError{http.StatusNotFound, []codeFirst{{"NOT_FOUND", "The requested resource does not exist"}}}
}

func errMsg(status int, code, msg string) *apiError {
	return &apiError{status, []messageFirst{{msg, code}}}
}

func errDML(status int, e *DMLError) *apiError {
	return &apiError{status, []dmlBody{{e.Message, e.Code, nonNil(e.Fields)}}}
}

// errSession is the 401 for a missing, bad or expired token. Source:
// salesforce-api-facts.md §12; the same body in a nock recording of a real
// org's 401 (2016, found by code search) and in restforce's fixture;
// real-clients.md §4 item 5 (a 401 triggers jsforce's refresh).
func errSession() *apiError {
	return errMsg(http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
}

// errMethod is 405 for a method the resource does not support, naming the
// allowed ones (GET,HEAD when none are given). Source: salesforce-api-facts.md
// §12 (405 Method not allowed); wording as a real org answered a PATCH on
// /sobjects/{T}: "METHOD_NOT_ALLOWED: HTTP Method 'PATCH' not allowed.
// Allowed are GET,HEAD,POST" (quoted in OpenFn's docs, from jsforce's
// HttpApi). Like NOT_FOUND, a REST-framework error: errorCode first (key
// order UNCONFIRMED).
func errMethod(method string, allowed ...string) *apiError {
	if len(allowed) == 0 {
		allowed = []string{"GET", "HEAD"}
	}
	return &apiError{http.StatusMethodNotAllowed, []codeFirst{{"METHOD_NOT_ALLOWED",
		"HTTP Method '" + method + "' not allowed. Allowed are " + strings.Join(allowed, ",")}}}
}

func errJSON(msg string) *apiError {
	// Source: collections-upsert-error-JSON_PARSER_ERROR-v63.json for the code.
	return errMsg(http.StatusBadRequest, "JSON_PARSER_ERROR", msg)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// writeJSON writes v with Salesforce's content type.
// Source: fixtures/INDEX.md (recorded Content-Type: application/json;charset=UTF-8).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) { writeJSON(w, e.status, e.body) }

// joinFields lists field names the way Salesforce messages do: "A, B".
func joinFields(f []string) string { return strings.Join(f, ", ") }
