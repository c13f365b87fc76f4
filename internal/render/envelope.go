package render

import (
	"encoding/json"
	"errors"
	"io"
	"slices"

	"github.com/sfprov/sfprov/internal/apply"
	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// FormatVersion is the version of the JSON envelope and of the documents in
// it (docs/json.md). Format 1 was a bare plan, apply or validate document.
const FormatVersion = "2"

// Statuses of an Envelope.
const (
	StatusOK      = "ok"      // exit 0
	StatusChanges = "changes" // exit 2: --detailed-exitcode and the org differs
	StatusError   = "error"   // any other exit code; Error says why
)

// Envelope is the one JSON document every sfprov command prints on stdout
// with --json, whatever the outcome.
type Envelope struct {
	FormatVersion string       `json:"formatVersion"`
	Kind          string       `json:"kind"` // the command: "plan", "auth.status", ...
	Status        string       `json:"status"`
	ExitCode      int          `json:"exitCode"`
	Result        any          `json:"result"`
	Warnings      []string     `json:"warnings"`
	Error         *ErrorObject `json:"error"`
}

// WriteJSON writes v indented by two spaces. HTML characters are not
// escaped, so that a value reads (and is redacted) as it is.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// ErrorObject is an error as data. Code is sfprov's (docs/json.md lists
// them); what Salesforce said is kept whole in Salesforce, one item per
// error it returned, with its own field names.
type ErrorObject struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Fields  []string `json:"fields,omitempty"`
	File    string   `json:"file,omitempty"`
	Line    int      `json:"line,omitempty"`
	Column  int      `json:"column,omitempty"`
	// HTTP is the request the org refused.
	HTTP       *HTTPDoc      `json:"http,omitempty"`
	Salesforce []any         `json:"salesforce,omitempty"`
	Details    []ErrorObject `json:"details,omitempty"`
}

// HTTPDoc is a refused request: method, path (no query string) and status.
type HTTPDoc struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
}

// Error codes of ErrorObjects that are not a command's outcome.
const (
	CodeSpecProblem  = "SPEC_PROBLEM"     // one problem in a spec file
	CodeSalesforce   = "SALESFORCE_ERROR" // a step the org refused
	CodeDeployFailed = "DEPLOY_FAILED"    // a metadata step the deploy refused
	CodeStepFailed   = "STEP_FAILED"      // a step that failed otherwise
)

// Problems are spec diagnostics as error objects.
func Problems(ds diag.Diagnostics) []ErrorObject {
	out := []ErrorObject{}
	for _, d := range ds {
		out = append(out, ErrorObject{Code: CodeSpecProblem, Message: d.Message, File: d.File, Line: d.Line, Column: d.Col})
	}
	return out
}

// StepError is a failed step's error as an object.
func StepError(err error) ErrorObject {
	return ErrorOf(CodeStepFailed, err)
}

// ErrorOf is err as an error object with code, unless err says better:
// what Salesforce returned (REST and collection errors, deploy failures,
// OAuth refusals) goes into Salesforce whole, its fields into Fields, a
// refused request into HTTP.
func ErrorOf(code string, err error) ErrorObject {
	e := ErrorObject{Code: code, Message: err.Error()}
	var se *apply.StepError
	var ae *salesforce.APIError
	var ce *apply.ComponentError
	var de *salesforce.DeployError
	var te *salesforce.TokenError
	switch {
	case errors.As(err, &se):
		if code == CodeStepFailed {
			e.Code = CodeSalesforce
		}
		e.addItems(se.Errors)
	case errors.As(err, &ae):
		if code == CodeStepFailed {
			e.Code = CodeSalesforce
		}
		e.HTTP = &HTTPDoc{Method: ae.Method, Path: ae.Path, Status: ae.Status}
		e.addItems(ae.Errors)
	case errors.As(err, &ce):
		if code == CodeStepFailed {
			e.Code = CodeDeployFailed
		}
		e.addComponents(ce.Messages)
	case errors.As(err, &de):
		if code == CodeStepFailed {
			e.Code = CodeDeployFailed
		}
		if de.Result != nil {
			e.addComponents(de.Result.Failures)
		}
	case errors.As(err, &te):
		item := map[string]any{"error": te.Code, "error_description": te.Description}
		e.Salesforce = append(e.Salesforce, item)
		e.HTTP = &HTTPDoc{Method: "POST", Path: "/services/oauth2", Status: te.Status}
	}
	return e
}

func (e *ErrorObject) addItems(items []salesforce.ErrorItem) {
	for _, it := range items {
		fields := it.Fields
		if fields == nil {
			fields = []string{}
		}
		e.Salesforce = append(e.Salesforce, map[string]any{"errorCode": it.Code, "message": it.Message, "fields": fields})
		for _, f := range it.Fields {
			if !slices.Contains(e.Fields, f) {
				e.Fields = append(e.Fields, f)
			}
		}
	}
}

func (e *ErrorObject) addComponents(ms []salesforce.ComponentMessage) {
	for _, m := range ms {
		e.Salesforce = append(e.Salesforce, map[string]any{
			"componentType": m.ComponentType, "fullName": m.FullName, "fileName": m.FileName,
			"lineNumber": m.LineNumber, "columnNumber": m.ColumnNumber,
			"problem": m.Problem, "problemType": m.ProblemType,
		})
		if e.File == "" && m.FileName != "" {
			e.File, e.Line, e.Column = m.FileName, m.LineNumber, m.ColumnNumber
		}
	}
}
