package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sfprov/sfprov/internal/target"
)

// globalFlags are the root command's persistent flags.
type globalFlags struct {
	targetOrg   string
	instanceURL string
	apiVersion  string
	verbose     bool
	loginURL    string
	// requestTimeout and deadline bound each try of a request and the
	// whole command's requests.
	requestTimeout, deadline time.Duration
}

// Factory is what every command gets: the streams, and a way to reach the
// target org that the global flags and the environment name. Commands take
// their dependencies from it, so a test can give them others.
type Factory struct {
	IO IO
	g  *globalFlags
	// SF overrides the sf CLI (tests); nil runs `sf` from PATH.
	SF target.SFCLI
}

// targetOptions are the global flags and environment as target options.
func (f *Factory) targetOptions() target.Options {
	var trace io.Writer
	if f.g.verbose {
		trace = f.IO.Err
	}
	return target.Options{
		TargetOrg:   f.g.targetOrg,
		InstanceURL: f.g.instanceURL,
		LoginURL:    f.g.loginURL,
		APIVersion:  f.g.apiVersion,
		Getenv:      f.IO.Getenv,
		Trace:       trace,
		Secret:      f.IO.secrets.add,
		SF:          f.SF,
		Notice:      func(msg string) { fmt.Fprintln(f.IO.Err, msg) },

		RequestTimeout: requestTimeout(f.g.requestTimeout),
		Deadline:       f.g.deadline,
	}
}

// requestTimeout is --request-timeout as the client takes it: 0 (given on
// the command line) is no timeout.
func requestTimeout(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// Connect resolves and connects to the target org.
func (f *Factory) Connect(ctx context.Context) (*target.Org, error) {
	o, err := target.Connect(ctx, f.targetOptions())
	if err != nil {
		return nil, targetError(err)
	}
	f.IO.closers.add(o.Close)
	if f.g.apiVersion != "" {
		if err := checkAPIVersion(ctx, o, f.g.apiVersion); err != nil {
			return nil, err
		}
	}
	return o, nil
}
