//go:build contract

package contract

// The contract suite (make contract; docs/contract.md). TestMain reaches the
// org SFPROV_CONTRACT_ORG names, or starts a fresh `sfprov emulator serve`,
// refuses a production org, and, when the run records, puts the recording
// proxy in front of it. Against the emulator every run records, and the
// recording is replayed against a second fresh emulator at the end, so that
// the recorder and the comparison are checked on every CI run.

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/target"
)

var allowProduction = flag.Bool("allow-production", os.Getenv("SFPROV_CONTRACT_ALLOW_PRODUCTION") == "1",
	"run against a production org (also SFPROV_CONTRACT_ALLOW_PRODUCTION=1)")

// suite is what every scenario uses.
var suite struct {
	bin     string             // the sfprov binary
	org     string             // -o for sfprov
	env     []string           // sfprov's environment
	client  *salesforce.Client // the harness's own API client
	prefix  string             // run-unique, on everything created
	adminID string             // the running user
	emu     bool               // the org is an emulator the suite started
}

// emulatorFlags are the serve flags of the suite's emulators: a group's
// recalculation short enough to wait for, long enough to be seen.
var emulatorFlags = []string{"--psg-recalc-delay", "1s"}

func TestMain(m *testing.M) {
	flag.Parse()
	// simpleforce logs every failed request (log.Printf); the suite sends
	// refused ones on purpose and asserts on them.
	log.SetOutput(io.Discard)
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "sfprov-contract-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)
	if suite.bin, err = buildSfprov(tmp); err != nil {
		return fail(err)
	}
	suite.prefix = runPrefix()
	recordDir := os.Getenv("SFPROV_CONTRACT_RECORD")
	orgName := os.Getenv("SFPROV_CONTRACT_ORG")
	opts := target.Options{TargetOrg: orgName, Getenv: os.LookupEnv}
	suite.org, suite.env = orgName, os.Environ()
	if orgName == "" {
		suite.emu = true
		url, token, stop, err := startEmulator(tmp, "org")
		if err != nil {
			return fail(err)
		}
		defer stop()
		suite.org = url
		suite.env = sfprovEnv(tmp, token)
		opts = target.Options{TargetOrg: url, Getenv: envOf(map[string]string{"SF_ACCESS_TOKEN": token})}
		if recordDir == "" {
			recordDir = filepath.Join(tmp, "recording")
		}
	}
	org, err := target.Connect(ctx, opts)
	if err != nil {
		return fail(fmt.Errorf("connect to %s: %w", suite.org, err))
	}
	defer org.Close()
	id, err := org.Client.Identify(ctx)
	if err != nil {
		return fail(fmt.Errorf("identify %s: %w", suite.org, err))
	}
	if err := CheckOrg(org.InstanceURL, id.IsSandbox, id.OrgType, *allowProduction); err != nil {
		return fail(err)
	}
	suite.client, suite.adminID = org.Client, id.UserID
	kind := org.Kind(id.IsSandbox)
	fmt.Printf("contract: %s (%s, %s) as %s; run prefix %s\n", suite.org, kind, id.OrgType, id.Username, suite.prefix)

	var proxy *Proxy
	if recordDir != "" {
		proxy, err = OrgProxy(ctx, org)
		if err != nil {
			return fail(err)
		}
		srv := httptest.NewServer(proxy)
		defer srv.Close()
		suite.org, suite.env = srv.URL, sfprovEnv(tmp, proxy.Session)
		suite.client = salesforce.New(salesforce.Config{InstanceURL: srv.URL, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: proxy.Session})})
	}
	started, before := time.Now(), org.Client.Calls()
	code := m.Run()
	fmt.Printf("contract: %s, %d API calls\n", time.Since(started).Round(100*time.Millisecond), org.Client.Calls()-before)
	if proxy == nil {
		return code
	}
	rec := proxy.Recording()
	if err := rec.Write(recordDir); err != nil {
		return fail(err)
	}
	fmt.Printf("contract: recorded %d exchanges in %s\n", len(rec.Exchanges), recordDir)
	if diffs, err := replayOnEmulator(ctx, tmp, rec); err != nil {
		return fail(err)
	} else if len(diffs) > 0 {
		fmt.Printf("contract: %d answers of the emulator differ from the recording:\n", len(diffs))
		for _, d := range diffs {
			fmt.Println("  " + d.String())
		}
		if suite.emu && code == 0 {
			code = 1 // one emulator's recording must replay on another
		}
	} else {
		fmt.Println("contract: the recording replays on a fresh emulator with no difference")
	}
	return code
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "contract:", err)
	return 1
}

// runPrefix is the run-unique prefix of every name the suite makes: a
// letter first, as API names need.
func runPrefix() string {
	b := make([]byte, 3)
	rand.Read(b)
	return "ct" + hex.EncodeToString(b)
}

// buildSfprov builds the binary under test (SFPROV_CONTRACT_BIN names a
// built one instead).
func buildSfprov(dir string) (string, error) {
	if bin := os.Getenv("SFPROV_CONTRACT_BIN"); bin != "" {
		return bin, nil
	}
	bin := filepath.Join(dir, "sfprov")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/sfprov/sfprov/cmd/sfprov")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build sfprov: %w", err)
	}
	return bin, nil
}

// startEmulator starts `sfprov emulator serve` on a free port and returns its
// URL, its token and how to stop it.
func startEmulator(dir, name string) (url, token string, stop func(), err error) {
	b := make([]byte, 12)
	rand.Read(b)
	token = "00Dcontract!" + hex.EncodeToString(b)
	args := append([]string{"emulator", "serve", "--addr", "127.0.0.1:0", "--access-token", token}, emulatorFlags...)
	cmd := exec.Command(suite.bin, args...)
	errLog, err := os.Create(filepath.Join(dir, "serve-"+name+".err"))
	if err != nil {
		return "", "", nil, fmt.Errorf("start the emulator: %w", err)
	}
	cmd.Stderr = errLog
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", "", nil, fmt.Errorf("start the emulator: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return "", "", nil, fmt.Errorf("start the emulator: %w", err)
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait(); errLog.Close() }
	line, err := bufio.NewReader(out).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "Emulator org listening at ")
	if err != nil || !ok {
		stop()
		msg, _ := os.ReadFile(errLog.Name())
		return "", "", nil, fmt.Errorf("the emulator printed no listening line (%q, %v): %s", line, err, msg)
	}
	return url, token, stop, nil
}

// sfprovEnv is sfprov's environment for a URL target with token: no
// credential or target of the caller's, its own SFPROV_HOME.
func sfprovEnv(dir, token string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "SFPROV_") || strings.HasPrefix(k, "SF_") || strings.HasPrefix(k, "SFDX_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "SF_ACCESS_TOKEN="+token, "SFPROV_HOME="+filepath.Join(dir, "home"), "NO_COLOR=1")
}

func envOf(m map[string]string) target.Getenv {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// replayOnEmulator replays rec against a second fresh emulator.
func replayOnEmulator(ctx context.Context, dir string, rec *Recording) ([]Difference, error) {
	url, token, stop, err := startEmulator(dir, "replay")
	if err != nil {
		return nil, err
	}
	defer stop()
	return Replay(ctx, rec, ReplayTarget{URL: url, Token: token})
}
