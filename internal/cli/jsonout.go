package cli

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/render"
)

// Error codes of the JSON envelope's error object (docs/json.md). Each
// belongs to one exit code.
const (
	codeError        = "ERROR"         // 1: anything else
	codeSpec         = "SPEC_INVALID"  // 1: the spec has problems (error.details)
	codeOrgMismatch  = "ORG_MISMATCH"  // 1: the spec names what the org does not have
	codeAPI          = "API_ERROR"     // 1: the org refused a request (error.salesforce)
	codeNetwork      = "NETWORK"       // 1: the org could not be reached
	codeTimeout      = "TIMEOUT"       // 1: the org did not answer in time
	codeNotFound     = "NOT_FOUND"     // 1: no such built-in profile
	codeAPIVersion   = "API_VERSION"   // 1: --api-version is not one the org serves
	codeApplyFailed  = "APPLY_FAILED"  // 1: apply stopped before changing anything
	codePartial      = "APPLY_PARTIAL" // 3: apply stopped after changing part of the org
	codeAuth         = "AUTH"          // 4: no credentials, or the org refused them
	codeRefused      = "REFUSED"       // 5: apply not confirmed
	codeUsage        = "USAGE"         // 64: bad command line
	codeInterrupted  = "INTERRUPTED"   // 130
	codeInternal     = "INTERNAL"      // 1: a bug in sfprov
	codeVerifyFailed = "VERIFY_FAILED" // 1: verify found a check that failed (result.checks)
)

// jsonDoc is what a command run with --json has to say; Run prints it in
// the envelope, once, whatever the outcome.
type jsonDoc struct {
	result   any
	warnings []string
}

// setResult sets the envelope's result.
func (stdio IO) setResult(v any) {
	if stdio.doc != nil {
		stdio.doc.result = v
	}
}

// addWarnings adds to the envelope's warnings.
func (stdio IO) addWarnings(ws ...string) {
	if stdio.doc != nil {
		stdio.doc.warnings = append(stdio.doc.warnings, ws...)
	}
}

// kindOf is the envelope kind of cmd: its path below the root, dotted
// ("auth.status"); "sfprov" for the root (an unknown command).
func kindOf(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() {
		return "sfprov"
	}
	path := strings.Fields(cmd.CommandPath())
	return strings.Join(path[1:], ".")
}

// jsonRequested reports whether the command line asked for --json: the
// parsed flag when cmd has one and parsing got to it, else the word on the
// command line (so that a usage error gets its envelope too).
func jsonRequested(cmd *cobra.Command, args []string) bool {
	if cmd != nil {
		if fl := cmd.Flags().Lookup("json"); fl != nil && fl.Changed {
			return fl.Value.String() == "true"
		}
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--json" {
			return true
		}
		if v, ok := strings.CutPrefix(a, "--json="); ok {
			b, err := strconv.ParseBool(v)
			return err == nil && b
		}
	}
	return false
}

// envelope is the document for a command that ended with err and exit code.
func envelope(cmd *cobra.Command, doc *jsonDoc, code int, err error) render.Envelope {
	env := render.Envelope{FormatVersion: render.FormatVersion, Kind: kindOf(cmd), Status: render.StatusOK, ExitCode: code,
		Result: doc.result, Warnings: append([]string{}, doc.warnings...)}
	switch {
	case code == ExitOK:
	case code == ExitChanges && isBareExit(err):
		env.Status = render.StatusChanges
	default:
		env.Status = render.StatusError
		e := errorObject(code, err)
		env.Error = &e
	}
	return env
}

// isBareExit: err only carries an exit code (the command printed the rest).
func isBareExit(err error) bool {
	var ee *exitError
	return errors.As(err, &ee) && ee.msg == "" && ee.cause == nil
}

// errorObject is err, which ended the command with code, as an object.
func errorObject(code int, err error) render.ErrorObject {
	var e render.ErrorObject
	var ee *exitError
	var ie *internalError
	switch {
	case err == nil:
		e = render.ErrorObject{Code: codeForExit(code), Message: "exit code " + strconv.Itoa(code)}
	case errors.As(err, &ie):
		e = render.ErrorObject{Code: codeInternal, Message: "internal error: " + ie.Error()}
	case errors.As(err, &ee):
		kind := ee.kind
		if kind == "" {
			kind = codeForExit(code)
		}
		if ee.cause != nil {
			e = render.ErrorOf(kind, ee.cause)
		} else {
			e = render.ErrorObject{Code: kind}
		}
		e.Message = ee.msg
		if e.Message == "" {
			e.Message = ee.summary
		}
		if len(ee.problems) > 0 {
			e.Details = render.Problems(ee.problems)
		}
	case errors.Is(err, context.Canceled):
		e = render.ErrorObject{Code: codeInterrupted, Message: err.Error()}
	default:
		e = render.ErrorOf(codeForExit(code), err)
	}
	if e.Message == "" {
		e.Message = "exit code " + strconv.Itoa(code)
	}
	return e
}

// codeForExit is the error code of an exit code, when nothing says better.
func codeForExit(code int) string {
	switch code {
	case ExitPartial:
		return codePartial
	case ExitAuth:
		return codeAuth
	case ExitRefused:
		return codeRefused
	case ExitUsage:
		return codeUsage
	case ExitInterrupted:
		return codeInterrupted
	}
	return codeError
}
