package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

func TestLabelFor(t *testing.T) {
	tests := []struct{ in, want string }{
		{"LastModifiedById", "Last Modified By ID"},
		{"Name", "Name"},
		{"Target_Field__c", "Target Field"},
		{"IsActive", "Is Active"},
		{"SObjectType", "SObject Type"},
	}
	for _, tt := range tests {
		if got := labelFor(tt.in); got != tt.want {
			t.Errorf("labelFor(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBuildFacts(t *testing.T) {
	tests := []struct {
		spec     fieldSpec
		required bool
		want     map[string]any // a subset of the describe entry
	}{
		{fieldSpec{name: "Username", typ: "string", flags: "cuiq", length: 80}, true,
			map[string]any{"soapType": "xsd:string", "length": 80, "byteLength": 240, "createable": true, "nillable": false, "idLookup": true, "unique": true, "filterable": true}},
		{fieldSpec{name: "IsActive", typ: "boolean", flags: "cu"}, false,
			map[string]any{"soapType": "xsd:boolean", "defaultedOnCreate": true, "defaultValue": false, "aggregatable": false}},
		{fieldSpec{name: "ProfileId", typ: "reference", flags: "cu", refTo: []string{"Profile"}, relName: "Profile"}, true,
			map[string]any{"soapType": "tns:ID", "length": 18, "referenceTo": []string{"Profile"}, "relationshipName": "Profile", "polymorphicForeignKey": false}},
		{fieldSpec{name: "WhoId", typ: "reference", flags: "cun", refTo: []string{"Contact", "Lead"}}, false,
			map[string]any{"polymorphicForeignKey": true, "nillable": true}},
		{fieldSpec{name: "Description", typ: "textarea", flags: "cun", length: 32000}, false,
			map[string]any{"filterable": false, "sortable": false, "groupable": false}},
		{fieldSpec{name: "Amount", typ: "currency", flags: "cun"}, false,
			map[string]any{"soapType": "xsd:double", "precision": 18, "groupable": false}},
		{fieldSpec{name: "CommunityNickname", typ: "string", flags: "cud", length: 40}, false,
			map[string]any{"defaultedOnCreate": true}},
	}
	for _, tt := range tests {
		f := build(tt.spec)
		if f.Required() != tt.required {
			t.Errorf("%s: Required() = %v", tt.spec.name, f.Required())
		}
		d := f.Describe()
		if len(d) != 57 {
			t.Errorf("%s: %d describe keys, want 57", tt.spec.name, len(d))
		}
		for k, w := range tt.want {
			if !reflect.DeepEqual(d[k], w) {
				t.Errorf("%s: %s = %#v, want %#v", tt.spec.name, k, d[k], w)
			}
		}
	}
}

func TestCatalog(t *testing.T) {
	c, err := New(Config{Custom: []CustomObject{{Name: "Acme_Mapping__c", Fields: []CustomField{{Name: "Target_Field__c", Type: "string"}, {Name: "Account__c", Type: "reference:Account"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"Account", "Contact", "Case", "Lead", "Opportunity", "Event", "Task", "User", "Profile", "UserLicense",
		"PermissionSet", "PermissionSetLicense", "PermissionSetLicenseAssign", "PermissionSetAssignment", "PermissionSetGroup",
		"PermissionSetGroupComponent", "ObjectPermissions", "FieldPermissions", "SetupEntityAccess", "ConnectedApplication",
		"RecordType", "UserRole", "Group", "ApexClass", "Organization", "RemoteProxy", "InstalledSubscriberPackage",
		"SubscriberPackage", "SubscriberPackageVersion", "Acme_Mapping__c"} {
		o, ok := c.Object(n)
		if !ok || o.KeyPrefix == "" {
			t.Errorf("object %s missing or without key prefix", n)
		}
	}
	// Key prefixes from the recorded global describe (fixtures/INDEX.md).
	for prefix, name := range map[string]string{"005": "User", "00e": "Profile", "0PS": "PermissionSet", "0Pa": "PermissionSetAssignment",
		"0PL": "PermissionSetLicense", "2LA": "PermissionSetLicenseAssign", "0PG": "PermissionSetGroup", "0PM": "PermissionSetGroupComponent",
		"110": "ObjectPermissions", "01k": "FieldPermissions", "0J0": "SetupEntityAccess", "0H4": "ConnectedApplication", "100": "UserLicense",
		"012": "RecordType", "a01": "Acme_Mapping__c"} {
		if o, ok := c.ByPrefix(prefix); !ok || o.Name != name {
			t.Errorf("prefix %s: %v", prefix, o)
		}
	}
	ps, _ := c.Object("permissionset")
	for _, p := range c.Permissions() {
		if p.Field() == "" {
			continue
		}
		if f, ok := ps.Field(p.Field()); !ok || f.Type != "boolean" || !f.Createable || !f.Updateable || f.Label != p.Label {
			t.Errorf("PermissionSet.%s: %v", p.Field(), f)
		}
	}
	view := View{C: c}
	if _, ok := view.Object("RemoteProxy"); ok {
		t.Error("RemoteProxy is Tooling-only")
	}
	if _, ok := (View{C: c, Tooling: true}).Object("RemoteProxy"); !ok {
		t.Error("RemoteProxy missing from Tooling")
	}
	var rels []string
	for _, cr := range view.ChildRelationships("User") {
		rels = append(rels, cr.RelationshipName+"/"+cr.ChildSObject)
	}
	for _, want := range []string{"PermissionSetAssignments/PermissionSetAssignment", "PermissionSetLicenseAssignments/PermissionSetLicenseAssign"} {
		found := false
		for _, r := range rels {
			found = found || r == want
		}
		if !found {
			t.Errorf("User child relationships %v lack %s", rels, want)
		}
	}
	f, _ := view.Field("Acme_Mapping__c", "account__c")
	if f.RelationshipName != "Account__r" || !reflect.DeepEqual(f.ReferenceTo, []string{"Account"}) {
		t.Errorf("custom lookup %+v", f)
	}
	if _, err := New(Config{Custom: []CustomObject{{Name: "X__c", Fields: []CustomField{{Name: "Y__c", Type: "blob"}}}}}); err == nil {
		t.Error("unknown custom field type accepted")
	}
}

func TestDescribeVersionKeys(t *testing.T) {
	c, _ := New(Config{})
	o, _ := c.Object("Case")
	old := o.Describe("48.0", "http://x", nil, nil)
	if _, ok := old["sobjectDescribeOption"]; ok {
		t.Error("v48 describe has sobjectDescribeOption (describe-Case-v48.json has none)")
	}
	if _, ok := o.Describe("58.0", "http://x", nil, nil)["sobjectDescribeOption"]; !ok {
		t.Error("v58 describe lacks sobjectDescribeOption")
	}
}

func TestOrderedMap(t *testing.T) {
	b, err := json.Marshal(OrderedMap{{"z", 1}, {"a", []string{"x"}}, {"m", nil}})
	if err != nil || string(b) != `{"z":1,"a":["x"],"m":null}` {
		t.Fatalf("%s %v", b, err)
	}
}

func TestFactMatchesDescribe(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Account", "User", "Case", "PermissionSet"} {
		o, _ := c.Object(name)
		for _, f := range o.Fields {
			d := f.Describe()
			for k, want := range d {
				if k == "picklistValues" || k == "referenceTo" {
					continue
				}
				if got := f.Fact(k); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s.%s %s: Fact %v, Describe %v", name, f.Name, k, got, want)
				}
			}
		}
	}
}
