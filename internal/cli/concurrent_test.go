package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentLocalApplies: applies of different specs to the one local
// org at once (the same SFPROV_HOME), in one process, all land.
func TestConcurrentLocalApplies(t *testing.T) {
	home := t.TempDir()
	specs := map[string]string{
		"a.yaml": "version: 1\npermissionSets:\n  - name: Conc_A\n    systemPermissions: [API Enabled]\nusers:\n  - {username: conc.a@example.com, lastName: A, email: a@example.com, profile: Minimum Access - API Only Integrations, permissionSets: [Conc_A]}\n",
		"b.yaml": "version: 1\npermissionSets:\n  - name: Conc_B\n    systemPermissions: [View Setup and Configuration]\n",
		"c.yaml": "version: 1\nprofiles:\n  - name: Conc C\n    cloneFrom: Minimum Access - API Only Integrations\n",
	}
	var files []string
	for name, src := range specs {
		f := filepath.Join(home, name)
		if err := os.WriteFile(f, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	env := func(k string) (string, bool) {
		if k == "SFPROV_HOME" {
			return home, true
		}
		return "", false
	}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: env})
		return code, out.String(), errb.String()
	}
	var wg sync.WaitGroup
	for _, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, out, errs := run("apply", "--yes", f); code != 0 || !strings.Contains(out, "Apply complete") {
				t.Errorf("apply %s: exit %d\n%s%s", filepath.Base(f), code, out, errs)
			}
		}()
	}
	wg.Wait()
	code, out, errs := run(append([]string{"plan", "--detailed-exitcode"}, files...)...)
	if code != 0 || !strings.Contains(out, "No changes.") {
		t.Errorf("after the concurrent applies, plan of all three: exit %d\n%s%s", code, out, errs)
	}
}
