package spec

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateMalformed = flag.Bool("update-malformed", false, "rewrite testdata/malformed/*.want from what Load says")

// TestMalformedSpecs loads each testdata/malformed/NAME.yaml and requires
// exactly the diagnostics in NAME.want, one a line. A first line
// "# vars: NAME=value ..." gives --var values. The environment is empty.
func TestMalformedSpecs(t *testing.T) {
	files, err := filepath.Glob("testdata/malformed/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 40 {
		t.Fatalf("%d malformed specs, want at least 40", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{}
			if first, _, _ := strings.Cut(string(src), "\n"); strings.HasPrefix(first, "# vars: ") {
				for _, kv := range strings.Fields(strings.TrimPrefix(first, "# vars: ")) {
					k, v, _ := strings.Cut(kv, "=")
					vars[k] = v
				}
			}
			_, ds := Load([]string{file}, Options{Vars: vars, Getenv: func(string) (string, bool) { return "", false }})
			got := ds.Strings()
			wantFile := strings.TrimSuffix(file, ".yaml") + ".want"
			if *updateMalformed {
				os.WriteFile(wantFile, []byte(strings.Join(got, "\n")+"\n"), 0o644)
				return
			}
			b, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
			if len(got) == 0 {
				t.Fatalf("no diagnostic: the spec was accepted")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}
