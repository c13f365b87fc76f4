package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// The fidelity tests compare the emulator's answers with responses recorded
// from live orgs (testdata/fixtures, README there): the same keys, key order
// where Salesforce's is fixed, JSON types, and wording; ids, dates and counts
// aside.

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("bad JSON: %v: %s", err, b)
	}
	return v
}

// sameShape reports the differences between two JSON values in keys and
// types. A null on either side matches any type (values that may be null);
// arrays compare each element of got with the first element of want.
func sameShape(path string, want, got any) []string {
	if want == nil || got == nil {
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want object, got %T", path, got)}
		}
		var diffs []string
		for _, k := range sortedKeysOf(w) {
			if _, ok := g[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: missing key %q", path, k))
				continue
			}
			diffs = append(diffs, sameShape(path+"."+k, w[k], g[k])...)
		}
		for _, k := range sortedKeysOf(g) {
			if _, ok := w[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: extra key %q", path, k))
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want array, got %T", path, got)}
		}
		if len(w) == 0 {
			return nil
		}
		var diffs []string
		for i, e := range g {
			// Same length: element by element; else each against the first recorded one.
			we := w[0]
			if len(w) == len(g) {
				we = w[i]
			}
			diffs = append(diffs, sameShape(fmt.Sprintf("%s[%d]", path, i), we, e)...)
			if len(diffs) > 10 {
				break
			}
		}
		return diffs
	}
	if reflect.TypeOf(want) != reflect.TypeOf(got) {
		return []string{fmt.Sprintf("%s: want %T, got %T", path, want, got)}
	}
	return nil
}

func sortedKeysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// keyOrder lists the keys of the first object in b (or of b's first array element) in document order.
func keyOrder(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	depth := 0
	var keys []string
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		switch x := tok.(type) {
		case json.Delim:
			switch x {
			case '{':
				depth++
				expectKey = true
			case '}':
				depth--
				if keys != nil && depth < topDepth(b) {
					return keys
				}
			case '[':
				depth++
			case ']':
				depth--
			}
			continue
		case string:
			if expectKey && depth == topDepth(b) {
				keys = append(keys, x)
				// skip the value
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return keys
				}
				continue
			}
		}
	}
}

func topDepth(b []byte) int {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		return 2
	}
	return 1
}

func checkShape(t *testing.T, name string, want, got []byte) {
	t.Helper()
	if diffs := sameShape("$", decode(t, want), decode(t, got)); len(diffs) > 0 {
		t.Errorf("%s: shape differs from the recording:\n%s\ngot: %.600s", name, strings.Join(diffs, "\n"), got)
	}
}

func checkOrder(t *testing.T, name string, want, got []byte) {
	t.Helper()
	if w, g := keyOrder(t, want), keyOrder(t, got); !reflect.DeepEqual(w, g) {
		t.Errorf("%s: key order %v, recorded %v", name, g, w)
	}
}

func TestFidelityVersionList(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", "/services/data", nil)
	if r.status != 200 {
		t.Fatal(r.status)
	}
	if !reflect.DeepEqual(decode(t, fixture(t, "services-data-versions.json")), decode(t, r.body)) {
		t.Errorf("version list differs from the recording: %s", r.body)
	}
}

// describeFields indexes a describe's fields by name.
func describeFields(t *testing.T, d any) (names []string, byName map[string]map[string]any) {
	byName = map[string]map[string]any{}
	for _, f := range d.(map[string]any)["fields"].([]any) {
		m := f.(map[string]any)
		names = append(names, m["name"].(string))
		byName[m["name"].(string)] = m
	}
	return names, byName
}

func TestFidelityDescribe(t *testing.T) {
	tests := []struct {
		file, object, ver string
		person            bool
	}{
		{"describe-Account-v58.json", "Account", "58.0", false},
		{"describe-Contact.json", "Contact", "58.0", false},
		{"describe-Case-v48.json", "Case", "48.0", false},
		{"describe-Account-personaccounts-v59.json", "Account", "59.0", true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			o, _ := newTestOrg(t, Options{Seed: &Seed{PersonAccounts: tt.person}})
			r := do(t, o, "GET", "/services/data/v"+tt.ver+"/sobjects/"+tt.object+"/describe", nil)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			want, got := decode(t, fixture(t, tt.file)).(map[string]any), r.obj(t)
			if w, g := sortedKeysOf(want), sortedKeysOf(got); !reflect.DeepEqual(w, g) {
				t.Errorf("top-level keys differ:\nrecorded %v\ngot      %v", w, g)
			}
			for _, k := range sortedKeysOf(want) {
				switch k {
				case "fields", "childRelationships", "recordTypeInfos", "urls":
					continue // compared below, or org-specific
				}
				if !reflect.DeepEqual(want[k], got[k]) {
					t.Errorf("%s = %v, recorded %v", k, got[k], want[k])
				}
			}
			// urls: the same keys in the same order (values hold the host and version).
			w, g := keyOrder(t, urlsJSON(t, fixture(t, tt.file))), keyOrder(t, urlsJSON(t, r.body))
			if tt.ver == "48.0" {
				// The v48 recording orders its urls differently (and has
				// defaultValues); compare the v58 keys it shares as a set.
				sort.Strings(w)
				sort.Strings(g)
				w = without(w, "defaultValues")
			}
			if !reflect.DeepEqual(w, g) {
				t.Errorf("urls keys %v, recorded %v", g, w)
			}
			wantNames, wantFields := describeFields(t, want)
			gotNames, gotFields := describeFields(t, got)
			if tt.person {
				// The person-account catalog keeps the standard fields of the
				// recording (its custom fields belong to that org's packages).
				var std []string
				for _, n := range wantNames {
					if wantFields[n]["custom"] != true {
						std = append(std, n)
					}
				}
				wantNames = std
			}
			if !reflect.DeepEqual(wantNames, gotNames) {
				t.Fatalf("field names differ:\nrecorded %v\ngot      %v", wantNames, gotNames)
			}
			for _, n := range wantNames {
				w, g := wantFields[n], gotFields[n]
				if !reflect.DeepEqual(sortedKeysOf(w), sortedKeysOf(g)) {
					t.Errorf("field %s: keys differ: recorded %v got %v", n, sortedKeysOf(w), sortedKeysOf(g))
					continue
				}
				// Every fact of the field is the recorded one (these are carried over).
				for _, k := range sortedKeysOf(w) {
					if !reflect.DeepEqual(w[k], g[k]) {
						t.Errorf("field %s: %s = %v, recorded %v", n, k, g[k], w[k])
					}
				}
			}
		})
	}
}

func without(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// urlsJSON returns the raw "urls" object of a describe.
func urlsJSON(t *testing.T, b []byte) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m["urls"]
}

func TestFidelityGlobalDescribe(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", "/services/data/v59.0/sobjects", nil)
	if r.status != 200 {
		t.Fatal(r.status)
	}
	want := decode(t, fixture(t, "describe-global-v59-excerpt.json")).(map[string]any)
	got := r.obj(t)
	if want["encoding"] != got["encoding"] || want["maxBatchSize"] != got["maxBatchSize"] {
		t.Errorf("envelope: %v %v", got["encoding"], got["maxBatchSize"])
	}
	byName := map[string]any{}
	for _, e := range got["sobjects"].([]any) {
		byName[e.(map[string]any)["name"].(string)] = e
	}
	for _, e := range want["sobjects"].([]any) {
		name := e.(map[string]any)["name"].(string)
		if !reflect.DeepEqual(e, byName[name]) {
			t.Errorf("global describe entry %s differs:\nrecorded %v\ngot      %v", name, e, byName[name])
		}
	}
}

func TestFidelitySimpleBodies(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{Packages: []SeedPackage{{Namespace: "pub", Name: "Pub", Version: "1.2"}}}})
	acct := create(t, o, "Account", map[string]any{"Name": "Fidelity"})
	tests := []struct {
		name, method, path string
		body               any
		status             int
		fixture            string
		exact, order       bool
	}{
		{"create 201", "POST", v + "/sobjects/Account", map[string]any{"Name": "A"}, 201, "sobject-create-201.json", false, true},
		{"unknown sObject", "POST", "/services/data/v51.0/sobjects/Unreal", map[string]any{"Name": "A"}, 404, "error-NOT_FOUND-unknown-sobject-v51.json", true, true},
		{"INVALID_TYPE query", "GET", "/services/data/v50.0/query/?q=" + urlQuery("SELECT Xyzzy FROM Xyzzy"), nil, 400, "error-INVALID_TYPE-query-v50.json", true, true},
		{"count()", "GET", "/services/data/v50.0/query/?q=" + urlQuery("SELECT count() FROM User"), nil, 200, "query-count-v50.json", false, true},
		{"basic info", "GET", "/services/data/v63.0/sobjects/Account/", nil, 200, "sobject-basic-info-Account-v63.json", false, true},
		{"upsert created", "PATCH", "/services/data/v60.0/sobjects/Contact/Email/new.person@example.com", map[string]any{"LastName": "Person"}, 201, "upsert-by-external-id-created-201-v60.json", false, true},
		{"upsert by Id", "PATCH", "/services/data/v59.0/sobjects/Account/Id/" + acct, map[string]any{"Name": "Renamed"}, 200, "upsert-by-id-updated-200-v59.json", false, true},
		{"collections create", "POST", "/services/data/v62.0/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
			map[string]any{"attributes": map[string]any{"type": "Contact"}, "LastName": "One"},
			map[string]any{"attributes": map[string]any{"type": "Contact"}, "LastName": "Two"}}}, 200, "collections-create-v62.json", false, true},
		{"collections update", "PATCH", "/services/data/v62.0/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
			map[string]any{"attributes": map[string]any{"type": "Account"}, "Id": acct, "Name": "Again"}}}, 200, "collections-update-v62.json", false, true},
		{"collections update error", "PATCH", "/services/data/v59.0/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
			map[string]any{"attributes": map[string]any{"type": "Account"}, "Id": "001xx000003DHP0AAO", "Name": "Nobody"}}}, 200, "collections-update-error-INVALID_CROSS_REFERENCE_KEY-v59.json", true, true},
		{"composite two queries", "POST", "/services/data/v62.0/composite", map[string]any{"compositeRequest": []any{
			map[string]any{"method": "GET", "url": "/services/data/v62.0/query?q=" + urlQuery("SELECT Id FROM Account WHERE Name = 'none'"), "referenceId": "one"},
			map[string]any{"method": "GET", "url": "/services/data/v62.0/query?q=" + urlQuery("SELECT Id FROM Contact WHERE Name = 'none'"), "referenceId": "two"}}}, 200, "composite-two-queries.json", true, true},
		{"composite 404", "POST", "/services/data/v62.0/composite", map[string]any{"compositeRequest": []any{
			map[string]any{"method": "GET", "url": "/services/data/v62.0/sobjects/Foo", "referenceId": "CCI__RefId__0__"}}}, 200, "composite-subrequest-404-NOT_FOUND.json", true, true},
		{"composite mixed", "POST", "/services/data/v62.0/composite", map[string]any{"compositeRequest": []any{
			map[string]any{"method": "GET", "url": "/services/data/v62.0/query?q=" + urlQuery("select count() from Account"), "referenceId": "refAccount"},
			map[string]any{"method": "GET", "url": "/services/data/v62.0/query?q=" + urlQuery("select count() from XYZZY"), "referenceId": "refXYZZY"}}}, 200, "composite-mixed-200-and-400-INVALID_TYPE.json", false, true},
		{"composite graph", "POST", "/services/data/v66.0/composite/graph", map[string]any{"graphs": []any{map[string]any{"graphId": "test1", "compositeRequest": []any{
			map[string]any{"method": "POST", "url": "/services/data/v66.0/sobjects/Account", "referenceId": "newAccount", "body": map[string]any{"Name": "Graph"}}}}}},
			200, "composite-graph-v66.json", false, true},
		{"limits", "GET", "/services/data/v60.0/limits", nil, 200, "limits-v60.json", false, false},
		{"recordCount", "GET", "/services/data/v62.0/limits/recordCount?sObjects=Account", nil, 200, "limits-recordCount-one.json", false, true},
		{"userinfo", "GET", "/services/oauth2/userinfo", nil, 200, "oauth-userinfo.json", false, true},
		{"tooling query", "GET", "/services/data/v62.0/tooling/query/?q=" + urlQuery("SELECT SubscriberPackage.Id, SubscriberPackage.NamespacePrefix, SubscriberPackageVersionId FROM InstalledSubscriberPackage"), nil, 200, "tooling-query-InstalledSubscriberPackage.json", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, o, tt.method, tt.path, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			want := fixture(t, tt.fixture)
			if tt.exact {
				if !reflect.DeepEqual(decode(t, want), decode(t, r.body)) {
					t.Errorf("body differs from the recording:\nrecorded %s\ngot      %s", bytes.Join(bytes.Fields(want), []byte(" ")), r.body)
				}
				return
			}
			checkShape(t, tt.name, want, r.body)
			if tt.order {
				checkOrder(t, tt.name, want, r.body)
			}
		})
	}
}

func TestFidelityLimitsKeys(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", "/services/data/v60.0/limits", nil)
	want := decode(t, fixture(t, "limits-v60.json")).(map[string]any)
	got := r.obj(t)
	if !reflect.DeepEqual(sortedKeysOf(want), sortedKeysOf(got)) {
		t.Fatalf("limit names differ")
	}
	for k, w := range want {
		if w.(map[string]any)["Max"] != got[k].(map[string]any)["Max"] {
			t.Errorf("%s.Max = %v, recorded %v", k, got[k].(map[string]any)["Max"], w.(map[string]any)["Max"])
		}
	}
}

func TestFidelityIdentity(t *testing.T) {
	o, _ := newTestOrg(t, Options{})
	r := do(t, o, "GET", "/services/data/v62.0", nil)
	idURL := r.obj(t)["identity"].(string)
	if !strings.HasPrefix(idURL, "http://127.0.0.1:8080/id/") {
		t.Fatalf("identity URL is not absolute: %s", idURL)
	}
	r = do(t, o, "GET", strings.TrimPrefix(idURL, "http://127.0.0.1:8080")+"?format=json", nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	want := fixture(t, "oauth-identity-url.json")
	checkShape(t, "identity", want, r.body)
	checkOrder(t, "identity", want, r.body)
}

// The key-order helper must tell orders apart, or the order checks above could not fail.
func TestKeyOrderHelper(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`{"b":1,"a":{"z":1},"c":[1]}`, []string{"b", "a", "c"}},
		{`[{"errorCode":"X","message":"m"}]`, []string{"errorCode", "message"}},
		{`[ { "message" : "m", "errorCode" : "X" } ]`, []string{"message", "errorCode"}},
	}
	for _, tt := range tests {
		if got := keyOrder(t, []byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("keyOrder(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if d := sameShape("$", decode(t, []byte(`{"a":1,"b":"x"}`)), decode(t, []byte(`{"a":"1","c":true}`))); len(d) != 3 {
		t.Errorf("sameShape found %v", d)
	}
}

// Every object, recorded or hand-written, answers describe with the recorded
// shape: the 28 global-entry keys, the 45 top-level keys and 57 keys per field.
func TestFidelityEveryDescribeShape(t *testing.T) {
	o, _ := newTestOrg(t, Options{Seed: &Seed{Objects: []SeedObject{{Name: "Acme_Mapping__c", Fields: []SeedField{{Name: "Target_Field__c", Type: "string"}}}}}})
	global := decode(t, fixture(t, "describe-global-v59-excerpt.json")).(map[string]any)["sobjects"].([]any)[0].(map[string]any)
	account := decode(t, fixture(t, "describe-Account-v58.json")).(map[string]any)
	fieldKeys := sortedKeysOf(account["fields"].([]any)[0].(map[string]any))
	for _, tooling := range []bool{false, true} {
		prefix := v
		if tooling {
			prefix += "/tooling"
		}
		entries := do(t, o, "GET", prefix+"/sobjects", nil).obj(t)["sobjects"].([]any)
		if len(entries) < 5 {
			t.Fatalf("tooling=%v: %d objects", tooling, len(entries))
		}
		for _, e := range entries {
			entry := e.(map[string]any)
			name := entry["name"].(string)
			if !reflect.DeepEqual(sortedKeysOf(entry), sortedKeysOf(global)) {
				t.Errorf("%s: global entry keys %v", name, sortedKeysOf(entry))
			}
			d := do(t, o, "GET", prefix+"/sobjects/"+name+"/describe", nil).obj(t)
			if !reflect.DeepEqual(sortedKeysOf(d), sortedKeysOf(account)) {
				t.Errorf("%s: describe keys differ from the recorded ones", name)
			}
			for _, f := range d["fields"].([]any) {
				fm := f.(map[string]any)
				if !reflect.DeepEqual(sortedKeysOf(fm), fieldKeys) {
					t.Errorf("%s.%s: %d field keys", name, fm["name"], len(fm))
				}
				if _, ok := fm["label"].(string); !ok {
					t.Errorf("%s.%s: no label", name, fm["name"])
				}
			}
		}
	}
}
