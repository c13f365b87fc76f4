package target

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeSFScript answers as sf 2.146.3 does (docs/sf-cli.md): org display
// with the token redacted, org auth show-access-token with the token, org
// list auth with comma-joined aliases, NamedOrgNotFoundError for other names.
const fakeSFScript = `#!/bin/sh
case "$1 $2 $3" in
"org display --target-org")
  case "$4" in
  emu|admin@example.com) cat <<'J'
{"status":0,"result":{"id":"00DEm0000000001MAA","apiVersion":"66.0","accessToken":"[REDACTED] Use 'sf org auth show-access-token' to view","instanceUrl":"http://127.0.0.1:37371/","username":"admin@example.com","connectedStatus":"Connected","alias":"emu"},"warnings":["Secrets are now hidden"]}
J
  ;;
  *) echo '{"name":"NamedOrgNotFoundError","message":"No authorization information found","exitCode":2,"code":"NamedOrgNotFoundError","status":2}'; exit 2;;
  esac;;
"org auth show-access-token")
  case "$5" in
  emu|admin@example.com) echo '{"status":0,"result":{"accessToken":"00D000000000001AAA!AQfromsf"},"warnings":["sensitive"]}';;
  *) echo '{"name":"NamedOrgNotFoundError","code":"NamedOrgNotFoundError","status":2}'; exit 2;;
  esac;;
"org list auth")
  echo '{"status":0,"result":[{"username":"admin@example.com","alias":"emu,emu2","accessToken":"[REDACTED]"}]}';;
*) echo "unexpected: $*" >&2; exit 9;;
esac
`

func TestExecSF(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sf"), []byte(fakeSFScript), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+"/usr/bin"+string(os.PathListSeparator)+"/bin")
	ctx := context.Background()
	got, err := ExecSF{}.Org(ctx, "emu")
	if err != nil {
		t.Fatal(err)
	}
	want := &SFOrg{Alias: "emu", Username: "admin@example.com", OrgID: "00DEm0000000001MAA", InstanceURL: "http://127.0.0.1:37371", AccessToken: "00D000000000001AAA!AQfromsf"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Org(emu) (-want +got):\n%s", diff)
	}
	if got, err := (ExecSF{}).Org(ctx, "nope"); got != nil || err != nil {
		t.Errorf("Org(nope) = %+v, %v; want nil, nil", got, err)
	}
	names, err := ExecSF{}.Names(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"emu", "emu2", "admin@example.com"}, names); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := (ExecSF{}).Org(ctx, "emu"); err != ErrNoSF {
		t.Errorf("Org without sf on PATH: err = %v, want ErrNoSF", err)
	}
}
