// Package cli is sfprov's command tree: it parses flags, wires the spec, state,
// plan, apply and render packages together, prints, and maps every error to a
// documented exit code. Commands return errors; only Main decides the exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/render"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// Exit codes, documented in README.md and `sfprov help exit-codes`.
const (
	ExitOK          = 0   // success; or no changes
	ExitError       = 1   // invalid spec, unknown names, API error before any change
	ExitChanges     = 2   // plan/validate --detailed-exitcode: the org differs from the spec
	ExitPartial     = 3   // apply stopped after changing part of the org; re-run to continue
	ExitAuth        = 4   // no credentials, or the org refused them
	ExitRefused     = 5   // apply needs confirmation: no terminal and no --yes, or declined
	ExitUsage       = 64  // bad command line
	ExitInterrupted = 130 // interrupted (Ctrl-C)
)

// Version is set at build time with -ldflags "-X github.com/sfprov/sfprov/internal/cli.Version=...".
var Version = "dev"

// IO is where commands read and write.
type IO struct {
	In            io.Reader
	Out, Err      io.Writer
	InteractiveIn bool // stdin is a terminal: apply may ask for confirmation
	// OutTerminal and ErrTerminal: stdout, stderr are terminals (colour).
	OutTerminal, ErrTerminal bool
	Getenv                   func(string) (string, bool)
	// Browser opens a URL for the web login (nil = the desktop's browser).
	Browser func(url string) error
	// secrets hides secret values in Out and Err; set by Run.
	secrets *redactor
	// closers run when Run ends: they release what commands opened (the
	// local org's lock); set by Run.
	closers *closers
	// doc is what --json prints in the envelope; set by Run.
	doc *jsonDoc
	// term is what styles human output; set by Run.
	term *terminal
}

// closers are functions to run once, last first.
type closers struct {
	mu  sync.Mutex
	fns []func() error
}

func (c *closers) add(fn func() error) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fns = append(c.fns, fn)
}

func (c *closers) run() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
	c.fns = nil
}

// Main runs sfprov with os.Args and returns the exit code.
func Main() int {
	// simpleforce logs failed requests through the standard logger; sfprov
	// reports errors itself, so that output would only duplicate (or leak) them.
	log.SetOutput(io.Discard)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stdio := IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.LookupEnv,
		InteractiveIn: isTerminal(os.Stdin), OutTerminal: isTerminal(os.Stdout), ErrTerminal: isTerminal(os.Stderr)}
	return Run(ctx, os.Args[1:], stdio)
}

// Run executes one command line and returns its exit code. A panic in the
// command is an internal error, exit 1: never 2, which --detailed-exitcode
// gives to "changes pending" (Go's own exit code for a crash is 2). With
// --json on the command line, stdout gets exactly one JSON envelope
// (docs/json.md), whatever the outcome.
func Run(ctx context.Context, args []string, stdio IO) int {
	stdio.secrets = &redactor{}
	stdio.closers = &closers{}
	stdio.doc = &jsonDoc{}
	stdio.term = &terminal{outTTY: stdio.OutTerminal, errTTY: stdio.ErrTerminal}
	defer stdio.closers.run()
	if stdio.Err == nil {
		stdio.Err = os.Stderr
	}
	stdio.Out = stdio.secrets.writer(stdio.Out)
	stdio.Err = stdio.secrets.writer(stdio.Err)
	root := newRoot(stdio)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	cmd, err := execute(ctx, root, args)
	code := exitCode(err)
	if code != ExitOK && ctx.Err() != nil {
		code = ExitInterrupted
	}
	printError(stdio, cmd, err)
	if jsonRequested(cmd, args) {
		if werr := render.WriteJSON(stdio.Out, envelope(cmd, stdio.doc, code, err)); werr != nil && code == ExitOK {
			fmt.Fprintln(stdio.Err, "Error: write the JSON document: "+werr.Error())
			code = ExitError
		}
	}
	return code
}

// internalError is a panic in a command.
type internalError struct {
	value any
	stack []byte
}

func (e *internalError) Error() string { return fmt.Sprint(e.value) }

// execute runs the command tree, turning a panic into an *internalError.
func execute(ctx context.Context, root *cobra.Command, args []string) (cmd *cobra.Command, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &internalError{value: r, stack: debug.Stack()}
			cmd, _, _ = root.Find(args)
		}
	}()
	return root.ExecuteContextC(ctx)
}

// exitCode is the documented exit code for a command that returned err.
func exitCode(err error) int {
	var ee *exitError
	var ie *internalError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ie):
		return ExitError
	case errors.As(err, &ee):
		return ee.code
	case isUsage(err):
		return ExitUsage
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	}
	return ExitError
}

// isUsage: err is a bad command line. cobra reports an unknown subcommand
// with a plain error.
func isUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command ")
}

// printError writes err for people on stderr.
func printError(stdio IO, cmd *cobra.Command, err error) {
	var ee *exitError
	var ie *internalError
	st := stdio.errStyle()
	prefix := st.ErrorPrefix()
	switch {
	case err == nil:
	case errors.As(err, &ie):
		fmt.Fprintf(stdio.Err, "%sinternal error: %v\nThis is a bug in sfprov %s; please report it with the command you ran and this trace:\n%s", prefix, ie.value, Version, ie.stack)
	case errors.As(err, &ee):
		if ee.msg != "" {
			fmt.Fprintln(stdio.Err, prefix+st.Text(ee.msg))
		}
	case isUsage(err):
		fmt.Fprintln(stdio.Err, prefix+st.Text(err.Error()))
		fmt.Fprintf(stdio.Err, "Run '%s --help' for usage.\n", helpPath(cmd))
	default:
		fmt.Fprintln(stdio.Err, prefix+st.Text(err.Error()))
	}
}

// testCommands add commands to the tree in tests (a command that panics).
var testCommands []func(*Factory) *cobra.Command

func newRoot(stdio IO) *cobra.Command {
	f := &Factory{IO: stdio, g: &globalFlags{}}
	return newRootWith(f)
}

func newRootWith(f *Factory) *cobra.Command {
	g := f.g
	root := &cobra.Command{
		Use:   "sfprov",
		Short: "Provision Salesforce integration users from one reviewed YAML spec",
		Long: `sfprov reads a spec (profiles, permission sets, groups, users, licences and
assignments), reads the org, shows the difference, and converges the org to the
spec.

The target org is named with -o/--target-org (or SFPROV_TARGET_ORG): "local",
an alias saved by "sfprov auth login", an alias or username the sf CLI knows,
or an instance URL with credentials in the environment. With no name the
target is "local", an embedded Salesforce org emulator whose state persists in
the user's data directory, but only when no credentials are set: sfprov never
falls back to it when the environment points at a real org.`,
		Example: `  sfprov apply profiles/coconut.yaml --yes          # the embedded org
  sfprov auth login --web --client-id ID --alias dev
  sfprov plan spec.yaml -o dev
  sfprov apply spec.yaml -o my-sf-alias               # an org the sf CLI knows`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       Version,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{suggestFlag(c, err)} })
	pf := root.PersistentFlags()
	pf.StringVarP(&g.targetOrg, "target-org", "o", "", `org to work on: "local", an alias or username (sfprov auth list, or the sf CLI's), or an instance URL (env SFPROV_TARGET_ORG)`)
	pf.StringVar(&g.instanceURL, "instance-url", "", "instance URL of the org; credentials come from the environment (SF_ACCESS_TOKEN, SFPROV_CLIENT_ID, ...)")
	pf.StringVar(&g.apiVersion, "api-version", "", "REST API version (default "+salesforce.DefaultAPIVersion+")")
	pf.StringVar(&g.loginURL, "login-url", "", "where the JWT bearer flow logs in (https://login.salesforce.com, https://test.salesforce.com or My Domain; env SFPROV_LOGIN_URL; default: the instance URL)")
	pf.BoolVarP(&g.verbose, "verbose", "v", false, "trace every API call (method, path, status, duration) on stderr")
	pf.DurationVar(&g.requestTimeout, "request-timeout", salesforce.DefaultRequestTimeout, "fail a try of a request the org has not answered in this long, e.g. 2m (a read is then sent again; 0: no limit)")
	pf.DurationVar(&g.deadline, "deadline", 0, "give up on the org after this long in all, e.g. 10m (default: no deadline)")
	_ = root.RegisterFlagCompletionFunc("target-org", f.completeTargets)
	if f.IO.term != nil {
		pf.BoolVar(&f.IO.term.noColor, "no-color", false, "no colour, even on a terminal (also NO_COLOR=1 or TERM=dumb)")
	}
	root.AddCommand(
		withEnv(NewCmdValidate(f, nil), specVarsNote, envSpec...),
		withEnv(NewCmdPlan(f, nil), specVarsNote, envSpec...),
		withEnv(NewCmdApply(f, nil), specVarsNote, envSpec...),
		withEnv(NewCmdChecklist(f, nil), specVarsNote, envSpec...),
		withEnv(NewCmdVerify(f, nil), specVarsNote, envSpec...),
		withEnv(NewCmdOffboard(f, nil), specVarsNote, envSpec...),
		withEnv(NewCmdExport(f, nil), "", envTarget...),
		NewCmdInit(f, nil),
		NewCmdAuth(f),
		newSchemaCmd(f.IO),
		newVersionCmd(f.IO),
		newEmulatorCmd(),
		newExitCodesTopic(f.IO),
		newProfilesCmd(f.IO),
	)
	for _, mk := range testCommands {
		root.AddCommand(mk(f))
	}
	return root
}
