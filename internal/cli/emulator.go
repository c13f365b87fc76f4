package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/sfprov/sfprov/internal/contract"
	"github.com/sfprov/sfprov/internal/emulator/emucmd"
	"github.com/sfprov/sfprov/internal/target"
)

// newEmulatorCmd is `sfprov emulator`: the emulator org served over HTTP,
// and the local org's state exported or reset.
func newEmulatorCmd() *cobra.Command {
	cmd := emucmd.New()
	cmd.AddCommand(newEmulatorExportCmd(), newEmulatorResetCmd(), newEmulatorRecordCmd())
	return cmd
}

// localOptions are the target options of the local org's commands. The
// emulator command is made without the Factory, so the environment is the
// process's own.
func localOptions(cmd *cobra.Command) target.Options {
	return target.Options{Getenv: os.LookupEnv, Notice: func(msg string) { fmt.Fprintln(cmd.ErrOrStderr(), msg) }}
}

func newEmulatorExportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the local org's state as JSON",
		Long: `Write the local org's state (the store in $SFPROV_HOME) as JSON: the org's
metadata and every record, by object in insertion order, in the state file
format that 'sfprov emulator serve --state FILE' reads. Passwords are hashes.`,
		Example: `  sfprov emulator export --out local-org.json
  sfprov emulator export | jq '.records.User | length'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return target.ExportLocal(cmd.Context(), localOptions(cmd), cmd.OutOrStdout())
			}
			return exportToFile(cmd, out)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of stdout (replaced whole, or left as it was on failure)")
	return cmd
}

// exportToFile exports into a temporary file beside path, renamed over it
// once complete.
func exportToFile(cmd *cobra.Command, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sfprov-export-*")
	if err != nil {
		return fmt.Errorf("export the local org: %w", err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	err = target.ExportLocal(cmd.Context(), localOptions(cmd), w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export the local org to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export the local org to %s: %w", path, err)
	}
	return nil
}

func newEmulatorResetCmd() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Delete the local org, for a fresh one next time",
		Long: `Delete the local org's state in $SFPROV_HOME, so that the next plan or apply
against the local org starts from a fresh org. Asks for 'yes' on a terminal;
--yes skips the question, and without a terminal it is required.`,
		Example: `  sfprov emulator export --out backup.json && sfprov emulator reset --yes`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !yes {
				if err := confirmReset(cmd.InOrStdin(), cmd.ErrOrStderr()); err != nil {
					return err
				}
			}
			existed, err := target.ResetLocal(cmd.Context(), localOptions(cmd))
			if err != nil {
				return err
			}
			if existed {
				fmt.Fprintln(cmd.OutOrStdout(), "The local org was reset; the next command starts a fresh one.")
			} else {
				fmt.Fprintln(cmd.OutOrStdout(), "There was no local org to reset.")
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "reset without asking for confirmation (required without a terminal)")
	return cmd
}

// confirmReset asks on a terminal, as apply does: only "yes" goes on.
func confirmReset(in io.Reader, errOut io.Writer) error {
	f, ok := in.(*os.File)
	if !ok || !isTerminal(f) {
		return exitWith(ExitRefused, "refusing to reset the local org: no terminal to confirm on; pass --yes to reset without confirmation")
	}
	fmt.Fprint(errOut, "Delete the local org and everything in it? Only 'yes' will be accepted: ")
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the answer: %w", err)
	}
	if strings.TrimSpace(answer) != "yes" {
		return exitWith(ExitRefused, "reset cancelled; nothing was changed")
	}
	return nil
}

// newEmulatorRecordCmd is `sfprov emulator record`: a recording proxy in
// front of a real org, so that what any client sends it (the contract
// suite, sfprov, the sf CLI) is kept as fixtures the emulator is compared
// with (docs/contract.md).
func newEmulatorRecordCmd() *cobra.Command {
	var org, out, addr string
	cmd := &cobra.Command{
		Use:   "record",
		Short: "Record an org's answers, scrubbed, as fixtures for the emulator",
		Long: `Serve a recording proxy for --target-org on this machine until interrupted
(SIGINT or SIGTERM), then write every request and answer it saw into --out, in
the fixtures format of internal/emulator/testdata/fixtures, with index.json and
INDEX.md. Tokens, secrets, Ids, usernames and the org's name are scrubbed.
Point a client at the proxy's URL with its token as SF_ACCESS_TOKEN; the proxy
sends each request on with the org's own session. docs/contract.md says how to
contribute a recording.`,
		Example: `  sfprov emulator record --target-org dev --out recording/
  SF_ACCESS_TOKEN=TOKEN sfprov apply profiles/coconut.yaml -o http://127.0.0.1:PORT --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if org == "" || out == "" {
				return exitWith(ExitUsage, "sfprov emulator record needs --target-org ORG and --out DIR")
			}
			opts := localOptions(cmd)
			opts.TargetOrg = org
			o, err := target.Connect(cmd.Context(), opts)
			if err != nil {
				return targetError(err)
			}
			defer o.Close()
			p, err := contract.OrgProxy(cmd.Context(), o)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			err = contract.Record(ctx, p, addr, out, func(url string) {
				fmt.Fprintf(cmd.OutOrStdout(), "Recording proxy for %s listening at %s\n", org, url)
				fmt.Fprintf(cmd.ErrOrStderr(), "Access token: %s\n", p.Session)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Recorded %d exchanges in %s\n", len(p.Recording().Exchanges), out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&org, "target-org", "o", "", "the org to record (an alias, an sf CLI org, or an instance URL with credentials in the environment)")
	cmd.Flags().StringVar(&out, "out", "", "directory to write the recording into")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "address the proxy listens on (127.0.0.1:0 picks a free port)")
	return cmd
}
