package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// A small JSON Schema checker, enough for the keywords schema.json uses, so
// that the schema is tested against real documents and not only for shape.

type schemaChecker struct{ root map[string]any }

func (c schemaChecker) check(s map[string]any, v any, path string) []string {
	if ref, ok := s["$ref"].(string); ok {
		target := any(c.root)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			target = target.(map[string]any)[part]
		}
		errs := c.check(target.(map[string]any), v, path)
		rest := map[string]any{}
		for k, x := range s {
			if k != "$ref" {
				rest[k] = x
			}
		}
		return append(errs, c.check(rest, v, path)...)
	}
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, args...)) }
	if t, ok := s["type"]; ok && !typeMatches(t, v) {
		fail("type %v, got %T", t, v)
		return errs
	}
	if cv, ok := s["const"]; ok && fmt.Sprint(cv) != fmt.Sprint(v) {
		fail("const %v, got %v", cv, v)
	}
	if en, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range en {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			fail("%v not in enum", v)
		}
	}
	if str, ok := v.(string); ok {
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
		if m, ok := s["maxLength"].(float64); ok && utf8.RuneCountInString(str) > int(m) {
			fail("longer than %v", m)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := obj[r.(string)]; !ok {
				fail("missing %v", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if pn, ok := s["propertyNames"].(map[string]any); ok {
				errs = append(errs, c.check(pn, k, path+"/"+k+"(name)")...)
			}
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, c.check(ps, obj[k], path+"/"+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("unexpected key %q", k)
				}
			case map[string]any:
				errs = append(errs, c.check(ap, obj[k], path+"/"+k)...)
			}
		}
	}
	if list, ok := v.([]any); ok {
		if m, ok := s["minItems"].(float64); ok && len(list) < int(m) {
			fail("fewer than %v items", m)
		}
		if is, ok := s["items"].(map[string]any); ok {
			for i, it := range list {
				errs = append(errs, c.check(is, it, fmt.Sprintf("%s/%d", path, i))...)
			}
		}
	}
	if one := asList(s["oneOf"]); one != nil {
		n := 0
		for _, alt := range one {
			if len(c.check(alt.(map[string]any), v, path)) == 0 {
				n++
			}
		}
		if n != 1 {
			fail("matches %d of oneOf, want 1", n)
		}
	}
	if anyOf := asList(s["anyOf"]); anyOf != nil {
		ok := false
		for _, alt := range anyOf {
			if len(c.check(alt.(map[string]any), v, path)) == 0 {
				ok = true
			}
		}
		if !ok {
			fail("matches none of anyOf")
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func typeMatches(t any, v any) bool {
	var types []string
	switch t := t.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			types = append(types, x.(string))
		}
	}
	for _, ty := range types {
		switch v.(type) {
		case nil:
			if ty == "null" {
				return true
			}
		case string:
			if ty == "string" {
				return true
			}
		case bool:
			if ty == "boolean" {
				return true
			}
		case float64:
			if ty == "number" || ty == "integer" {
				return true
			}
		case map[string]any:
			if ty == "object" {
				return true
			}
		case []any:
			if ty == "array" {
				return true
			}
		}
	}
	return false
}

// yamlDocs decodes every document of a YAML file into JSON values.
func yamlDocs(t *testing.T, data []byte) []any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var j any
		if err := json.Unmarshal(b, &j); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
}

func TestJSONSchemaAcceptsAndRejects(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(JSONSchema(), &root); err != nil {
		t.Fatal(err)
	}
	c := schemaChecker{root: root}
	full, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range yamlDocs(t, full) {
		if errs := c.check(root, doc, ""); len(errs) > 0 {
			t.Errorf("full.yaml does not validate against the schema:\n%s", strings.Join(errs, "\n"))
		}
	}
	// The built-in profiles are real specs: the schema must accept them too.
	builtins, _ := filepath.Glob("../../profiles/*.yaml")
	for _, file := range builtins {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range yamlDocs(t, data) {
			if errs := c.check(root, doc, ""); len(errs) > 0 {
				t.Errorf("%s does not validate against the schema:\n%s", file, strings.Join(errs, "\n"))
			}
		}
	}
	bad := []struct{ src, want string }{
		{"version: 1\npermsets: []\n", `: unexpected key "permsets"`},
		{"version: 2\n", "/version: const 1, got 2"},
		{"version: 1\nusers: [{username: a@b.c, lastName: A, profile: P}]\n", "/users/0: missing email"},
		{"version: 1\nrecords: [{object: A__c, key: [Name], values: {Name: x}, csv: x.csv}]\n", "/records/0: matches 2 of oneOf, want 1"},
		{"version: 1\nassignments: [{to: {users: [a@b.c]}}]\n", "/assignments/0: matches 0 of oneOf, want 1"},
		{"version: 1\nmanualSteps: [{text: x, if: sandbx}]\n", "/manualSteps/0: matches 0 of oneOf, want 1"},
		{"version: 1\nusers: [{username: a@b.c, lastName: A, email: a@b.c, profile: P, alias: waytoolong}]\n", "/users/0/alias: longer than 8"},
		{"version: 1\nconnectedApps: [{name: A, policy: {refreshToken: {expireAfter: 90}}}]\n", "/connectedApps/0/policy/refreshToken: matches 0 of oneOf, want 1"},
	}
	for _, tt := range bad {
		errs := c.check(root, yamlDocs(t, []byte(tt.src))[0], "")
		found := false
		for _, e := range errs {
			if e == tt.want {
				found = true
			}
		}
		if !found {
			t.Errorf("schema check of %q = %q, want it to contain %q", tt.src, errs, tt.want)
		}
	}
}
