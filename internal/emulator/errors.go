package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
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

	// jsonValue marks a JSON value of the wrong type (errDeserialize), and
	// jsonKey is the body key that held it: the request layer, which has the
	// raw body, adds the value's position to the message.
	jsonValue bool
	jsonKey   string
}

// atValue adds " at [line:L, column:C]" to a deserialisation error, the
// position just after the offending value in body, whose path is path
// (object keys and array indexes) plus the error's key. Source: the quoted
// REST answers end "... at [line:1, column:1580]" (restforce/restforce#897);
// that the column is the one after the value, counted from 1, is the
// emulator's reading of Jackson's positions (UNCONFIRMED). Other errors, or a
// value that cannot be found, are returned unchanged.
func (e *DMLError) atValue(body []byte, path ...any) *DMLError {
	if e == nil || !e.jsonValue || e.jsonKey == "" {
		return e
	}
	end, ok := valueEnd(body, append(path, e.jsonKey))
	if !ok {
		return e
	}
	line, col := 1, 1
	for _, b := range body[:end] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	c := *e
	c.Message = fmt.Sprintf("%s at [line:%d, column:%d]", e.Message, line, col)
	c.jsonValue = false
	return &c
}

// valueEnd is the byte offset just after the JSON value at path in body.
func valueEnd(body []byte, path []any) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var walk func(depth int) (int, bool, error)
	// walk reads one value; when the path so far matches up to depth and the
	// value is the target, it reports where the value ended.
	walk = func(depth int) (int, bool, error) {
		tok, err := dec.Token()
		if err != nil {
			return 0, false, err
		}
		if depth == len(path) {
			if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
				if err := skipRest(dec); err != nil {
					return 0, false, err
				}
			}
			return int(dec.InputOffset()), true, nil
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return 0, false, nil
		}
		switch d {
		case '{':
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return 0, false, err
				}
				k, _ := kt.(string)
				if want, ok := path[depth].(string); ok && want == k {
					return walk(depth + 1)
				}
				if err := skipValue(dec); err != nil {
					return 0, false, err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if want, ok := path[depth].(int); ok && want == i {
					return walk(depth + 1)
				}
				if err := skipValue(dec); err != nil {
					return 0, false, err
				}
			}
		}
		return 0, false, nil
	}
	end, ok, err := walk(0)
	return end, ok && err == nil
}

func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

// skipRest reads to the end of the object or array whose opening delimiter
// was just read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
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
