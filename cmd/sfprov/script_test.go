package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sfprov/sfprov/internal/cli"
	"github.com/sfprov/sfprov/internal/emulator"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sfprov": func() { os.Exit(cli.Main()) },
	})
}

// emulatorToken is the access token of the per-script emulator org; the
// connected app's client id and secret serve the OAuth flows.
const (
	emulatorToken    = "00D000000000001AAA!scripttoken"
	testClientID     = "3MVG9sfprovTestClientId"
	testClientSecret = "sfprov-client-secret-42"
)

// testKeyPair makes an RSA key and a self-signed certificate for the JWT
// bearer flow.
func testKeyPair(t *testing.T) (keyPEM, certPEM []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sfprov test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return keyPEM, certPEM
}

// TestScript runs the end-to-end scripts in testdata/script. Each script gets
// its own data directory (SFPROV_HOME, for the embedded org) and its own
// emulator org served over HTTP at $EMULATOR_URL with $SF_ACCESS_TOKEN.
//
// Extra commands:
//
//	exitcode N prog args...  run prog and require exit status N
//	query [-tooling] SOQL               query the HTTP emulator; prints one sorted JSON object per record
//	filemode OCTAL FILE...   require the files' permission bits
//	sleep DURATION           wait (for a token to expire)
//	apicalls                 print how many API calls the HTTP emulator counted since the previous apicalls
func TestScript(t *testing.T) {
	// Scripts run in parallel: the maps of their emulators are shared.
	var mu sync.Mutex
	servers := map[string]*emulator.Org{}
	marks := map[string]int{}
	keyPEM, certPEM := testKeyPair(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_GOLDEN") != "",
		Setup: func(env *testscript.Env) error {
			opts := emulator.Options{AccessToken: emulatorToken,
				ClientID: testClientID, ClientSecret: testClientSecret, JWTCertPEM: certPEM}
			// A script may give its org a small daily API allowance in a
			// file named emulator-daily-api-limit.
			if b, err := os.ReadFile(env.WorkDir + "/emulator-daily-api-limit"); err == nil {
				if opts.DailyAPILimit, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil {
					return fmt.Errorf("emulator-daily-api-limit: %w", err)
				}
			}
			// emulator-token-lifetime (a duration) shortens issued tokens'
			// lives, emulator-psg-recalc-delay a permission set group's
			// recalculation; emulator-faults holds --fault specs, one a line.
			if b, err := os.ReadFile(env.WorkDir + "/emulator-token-lifetime"); err == nil {
				if opts.TokenLifetime, err = time.ParseDuration(strings.TrimSpace(string(b))); err != nil {
					return fmt.Errorf("emulator-token-lifetime: %w", err)
				}
			}
			// emulator-seed.yaml seeds the org (sfprov emulator serve --seed).
			if _, err := os.Stat(env.WorkDir + "/emulator-seed.yaml"); err == nil {
				seed, err := emulator.LoadSeed(env.WorkDir + "/emulator-seed.yaml")
				if err != nil {
					return fmt.Errorf("emulator-seed.yaml: %w", err)
				}
				opts.Seed = seed
			}
			if b, err := os.ReadFile(env.WorkDir + "/emulator-psg-recalc-delay"); err == nil {
				if opts.PSGRecalcDelay, err = time.ParseDuration(strings.TrimSpace(string(b))); err != nil {
					return fmt.Errorf("emulator-psg-recalc-delay: %w", err)
				}
			}
			if b, err := os.ReadFile(env.WorkDir + "/emulator-faults"); err == nil {
				for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
					if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
						opts.Faults = append(opts.Faults, line)
					}
				}
			}
			org, err := emulator.New(opts)
			if err != nil {
				return err
			}
			srv := httptest.NewServer(org)
			env.Defer(srv.Close)
			mu.Lock()
			servers[env.WorkDir] = org
			mu.Unlock()
			// No sf CLI from the developer's machine: scripts that need one
			// put their own on PATH.
			env.Setenv("PATH", withoutSF(env.Getenv("PATH")))
			env.Setenv("SFPROV_HOME", env.WorkDir+"/home")
			env.Setenv("EMULATOR_URL", srv.URL)
			env.Setenv("SF_ACCESS_TOKEN", emulatorToken)
			env.Setenv("SFPROV_TARGET_ORG", "")
			// A UTF-8 locale, as on most desktops: sfprov prints ✓ ✗ →
			// (without one it prints ASCII; terminal_conventions.txtar).
			env.Setenv("LANG", "C.UTF-8")
			env.Setenv("TEST_CLIENT_ID", testClientID)
			env.Setenv("TEST_CLIENT_SECRET", testClientSecret)
			keyFile := env.WorkDir + "/jwt-key.pem"
			if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
				return err
			}
			env.Setenv("TEST_JWT_KEY_FILE", keyFile)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitCode,
			"filemode": cmdFileMode,
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				d, err := time.ParseDuration(strings.Join(args, ""))
				if neg || err != nil {
					ts.Fatalf("usage: sleep DURATION")
				}
				time.Sleep(d)
			},
			"query": cmdQuery,
			"apicalls": func(ts *testscript.TestScript, neg bool, args []string) {
				work := ts.Getenv("WORK")
				mu.Lock()
				defer mu.Unlock()
				n := servers[work].APICalls()
				fmt.Fprintln(ts.Stdout(), n-marks[work])
				marks[work] = n
			},
		},
	})
}

// cmdFileMode: filemode OCTAL FILE... requires each file's permission bits.
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: filemode OCTAL FILE...")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil {
		ts.Fatalf("filemode: %v", err)
	}
	for _, f := range args[1:] {
		fi, err := os.Stat(ts.MkAbs(f))
		if err != nil {
			ts.Fatalf("filemode: %v", err)
		}
		if got := fi.Mode().Perm(); got != os.FileMode(want) {
			ts.Fatalf("%s has mode %#o, want %#o", f, got, want)
		}
	}
}

// withoutSF is path without the directories that hold an sf executable.
func withoutSF(path string) string {
	var keep []string
	for _, dir := range filepath.SplitList(path) {
		if _, err := os.Stat(filepath.Join(dir, "sf")); err == nil {
			continue
		}
		keep = append(keep, dir)
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N prog args...")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// cmdQuery reads state back through the emulator's REST API, as any client would.
func cmdQuery(ts *testscript.TestScript, neg bool, args []string) {
	api := "/services/data/v62.0/query?q="
	if len(args) == 2 && args[0] == "-tooling" {
		api, args = "/services/data/v62.0/tooling/query?q=", args[1:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: query [-tooling] SOQL")
	}
	u := ts.Getenv("EMULATOR_URL") + api + url.QueryEscape(args[0])
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+emulatorToken)
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		if !neg {
			ts.Fatalf("query: HTTP %d: %s", resp.StatusCode, body)
		}
		fmt.Fprintf(ts.Stdout(), "%s\n", body)
		return
	}
	if neg {
		ts.Fatalf("query succeeded unexpectedly")
	}
	var page struct {
		Records []map[string]any `json:"records"`
	}
	ts.Check(json.Unmarshal(body, &page))
	for _, r := range page.Records {
		fmt.Fprintln(ts.Stdout(), flatten(r))
	}
}

// flatten renders a record as sorted key=value pairs without attributes, with
// parent relationships as Parent.Field.
func flatten(r map[string]any) string {
	var parts []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if k == "attributes" {
				continue
			}
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+".", sub)
				continue
			}
			b, _ := json.Marshal(v)
			parts = append(parts, prefix+k+"="+string(b))
		}
	}
	walk("", r)
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
