package main

// Kill and resume (issue 9, "Tests that hold it"): `sfprov apply --yes` is
// killed with SIGKILL after its k-th API call, for each k of a clean cold
// apply in turn, against an `sfprov emulator serve` process and against the
// local org. A re-run must finish, a third run must find no changes, and the
// org must hold what a clean run leaves. Ctrl-C (SIGINT) mid-apply exits 130
// and the re-run converges too.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfprov/sfprov/internal/emulator"
)

// killSpec holds everything that takes more than one call: a cloned
// profile and its copy, users and their passwords (from the environment
// and a reset), a group with members and an assignment, and a record.
const killSpec = `version: 1
profiles:
  - name: KR Clone
    cloneFrom: Standard User
    objects:
      - object: Account
        access: [read, viewAll]
permissionSets:
  - name: KR_API
    systemPermissions: [API Enabled]
  - name: KR_Data
    objects:
      - object: Contact
        access: [read]
permissionSetGroups:
  - name: KR_Group
    permissionSets: [KR_API, KR_Data]
users:
  - username: kr.env@example.com
    lastName: KR Env
    email: kr@example.com
    profile: KR Clone
    password: {fromEnv: KR_PASSWORD}
    permissionSetGroups: [KR_Group]
  - username: kr.reset@example.com
    lastName: KR Reset
    email: kr@example.com
    profile: KR Clone
    password: reset
records:
  - object: Account
    key: [Name]
    values: {Name: KR One, Industry: Technology, NumberOfEmployees: "42"}
`

const killToken = "00D000000000001AAA!killresumetoken"

// sfprovBin is the sfprov that testscript.Main put on PATH (this test
// binary, which runs as sfprov under that name).
func sfprovBin(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("sfprov")
	if err != nil {
		t.Fatalf("sfprov is not on PATH: %v", err)
	}
	return p
}

// killEnv is the whole environment of a child: nothing from the developer's
// (no saved logins, no credentials, no sf CLI).
func killEnv(home string, extra ...string) []string {
	return append([]string{"PATH=" + withoutSF(os.Getenv("PATH")), "HOME=" + home, "SFPROV_HOME=" + home,
		"LANG=C.UTF-8", "KR_PASSWORD=Kr-resume-pw-1"}, extra...)
}

// isAPICall is the emulator's rule for an API call (internal/emulator
// serve.go counted): what the proxy counts as "the k-th call".
func isAPICall(r *http.Request) bool {
	p := r.URL.Path
	return strings.HasPrefix(p, "/services/data/v") || strings.HasPrefix(p, "/services/oauth2/userinfo") || strings.HasPrefix(p, "/id/")
}

// serveEmulator starts `sfprov emulator serve` with a state file, as a
// process of its own, and returns its URL. Groups finish recalculating at
// once, so that a run makes the same calls every time.
func serveEmulator(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.Command(sfprovBin(t), "emulator", "serve", "--addr", "127.0.0.1:0", "--access-token", killToken,
		"--state", filepath.Join(dir, "org.json"), "--psg-recalc-delay", "1ns")
	cmd.Env = killEnv(dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	u, ok := strings.CutPrefix(strings.TrimSpace(line), "Emulator org listening at ")
	if err != nil || !ok {
		t.Fatalf("emulator serve: %q %v\n%s", line, err, errb.String())
	}
	return u
}

// killProxy stands between sfprov and the emulator process. At the k-th
// API call it lets the org serve it whole (so the org has committed it),
// then kills sfprov (SIGKILL) before the answer reaches it, or, with
// interrupt, sends SIGINT and lets the answer through. k = 0: no signal.
type killProxy struct {
	org       string
	k         int
	interrupt bool
	calls     atomic.Int64
	mu        sync.Mutex
	child     *os.Process
	started   chan struct{} // closed once child is set
	afterK    atomic.Int64  // API calls that arrived after the k-th
}

func newKillProxy(t *testing.T, org string, k int, interrupt bool) (*killProxy, string) {
	p := &killProxy{org: org, k: k, interrupt: interrupt, started: make(chan struct{})}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL
}

func (p *killProxy) setChild(proc *os.Process) {
	p.mu.Lock()
	p.child = proc
	p.mu.Unlock()
	close(p.started)
}

func (p *killProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := 0
	if isAPICall(r) {
		n = int(p.calls.Add(1))
		if p.k > 0 && n > p.k {
			p.afterK.Add(1)
		}
	}
	body, _ := io.ReadAll(r.Body)
	req, _ := http.NewRequest(r.Method, p.org+r.URL.RequestURI(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	if n == p.k && p.interrupt {
		// Ctrl-C while the call is on its way: it must be let finish.
		<-p.started
		p.child.Signal(os.Interrupt)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if n == p.k && !p.interrupt {
		// The org has done the call; sfprov dies before it hears so.
		<-p.started
		p.child.Kill()
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(answer)
}

// runSfprovIn runs sfprov in dir to its end and returns its exit code (-1
// when a signal ended it) and output; onStart, when set, is given the
// process once it has started.
func runSfprovIn(t *testing.T, dir string, env []string, onStart func(*os.Process), args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(sfprovBin(t), args...)
	cmd.Dir, cmd.Env = dir, env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if onStart != nil {
		onStart(cmd.Process)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("sfprov %s: %v", strings.Join(args, " "), err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// resumeIn is the re-run and the third run after an interrupted apply: the
// re-run finishes (exit 0), and then a plan finds nothing to do.
func resumeIn(t *testing.T, dir string, env []string, target ...string) {
	t.Helper()
	code, out, errs := runSfprovIn(t, dir, env, nil, append([]string{"apply", "--yes", "spec.yaml"}, target...)...)
	if code != 0 || !strings.Contains(out, "Apply complete") && !strings.Contains(out, "No changes.") {
		t.Fatalf("re-run: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runSfprovIn(t, dir, env, nil, append([]string{"plan", "--detailed-exitcode", "spec.yaml"}, target...)...)
	if code != 0 || !strings.Contains(out, "No changes.") {
		t.Fatalf("third run: exit %d\n%s%s", code, out, errs)
	}
}

// orgFacts is what the org holds of killSpec, one line a row, read over the
// REST API at url: a duplicate shows as a line twice.
func orgFacts(t *testing.T, url string) []string {
	t.Helper()
	queries := []string{
		"SELECT Name, UserLicense.Name FROM Profile WHERE Name = 'KR Clone'",
		"SELECT COUNT(Id) n FROM FieldPermissions WHERE Parent.Profile.Name = 'KR Clone'",
		"SELECT COUNT(Id) n FROM ObjectPermissions WHERE Parent.Profile.Name = 'KR Clone'",
		"SELECT PermissionsConvertLeads FROM PermissionSet WHERE Profile.Name = 'KR Clone'",
		"SELECT PermissionsRead, PermissionsViewAllRecords FROM ObjectPermissions WHERE Parent.Profile.Name = 'KR Clone' AND SobjectType = 'Account'",
		"SELECT Name FROM PermissionSet WHERE Name LIKE 'KR%' ORDER BY Name",
		"SELECT DeveloperName FROM PermissionSetGroup WHERE DeveloperName LIKE 'KR%'",
		"SELECT PermissionSet.Name FROM PermissionSetGroupComponent WHERE PermissionSetGroup.DeveloperName = 'KR_Group' ORDER BY PermissionSet.Name",
		"SELECT Username, Profile.Name, IsActive, LastPasswordChangeDate FROM User WHERE Username LIKE 'kr.%' ORDER BY Username",
		"SELECT Assignee.Username, PermissionSetGroup.DeveloperName FROM PermissionSetAssignment WHERE Assignee.Username LIKE 'kr.%' AND PermissionSetGroupId != null",
		"SELECT COUNT(Id) n FROM PermissionSetAssignment WHERE Assignee.Username LIKE 'kr.%'",
		"SELECT Name, Industry, NumberOfEmployees FROM Account WHERE Name LIKE 'KR%' ORDER BY Name",
	}
	var out []string
	for _, q := range queries {
		req, _ := http.NewRequest("GET", url+"/services/data/v62.0/query?q="+urlQuery(q), nil)
		req.Header.Set("Authorization", "Bearer "+killToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var page struct {
			Records []map[string]any `json:"records"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: HTTP %d %v", q, resp.StatusCode, err)
		}
		for _, r := range page.Records {
			if v, ok := r["LastPasswordChangeDate"]; ok {
				// When differs from run to run; whether does not.
				r["LastPasswordChangeDate"] = v != nil
			}
			out = append(out, flatten(r))
		}
	}
	return out
}

func urlQuery(q string) string { return url.QueryEscape(q) }

// killWant is what a clean apply of killSpec leaves (checked against a
// clean run by each test before it kills anything).
var killWant = []string{
	`Name="KR Clone" UserLicense.Name="Salesforce"`,
	`n=131`,
	`n=5`,
	`PermissionsConvertLeads=true`,
	`PermissionsRead=true PermissionsViewAllRecords=true`,
	`Name="KR_API"`,
	`Name="KR_Data"`,
	`Name="KR_Group"`,
	`DeveloperName="KR_Group"`,
	`PermissionSet.Name="KR_API"`,
	`PermissionSet.Name="KR_Data"`,
	`IsActive=true LastPasswordChangeDate=true Profile.Name="KR Clone" Username="kr.env@example.com"`,
	`IsActive=true LastPasswordChangeDate=true Profile.Name="KR Clone" Username="kr.reset@example.com"`,
	`Assignee.Username="kr.env@example.com" PermissionSetGroup.DeveloperName="KR_Group"`,
	`n=3`,
	`Industry="Technology" Name="KR One" NumberOfEmployees=42`,
}

// writeKillSpec writes the spec where the children run.
func writeKillSpec(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "spec.yaml"), []byte(killSpec), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestKillAndResumeHTTP: SIGKILL after each API call of a cold apply to an
// emulator process, the k-th call done by the org and its answer lost.
func TestKillAndResumeHTTP(t *testing.T) {
	// The clean run: how many calls a cold apply makes, and what it leaves.
	dir := t.TempDir()
	writeKillSpec(t, dir)
	org := serveEmulator(t, dir)
	p, proxy := newKillProxy(t, org, 0, false)
	env := killEnv(dir, "SF_ACCESS_TOKEN="+killToken)
	code, out, errs := runSfprovIn(t, dir, env, nil, "apply", "--yes", "spec.yaml", "-o", proxy)
	if code != 0 {
		t.Fatalf("clean apply: exit %d\n%s%s", code, out, errs)
	}
	n := int(p.calls.Load())
	if diff := cmp.Diff(killWant, orgFacts(t, org)); diff != "" {
		t.Fatalf("a clean apply leaves (-want +got):\n%s", diff)
	}
	t.Logf("clean cold apply to the emulator process: %d API calls", n)
	for k := 1; k <= n; k++ {
		t.Run(fmt.Sprintf("kill%02d", k), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeKillSpec(t, dir)
			org := serveEmulator(t, dir)
			p, proxy := newKillProxy(t, org, k, false)
			env := killEnv(dir, "SF_ACCESS_TOKEN="+killToken)
			code, out, errs := runSfprovIn(t, dir, env, p.setChild, "apply", "--yes", "spec.yaml", "-o", proxy)
			if code != -1 {
				t.Fatalf("apply was not killed at call %d: exit %d\n%s%s", k, code, out, errs)
			}
			resumeIn(t, dir, env, "-o", proxy)
			if diff := cmp.Diff(killWant, orgFacts(t, org)); diff != "" {
				t.Errorf("after a kill at call %d and two runs, the org holds (-clean +got):\n%s", k, diff)
			}
		})
	}
}

// applyLocalUntil runs `sfprov apply --yes -v` on the local org in dir and
// kills it (SIGKILL) once its -v trace shows the k-th API call done (k = 0:
// never). The trace line is written once the call has returned, so the org
// (in the child) has committed it; the child may be into the next call
// when the signal lands, which is the point: the local org's store must
// survive a kill in the middle of a write. It returns the exit code (-1:
// killed) and the calls the trace showed done by then.
func applyLocalUntil(t *testing.T, dir string, env []string, k int) (code, calls int, out string) {
	t.Helper()
	cmd := exec.Command(sfprovBin(t), "apply", "--yes", "-v", "spec.yaml")
	cmd.Dir, cmd.Env = dir, env
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "api: ") {
			rest.WriteString(line + "\n")
			continue
		}
		if calls++; calls == k {
			cmd.Process.Kill()
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("sfprov apply: %v", err)
	}
	return cmd.ProcessState.ExitCode(), calls, stdout.String() + rest.String()
}

// localFacts opens the local org's store in dir (no sfprov holds it now)
// and reads orgFacts from it over HTTP.
func localFacts(t *testing.T, dir string) []string {
	t.Helper()
	org, err := emulator.New(emulator.Options{AccessToken: killToken, DBPath: filepath.Join(dir, "local-org.db")})
	if err != nil {
		t.Fatalf("open the local org: %v", err)
	}
	srv := httptest.NewServer(org)
	defer func() { srv.Close(); org.Close() }()
	return orgFacts(t, srv.URL)
}

// TestKillAndResumeLocal: SIGKILL after each API call of a cold apply to
// the local org ($SFPROV_HOME). The local org's groups take 2 s to
// recalculate, so a run polls their status a number of times that depends
// on the clock: a kill point past the end of a shorter run finds the apply
// finished.
func TestKillAndResumeLocal(t *testing.T) {
	dir := t.TempDir()
	writeKillSpec(t, dir)
	env := killEnv(dir)
	code, n, out := applyLocalUntil(t, dir, env, 0)
	if code != 0 {
		t.Fatalf("clean apply: exit %d\n%s", code, out)
	}
	if diff := cmp.Diff(killWant, localFacts(t, dir)); diff != "" {
		t.Fatalf("a clean apply leaves (-want +got):\n%s", diff)
	}
	var mu sync.Mutex
	landed := map[int]int{} // kill point → calls done when the child died
	t.Cleanup(func() {
		var b strings.Builder
		for k := 1; k <= n; k++ {
			if c, ok := landed[k]; ok {
				fmt.Fprintf(&b, " %d→%d", k, c)
			} else {
				fmt.Fprintf(&b, " %d→finished", k)
			}
		}
		t.Logf("clean cold apply to the local org: %d API calls; kill at k → calls done at death:%s", n, b.String())
	})
	for k := 1; k <= n; k++ {
		t.Run(fmt.Sprintf("kill%02d", k), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeKillSpec(t, dir)
			code, calls, out := applyLocalUntil(t, dir, killEnv(dir), k)
			switch {
			case code == -1:
				mu.Lock()
				landed[k] = calls
				mu.Unlock()
			case code == 0 && calls <= k:
				// The last call, or past a shorter run's end: the kill
				// came after the apply had finished.
				t.Logf("the apply made %d calls and finished before the kill at call %d", calls, k)
			default:
				t.Fatalf("apply killed at call %d: exit %d\n%s", k, code, out)
			}
			resumeIn(t, dir, killEnv(dir))
			if diff := cmp.Diff(killWant, localFacts(t, dir)); diff != "" {
				t.Errorf("after a kill at call %d and two runs, the org holds (-clean +got):\n%s", k, diff)
			}
		})
	}
}

// TestInterruptAndResumeHTTP: Ctrl-C (SIGINT) while a call in the middle of
// a cold apply is with the org: the call is let finish, apply exits 130, and
// a re-run converges to what a clean run leaves.
func TestInterruptAndResumeHTTP(t *testing.T) {
	// The 7th of the 14 calls of a clean run (TestKillAndResumeHTTP): the
	// write of the new profile's copied access.
	const k = 7
	dir := t.TempDir()
	writeKillSpec(t, dir)
	org := serveEmulator(t, dir)
	p, proxy := newKillProxy(t, org, k, true)
	env := killEnv(dir, "SF_ACCESS_TOKEN="+killToken)
	code, out, errs := runSfprovIn(t, dir, env, p.setChild, "apply", "--yes", "spec.yaml", "-o", proxy)
	if code != 130 {
		t.Fatalf("apply interrupted at call %d: exit %d, want 130\n%s%s", k, code, out, errs)
	}
	// The call in flight is reported done (the org did it), never failed;
	// what had not started is reported not run.
	if !strings.Contains(errs, " done, 0 failed, ") || !strings.Contains(errs, "\nNot run:\n") ||
		!strings.Contains(errs, " not run; what was done stays done, and the same apply run again continues from there") {
		t.Errorf("the interrupted apply's report:\n%s", errs)
	}
	t.Logf("interrupted at call %d; %d calls after it", k, p.afterK.Load())
	resumeIn(t, dir, env, "-o", proxy)
	if diff := cmp.Diff(killWant, orgFacts(t, org)); diff != "" {
		t.Errorf("after Ctrl-C and two runs, the org holds (-clean +got):\n%s", diff)
	}
}
