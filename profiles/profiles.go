// Package profiles holds sfprov's built-in vendor profiles: ready-made specs
// that replace vendors' "create an integration user" click guides. They are
// embedded in the binary, so `sfprov profiles show NAME` works without a
// checkout, and they are plain files in profiles/ for `sfprov apply
// profiles/NAME.yaml`.
package profiles

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sfprov/sfprov/internal/diag"
)

// The profiles need no CSV files today; a profile that gains one (records:
// csv:) must add "*.csv" here so that the embedded copy stays complete.
//
//go:embed *.yaml
var files embed.FS

// Profile describes one built-in profile.
type Profile struct {
	Name        string // file name without .yaml, e.g. "coconut"
	File        string // file name inside profiles/, e.g. "coconut.yaml"
	Description string // the spec's top-level description
}

// List returns the built-in profiles sorted by name. A profile whose header
// cannot be read still appears (with an empty description): the tests in this
// package make sure that never ships.
func List() []Profile {
	entries, err := fs.Glob(files, "*.yaml")
	if err != nil {
		// Only a malformed pattern makes Glob fail, and the pattern is constant.
		return nil
	}
	out := make([]Profile, 0, len(entries))
	for _, file := range entries {
		p := Profile{Name: strings.TrimSuffix(file, ".yaml"), File: file}
		if data, err := files.ReadFile(file); err == nil {
			p.Description = description(data)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// description returns the first document's top-level description. Only the
// header is decoded: validating the whole spec is internal/spec's job.
func description(data []byte) string {
	var head struct {
		Description string `yaml:"description"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		return ""
	}
	return strings.TrimSpace(head.Description)
}

// Names returns the names of the built-in profiles, sorted.
func Names() []string {
	var names []string
	for _, p := range List() {
		names = append(names, p.Name)
	}
	return names
}

// Open returns the YAML of the built-in profile called name. The name may be
// given with or without ".yaml"; an unknown name is an error that suggests the
// nearest one and lists them all.
func Open(name string) ([]byte, error) {
	base := strings.TrimSuffix(path.Base(name), ".yaml")
	if base != "" && base == strings.TrimSuffix(name, ".yaml") {
		if data, err := files.ReadFile(base + ".yaml"); err == nil {
			return data, nil
		}
	}
	names := Names()
	hint := ""
	if s := diag.Suggest(base, names); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	return nil, fmt.Errorf("no built-in profile %q%s (available: %s)", name, hint, strings.Join(names, ", "))
}
