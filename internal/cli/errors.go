package cli

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/diag"
	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/target"
)

// exitError carries an exit code through cobra's error return. Message "" means
// the command already printed everything. kind, cause and problems are for
// the JSON envelope's error object (jsonout.go): the error code, the error
// that says what Salesforce returned, the spec's problems.
type exitError struct {
	code     int
	msg      string
	kind     string
	cause    error
	problems diag.Diagnostics
	// summary is the envelope's message when msg is "" (the command
	// printed its own report).
	summary string
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) Unwrap() error { return e.cause }

func exitWith(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// causedBy is exitWith keeping cause for the error object, and its kind.
func causedBy(code int, cause error, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...), cause: cause, kind: causeKind(cause)}
}

// causeKind is the error code that cause calls for ("" = the exit code's).
func causeKind(cause error) string {
	var ae *salesforce.APIError
	var ne net.Error
	switch {
	case cause == nil:
		return ""
	case errors.Is(cause, salesforce.ErrAuth):
		return codeAuth
	case errors.Is(cause, salesforce.ErrTimeout):
		return codeTimeout
	case errors.As(cause, &ae):
		return codeAPI
	case errors.As(cause, &ne):
		return codeNetwork
	}
	return ""
}

// usageError is a bad command line (exit 64).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// noArgs is cobra.NoArgs reported as a usage error (exit 64), as for flags.
func noArgs(cmd *cobra.Command, args []string) error {
	if err := cobra.NoArgs(cmd, args); err != nil {
		return &usageError{err}
	}
	return nil
}

// specFiles requires at least one spec file, as a usage error.
func specFiles(cmd *cobra.Command, args []string) error {
	// A built-in profile (--profile NAME) is a spec file too.
	if len(args) == 0 && !cmd.Flags().Changed("profile") {
		return &usageError{fmt.Errorf("%s needs at least one spec file or --profile NAME (for example: %s profiles/coconut.yaml)", cmd.CommandPath(), cmd.CommandPath())}
	}
	return nil
}

// targetError maps a failure to resolve or log in to the target.
func targetError(err error) error {
	var ue *target.UsageError
	if errors.As(err, &ue) {
		return exitWith(ExitUsage, "%s", ue.Msg)
	}
	if errors.Is(err, salesforce.ErrAuth) {
		return causedBy(ExitAuth, err, "%v", err)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return causedBy(ExitError, err, "%v", err)
}

// authHint is what to do when the org refused o's session.
func authHint(o *target.Org) string {
	if o.Relogin != "" {
		return o.Relogin
	}
	return "Log in again and retry."
}

// sessionMessage says why the org refused a request's session.
func sessionMessage(err error) string {
	var renewErr *salesforce.ErrRenew
	if errors.As(err, &renewErr) {
		return renewErr.Error()
	}
	return "the org refused the session: " + err.Error()
}

// orgError maps an API failure to an exit code and names the org.
func orgError(o *target.Org, name, what string, err error) error {
	if errors.Is(err, salesforce.ErrAuth) {
		return causedBy(ExitAuth, err, "%s %s: %s\n%s", what, name, sessionMessage(err), authHint(o))
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var ae *salesforce.APIError
	if errors.As(err, &ae) && ae.HasCode("REQUEST_LIMIT_EXCEEDED") {
		// Salesforce counts API requests over a rolling 24 hours
		// (salesforce-api-facts.md §12); waiting is the only cure.
		return causedBy(ExitError, err, "%s %s: %v\nThe org's daily API request allowance is used up (the DailyApiRequests limit); retry once earlier requests age out of the last 24 hours.", what, name, err)
	}
	return causedBy(ExitError, err, "%s %s: %v", what, name, err)
}
