package render

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/apply"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// TestApplyResultGolden: an apply's result holds each step's status, the
// Ids of created records, and each failed step's error as an object with
// Salesforce's error items whole.
func TestApplyResultGolden(t *testing.T) {
	p := samplePlan()
	refused := &apply.StepError{Errors: []salesforce.ErrorItem{
		{Code: "FIELD_INTEGRITY_EXCEPTION", Message: "Permission Modify All Data depends on permission(s): View All Data", Fields: []string{"PermissionsModifyAllData"}},
		{Code: "INVALID_FIELD", Message: "bad value", Fields: []string{"PermissionsViewAllData", "PermissionsModifyAllData"}},
	}}
	o := Outcome{Done: p.Steps[:1], Failed: p.Steps[1:2], NotRun: p.Steps[7:8], APICalls: 9,
		Errors:  map[*plan.Step]error{p.Steps[1]: refused},
		Created: map[*plan.Step]string{p.Steps[0]: "00e000000000001AAA"}}
	var b bytes.Buffer
	if err := WriteJSON(&b, Envelope{FormatVersion: FormatVersion, Kind: "apply", Status: StatusError, ExitCode: 3,
		Result: ApplyResult(p, o), Warnings: p.Warnings, Error: &ErrorObject{Code: "APPLY_PARTIAL", Message: "apply to acme failed"}}); err != nil {
		t.Fatal(err)
	}
	golden(t, "apply.json.golden", b.Bytes())
}

// TestErrorOf: what Salesforce returned is kept whole, whichever error
// carries it and however deep it is wrapped.
func TestErrorOf(t *testing.T) {
	api := &salesforce.APIError{Method: "GET", Path: "/services/data/v99.0/query", Status: 404,
		Errors: []salesforce.ErrorItem{{Code: "NOT_FOUND", Message: "The requested resource does not exist"}}}
	deploy := &apply.ComponentError{Messages: []salesforce.ComponentMessage{{ComponentType: "Profile", FullName: "Admin",
		FileName: "profiles/Admin.profile", LineNumber: 3, ColumnNumber: 7, Problem: "no such record type", ProblemType: "Error"}}}
	token := &salesforce.TokenError{Flow: "refresh", Status: 400, Code: "invalid_grant", Description: "expired access/refresh token"}
	tests := []struct {
		name string
		code string
		err  error
		want ErrorObject
	}{
		{"wrapped API error", "API_ERROR", fmt.Errorf("read the org: %w", api), ErrorObject{Code: "API_ERROR", Message: "read the org: " + api.Error(),
			HTTP:       &HTTPDoc{Method: "GET", Path: "/services/data/v99.0/query", Status: 404},
			Salesforce: []any{map[string]any{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist", "fields": []string{}}}}},
		{"API error of a step", CodeStepFailed, api, ErrorObject{Code: CodeSalesforce, Message: api.Error(),
			HTTP:       &HTTPDoc{Method: "GET", Path: "/services/data/v99.0/query", Status: 404},
			Salesforce: []any{map[string]any{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist", "fields": []string{}}}}},
		{"deploy component", CodeStepFailed, deploy, ErrorObject{Code: CodeDeployFailed, Message: "no such record type",
			File: "profiles/Admin.profile", Line: 3, Column: 7,
			Salesforce: []any{map[string]any{"componentType": "Profile", "fullName": "Admin", "fileName": "profiles/Admin.profile",
				"lineNumber": 3, "columnNumber": 7, "problem": "no such record type", "problemType": "Error"}}}},
		{"OAuth refusal", "AUTH", token, ErrorObject{Code: "AUTH", Message: token.Error(),
			HTTP:       &HTTPDoc{Method: "POST", Path: "/services/oauth2", Status: 400},
			Salesforce: []any{map[string]any{"error": "invalid_grant", "error_description": "expired access/refresh token"}}}},
		{"plain", CodeStepFailed, errors.New("user \"x\" was not created"), ErrorObject{Code: CodeStepFailed, Message: "user \"x\" was not created"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ErrorOf(tt.code, tt.err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteJSONKeepsHTML: values are written as they are (no \u0026), so
// they read, and are redacted, as printed elsewhere.
func TestWriteJSONKeepsHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, map[string]string{"where": "a & <b>"}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"where\": \"a & <b>\"\n}\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
