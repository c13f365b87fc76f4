//go:build contract

package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/sfprov/sfprov/internal/salesforce"
)

// sfprov runs the binary under test against the suite's org and returns its
// stdout, stderr and exit code.
func sfprov(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(suite.bin, append(args, "-o", suite.org)...)
	cmd.Env = suite.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run sfprov %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

// name is a name carrying the run prefix.
func name(s string) string { return suite.prefix + "_" + s }

// username is a username at the run's own domain, which names nobody.
func username(s string) string { return s + "@" + suite.prefix + ".example.com" }

func ctx() context.Context { return context.Background() }

// create creates one record and removes it when the test ends (cleanup
// runs after a failure too).
func create(t *testing.T, sobject string, fields map[string]any, cleanup func(id string)) string {
	t.Helper()
	id, err := tryCreate(sobject, fields)
	if err != nil {
		t.Fatalf("create %s: %v", sobject, err)
	}
	t.Cleanup(func() { cleanup(id) })
	return id
}

func tryCreate(sobject string, fields map[string]any) (string, error) {
	var res struct {
		ID string `json:"id"`
	}
	err := suite.client.Do(ctx(), "POST", suite.client.DataPath("sobjects/"+sobject), fields, &res)
	return res.ID, err
}

// deleter removes a record of sobject; a failure is reported on t, as the
// org then keeps something of the suite's.
func deleter(t *testing.T, sobject string) func(id string) {
	return func(id string) {
		if err := deleteRecord(sobject, id); err != nil {
			t.Errorf("clean up: delete %s %s: %v", sobject, id, err)
		}
	}
}

func deleteRecord(sobject, id string) error {
	err := suite.client.Do(ctx(), "DELETE", suite.client.DataPath("sobjects/"+sobject+"/"+id), nil, nil)
	var ae *salesforce.APIError
	if errors.As(err, &ae) && ae.Status == 404 {
		return nil // gone already
	}
	return err
}

// retireUser is a user's removal: Salesforce never deletes users, so the
// user is deactivated and renamed, which frees the username and the seat.
func retireUser(t *testing.T) func(id string) {
	return func(id string) {
		if err := retire(id); err != nil {
			t.Errorf("clean up: retire user %s: %v", id, err)
		}
	}
}

func retire(id string) error {
	fields := map[string]any{"IsActive": false, "Username": "retired." + strings.ToLower(id) + "@" + suite.prefix + ".example.com"}
	return suite.client.Do(ctx(), "PATCH", suite.client.DataPath("sobjects/User/"+id), fields, nil)
}

func query(t *testing.T, soql string) []salesforce.Record {
	t.Helper()
	recs, err := suite.client.Query(ctx(), soql)
	if err != nil {
		t.Fatalf("query %s: %v", soql, err)
	}
	return recs
}

// one is the Id of the one record soql finds.
func one(t *testing.T, soql string) string {
	t.Helper()
	recs := query(t, soql)
	if len(recs) != 1 {
		t.Fatalf("%s: %d records, want 1", soql, len(recs))
	}
	return recs[0].String("Id")
}

// wantAPIError asserts that err is the org's refusal with exactly this
// status, code and message.
func wantAPIError(t *testing.T, err error, status int, code, message string) {
	t.Helper()
	var ae *salesforce.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want HTTP %d %s %q, got %v", status, code, message, err)
	}
	if ae.Status != status || len(ae.Errors) != 1 || ae.Errors[0].Code != code || ae.Errors[0].Message != message {
		t.Fatalf("want HTTP %d %s: %s\n got HTTP %d %v", status, code, message, ae.Status, ae.Errors)
	}
}

func q(s string) string { return url.QueryEscape(s) }

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
}

func id15(id string) string {
	if len(id) > 15 {
		return id[:15]
	}
	return id
}

var _ = fmt.Sprintf
