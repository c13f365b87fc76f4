package emulator

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestIndependentOfSfprov keeps the emulator an independent witness: no Go
// file under internal/emulator (tests included) may import a package of
// this module outside internal/emulator, so that sfprov and the emulator
// never agree only because they read the same table.
func TestIndependentOfSfprov(t *testing.T) {
	const module = "github.com/sfprov/sfprov/"
	const self = module + "internal/emulator"
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		n++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, module) && p != self && !strings.HasPrefix(p, self+"/") {
				t.Errorf("%s imports %s: the emulator may import only its own packages", fset.Position(imp.Pos()), p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("checked %d files; the walk missed the emulator's sources", n)
	}
}
