package spec

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func keysOf(t *testing.T, m map[string]any, path ...string) []string {
	t.Helper()
	cur := m
	for _, p := range path {
		next, ok := cur[p].(map[string]any)
		if !ok {
			t.Fatalf("schema has no object at %v", path)
		}
		cur = next
	}
	var out []string
	for k := range cur {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func TestJSONSchemaMatchesParser(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(JSONSchema(), &s); err != nil {
		t.Fatalf("schema is not valid JSON: %v", err)
	}
	if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", s["$schema"])
	}
	if diff := cmp.Diff(sorted(topKeys), keysOf(t, s, "properties")); diff != "" {
		t.Errorf("top-level keys (-parser +schema):\n%s", diff)
	}
	blocks := map[string][]string{
		"package": packageKeys, "profile": profileKeys, "permissionSet": permissionSetKeys,
		"permissionSetGroup": groupKeys, "objectAccess": objectKeys, "connectedApp": connectedAppKeys,
		"policy": policyKeys, "externalClientApp": ecaKeys, "remoteSite": remoteSiteKeys,
		"record": recordKeys, "orgSettings": orgSettingsKeys, "user": userKeys, "assignment": assignmentKeys,
	}
	for def, keys := range blocks {
		if diff := cmp.Diff(sorted(keys), keysOf(t, s, "$defs", def, "properties")); diff != "" {
			t.Errorf("$defs/%s keys (-parser +schema):\n%s", def, diff)
		}
	}
	nested := map[string][]string{
		"recordTypeDefaults": recordTypeKeys,
	}
	for k, keys := range nested {
		items := s["$defs"].(map[string]any)["profile"].(map[string]any)["properties"].(map[string]any)[k].(map[string]any)["items"].(map[string]any)
		if diff := cmp.Diff(sorted(keys), keysOf(t, items, "properties")); diff != "" {
			t.Errorf("%s keys (-parser +schema):\n%s", k, diff)
		}
	}
	to := s["$defs"].(map[string]any)["assignment"].(map[string]any)["properties"].(map[string]any)["to"].(map[string]any)
	if diff := cmp.Diff(sorted(targetKeys), keysOf(t, to, "properties")); diff != "" {
		t.Errorf("to keys (-parser +schema):\n%s", diff)
	}
	oauth := s["$defs"].(map[string]any)["externalClientApp"].(map[string]any)["properties"].(map[string]any)["oauth"].(map[string]any)
	if diff := cmp.Diff(sorted(oauthKeys), keysOf(t, oauth, "properties")); diff != "" {
		t.Errorf("oauth keys (-parser +schema):\n%s", diff)
	}
	// Callers get a copy.
	b := JSONSchema()
	b[0] = 'x'
	if JSONSchema()[0] != '{' {
		t.Error("JSONSchema returned its internal buffer")
	}
}

func TestTopLevelKeysCopy(t *testing.T) {
	k := TopLevelKeys()
	if len(k) != 16 || k[0] != "version" || k[15] != "manualSteps" {
		t.Fatalf("TopLevelKeys() = %v", k)
	}
	k[0] = "changed"
	if TopLevelKeys()[0] != "version" {
		t.Fatal("TopLevelKeys returned the internal slice")
	}
}
