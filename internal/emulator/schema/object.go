package schema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// Object is one sObject type of the org.
type Object struct {
	Name, Label, LabelPlural, KeyPrefix string
	Custom                              bool
	Createable, Updateable, Deletable   bool
	Queryable                           bool
	// Setup marks setup objects: Salesforce refuses to mix them with
	// non-setup objects in one DML call. Source: salesforce-api-facts.md §10
	// ("You can't create records for multiple object types in one call when
	// one of the types is related to a feature in the Salesforce Setup area").
	Setup bool
	// Data and Tooling say under which API the object is served.
	Data, Tooling bool
	// RecordTypes says whether describe lists record types from the org's RecordType rows.
	RecordTypes bool
	// recordTypeField is the RecordTypeId field SetHasRecordTypes shows
	// while the object has record types, after recordTypeAnchor (realorg.go).
	recordTypeField  *Field
	recordTypeAnchor string

	Fields []*Field
	byName map[string]*Field
	// tooling is the object as the Tooling API serves it when that API has
	// fields the data API does not (nil when both see the same fields).
	tooling *Object
	facts   map[string]any // global-describe facts recorded for this object (may be nil)
	top     map[string]any // full-describe top-level facts recorded for this object (may be nil)
	urlKeys []string
}

// Field returns the field with this name (case-insensitive).
func (o *Object) Field(name string) (*Field, bool) {
	f, ok := o.byName[strings.ToLower(name)]
	return f, ok
}

// Searchable reports whether SOSL searches the object (global describe
// "searchable"; custom objects too).
func (o *Object) Searchable() bool {
	if o.Custom {
		return true
	}
	b, _ := o.facts["searchable"].(bool)
	return b
}

// Undeletable reports whether deleted records of the object go to the
// Recycle Bin (global describe "undeletable"; custom objects too).
func (o *Object) Undeletable() bool {
	if o.Custom {
		return true
	}
	u, _ := o.facts["undeletable"].(bool)
	return u
}

// AddField appends a field (replacing one of the same name).
func (o *Object) AddField(f *Field) {
	if o.byName == nil {
		o.byName = map[string]*Field{}
	}
	if old, ok := o.byName[strings.ToLower(f.Name)]; ok {
		for i, g := range o.Fields {
			if g == old {
				o.Fields[i] = f
			}
		}
	} else {
		o.Fields = append(o.Fields, f)
	}
	o.byName[strings.ToLower(f.Name)] = f
}

// AddToolingFields gives the Tooling API's view of the object extra fields
// that the data API does not have (e.g. ApexClass.SymbolTable).
func (o *Object) AddToolingFields(fs ...*Field) {
	if o.tooling == nil {
		t := *o
		t.Fields = append([]*Field(nil), o.Fields...)
		t.byName = make(map[string]*Field, len(o.byName))
		for k, f := range o.byName {
			t.byName[k] = f
		}
		o.tooling = &t
	}
	for _, f := range fs {
		o.tooling.AddField(f)
	}
}

// Catalog is the set of sObject types of one org.
type Catalog struct {
	objects  []*Object
	byName   map[string]*Object
	byPrefix map[string]*Object
	children map[string][]soql.ChildRelationship
	perms    []UserPermission // the system permissions this org has (userperms.tsv, preferences applied)
}

// Permissions returns the system permissions of this org: those with a
// PermissionSet or Profile field, after the org's preferences. The slice is a copy.
func (c *Catalog) Permissions() []UserPermission { return append([]UserPermission(nil), c.perms...) }

// Permission returns the org's system permission with this Metadata API
// name (case-insensitive).
func (c *Catalog) Permission(name string) (UserPermission, bool) {
	for _, p := range c.perms {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return UserPermission{}, false
}

// Add registers an object.
func (c *Catalog) Add(o *Object) {
	if c.byName == nil {
		c.byName, c.byPrefix = map[string]*Object{}, map[string]*Object{}
	}
	c.objects = append(c.objects, o)
	c.byName[strings.ToLower(o.Name)] = o
	if o.KeyPrefix != "" {
		c.byPrefix[o.KeyPrefix] = o
	}
	c.children = nil
}

// Object returns the object named name (case-insensitive).
func (c *Catalog) Object(name string) (*Object, bool) {
	o, ok := c.byName[strings.ToLower(name)]
	return o, ok
}

// ByPrefix returns the object whose Ids start with prefix.
func (c *Catalog) ByPrefix(prefix string) (*Object, bool) {
	o, ok := c.byPrefix[prefix]
	return o, ok
}

// Objects lists every object, sorted by name as the global describe is.
func (c *Catalog) Objects() []*Object {
	out := append([]*Object(nil), c.objects...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Children returns the child relationships that point at object.
func (c *Catalog) Children(object string) []soql.ChildRelationship {
	if c.children == nil {
		c.children = map[string][]soql.ChildRelationship{}
		for _, o := range c.objects {
			for _, f := range o.Fields {
				if f.ChildRelationship == "" {
					continue
				}
				for _, target := range f.ReferenceTo {
					k := strings.ToLower(target)
					c.children[k] = append(c.children[k], soql.ChildRelationship{RelationshipName: f.ChildRelationship, ChildSObject: o.Name, Field: f.Name,
						CascadeDelete: f.CascadeDelete, RestrictedDelete: f.RestrictedDelete})
				}
			}
		}
	}
	return c.children[strings.ToLower(object)]
}

// View is the catalog as one API (data or tooling) sees it; it implements soql.Schema.
type View struct {
	C       *Catalog
	Tooling bool
	// Hidden, when set, names the objects the requesting user may not see:
	// they are absent from this view as if the org had no such object.
	Hidden func(object string) bool
}

var _ soql.Schema = View{}

func (v View) get(name string) (*Object, bool) {
	o, ok := v.C.Object(name)
	if !ok || (v.Tooling && !o.Tooling) || (!v.Tooling && !o.Data) || (v.Hidden != nil && v.Hidden(o.Name)) {
		return nil, false
	}
	if v.Tooling && o.tooling != nil {
		return o.tooling, true
	}
	return o, true
}

// Object implements soql.Schema.
func (v View) Object(name string) (string, bool) {
	o, ok := v.get(name)
	if !ok || !o.Queryable {
		return "", false
	}
	return o.Name, true
}

// Lookup returns the object under this API.
func (v View) Lookup(name string) (*Object, bool) { return v.get(name) }

// Field implements soql.Schema.
func (v View) Field(object, name string) (soql.Field, bool) {
	o, ok := v.get(object)
	if !ok {
		return soql.Field{}, false
	}
	f, ok := o.Field(name)
	if !ok {
		return soql.Field{}, false
	}
	return f.SOQL(), true
}

// Fields implements soql.Schema.
func (v View) Fields(object string) []soql.Field {
	o, ok := v.get(object)
	if !ok {
		return nil
	}
	out := make([]soql.Field, 0, len(o.Fields))
	for _, f := range o.Fields {
		out = append(out, f.SOQL())
	}
	return out
}

// ChildRelationships implements soql.Schema.
func (v View) ChildRelationships(object string) []soql.ChildRelationship {
	var out []soql.ChildRelationship
	for _, cr := range v.C.Children(object) {
		if _, ok := v.get(cr.ChildSObject); ok {
			out = append(out, cr)
		}
	}
	return out
}

// stdJSON holds facts carried over from recorded responses
// (shared/reference/fixtures), extracted once by a script that is not kept:
// for Account (describe-Account-v58.json), PersonAccount (the standard fields
// of describe-Account-personaccounts-v59.json), Contact (describe-Contact.json)
// and Case (describe-Case-v48.json) the top-level describe facts, the record
// types and, per field, every key whose value differs from the baseline in
// field.go (picklist entries as [value, label, default, active(, validFor)]);
// under "global", the describeGlobal entries (describe-global-v59.json) of the
// objects the emulator has, with their urls keys in recorded order.
//
//go:embed stdfields.json
var stdJSON []byte

type stdObject struct {
	Object      map[string]any   `json:"object"`
	RecordTypes []map[string]any `json:"recordTypes"`
	Fields      []map[string]any `json:"fields"`
}

type stdData struct {
	Account       stdObject                 `json:"Account"`
	PersonAccount stdObject                 `json:"PersonAccount"`
	Contact       stdObject                 `json:"Contact"`
	Case          stdObject                 `json:"Case"`
	Global        map[string]map[string]any `json:"global"`
	// RecordKeys are the keys, in order, of records recorded from live orgs:
	// User from sobject-User-by-id-v60.json, Organization from
	// sobject-Organization.json (the field lists and order of those objects).
	RecordKeys map[string][]string `json:"recordKeys"`
}

func loadStd() (*stdData, error) {
	var d stdData
	if err := json.Unmarshal(stdJSON, &d); err != nil {
		return nil, fmt.Errorf("schema: decode stdfields.json: %w", err)
	}
	return &d, nil
}

// fromRecorded makes an object from a recorded describe.
func fromRecorded(s stdObject, global map[string]any) *Object {
	o := &Object{top: s.Object, Data: true, Queryable: true}
	applyGlobal(o, global)
	for _, ff := range s.Fields {
		o.AddField(FromFacts(ff))
	}
	return o
}

func applyGlobal(o *Object, g map[string]any) {
	if g == nil {
		return
	}
	o.facts = map[string]any{}
	for k, v := range g {
		if k == "urlKeys" {
			for _, u := range v.([]any) {
				o.urlKeys = append(o.urlKeys, u.(string))
			}
			continue
		}
		o.facts[k] = v
	}
	str := func(k string) string { s, _ := g[k].(string); return s }
	b := func(k string) bool { v, _ := g[k].(bool); return v }
	o.Name, o.Label, o.LabelPlural, o.KeyPrefix = str("name"), str("label"), str("labelPlural"), str("keyPrefix")
	o.Createable, o.Updateable, o.Deletable, o.Queryable = b("createable"), b("updateable"), b("deletable"), b("queryable")
	o.Custom = b("custom")
}

// globalKeys are the 28 keys of every describeGlobal entry (describe-global-v59.json).
var globalKeys = []string{"activateable", "associateEntityType", "associateParentEntity", "createable", "custom",
	"customSetting", "deepCloneable", "deletable", "deprecatedAndHidden", "feedEnabled", "hasSubtypes", "isInterface",
	"isSubtype", "keyPrefix", "label", "labelPlural", "layoutable", "mergeable", "mruEnabled", "name", "queryable",
	"replicateable", "retrieveable", "searchable", "triggerable", "undeletable", "updateable"}

// olderThan reports whether API version v (e.g. "48.0") is below min.
func olderThan(v string, min float64) bool {
	var f float64
	if _, err := fmt.Sscanf(v, "%g", &f); err != nil {
		return false
	}
	return f < min
}

// GlobalEntry renders the object's describeGlobal entry for API version ver.
func (o *Object) GlobalEntry(ver, base string) map[string]any {
	m := map[string]any{}
	for _, k := range globalKeys {
		m[k] = false
	}
	for _, k := range []string{"associateEntityType", "associateParentEntity"} {
		m[k] = nil
	}
	m["retrieveable"] = true
	m["searchable"] = false
	for k, v := range o.facts {
		m[k] = v
	}
	m["name"], m["label"], m["labelPlural"], m["custom"] = o.Name, o.Label, o.LabelPlural, o.Custom
	m["createable"], m["updateable"], m["deletable"], m["queryable"] = o.Createable, o.Updateable, o.Deletable, o.Queryable
	if o.KeyPrefix != "" {
		m["keyPrefix"] = o.KeyPrefix
	} else {
		m["keyPrefix"] = nil
	}
	if o.Custom {
		m["layoutable"], m["searchable"], m["replicateable"], m["triggerable"], m["undeletable"], m["mruEnabled"] = true, true, true, true, true, true
	}
	m["urls"] = o.urls(ver, base, false)
	return m
}

// urls renders the urls map in the order the recorded describes use.
func (o *Object) urls(ver, base string, full bool) OrderedMap {
	prefix := "/services/data/v" + ver
	if o.Tooling && !o.Data {
		prefix += "/tooling"
	}
	s := prefix + "/sobjects/" + o.Name
	keys := o.urlKeys
	if len(keys) == 0 {
		keys = []string{"rowTemplate", "describe", "sobject"}
	}
	var out OrderedMap
	for _, k := range keys {
		var v string
		switch k {
		case "compactLayouts":
			v = s + "/describe/compactLayouts"
		case "rowTemplate":
			v = s + "/{ID}"
		case "namedLayouts":
			v = s + "/describe/namedLayouts/{LayoutName}"
		case "passwordUtilities":
			v = s + "/{ID}/password"
		case "describe":
			v = s + "/describe"
		case "quickActions":
			v = s + "/quickActions"
		case "layouts":
			v = s + "/describe/layouts"
		case "sobject":
			v = s
		case "approvalLayouts":
			v = s + "/describe/approvalLayouts"
		case "listviews":
			v = s + "/listviews"
		case "caseArticleSuggestions":
			v = s + "/suggestedArticles"
		case "caseRowArticleSuggestions":
			v = s + "/{ID}/suggestedArticles"
		case "eventSeriesUpdates":
			v = s + "/{ID}/fromThisEventOnwards"
		default:
			continue
		}
		out = append(out, KV{k, v})
	}
	if full && o.Data {
		// Full describes add the UI templates, placed as in
		// describe-Account-v58.json: the detail and edit templates after
		// approvalLayouts (or rowTemplate), the new-record one after describe.
		var withUI OrderedMap
		after := "rowTemplate"
		if _, ok := out.Get("approvalLayouts"); ok {
			after = "approvalLayouts"
		}
		for _, kv := range out {
			withUI = append(withUI, kv)
			switch kv.Key {
			case after:
				withUI = append(withUI, KV{"uiDetailTemplate", base + "/{ID}"}, KV{"uiEditTemplate", base + "/{ID}/e"})
			case "describe":
				withUI = append(withUI, KV{"uiNewRecord", base + "/" + o.KeyPrefix + "/e"})
			}
		}
		out = withUI
	}
	return out
}

// RecordTypeInfo is one describe recordTypeInfos entry.
type RecordTypeInfo struct {
	ID, Name, DeveloperName string
	Default, Master         bool
}

// Describe renders the full describe of the object for API version ver;
// base is the instance URL. The top-level keys are those of
// describe-Account-v58.json; versions before 49.0 lack associateEntityType,
// associateParentEntity and sobjectDescribeOption as describe-Case-v48.json
// does (the exact version they appeared in is UNCONFIRMED).
func (o *Object) Describe(ver, base string, children []soql.ChildRelationship, rts []RecordTypeInfo) map[string]any {
	m := o.GlobalEntry(ver, base)
	m["actionOverrides"] = []any{}
	m["compactLayoutable"] = m["layoutable"]
	m["defaultImplementation"], m["extendedBy"], m["extendsInterfaces"], m["implementedBy"], m["implementsInterfaces"] = nil, nil, nil, nil, nil
	m["listviewable"], m["lookupLayoutable"], m["networkScopeFieldName"] = nil, nil, nil
	m["namedLayoutInfos"] = []any{}
	m["searchLayoutable"] = m["searchable"]
	m["sobjectDescribeOption"] = "FULL"
	m["supportedScopes"] = []any{}
	for k, v := range o.top {
		m[k] = v
	}
	m["name"], m["label"], m["labelPlural"] = o.Name, o.Label, o.LabelPlural
	m["createable"], m["updateable"], m["deletable"], m["queryable"] = o.Createable, o.Updateable, o.Deletable, o.Queryable
	m["urls"] = o.urls(ver, base, true)
	fields := make([]map[string]any, 0, len(o.Fields))
	for _, f := range o.Fields {
		fields = append(fields, f.Describe())
	}
	m["fields"] = fields
	crs := make([]map[string]any, 0, len(children))
	for _, c := range children {
		// Entry keys as in describe-Account-v58.json childRelationships.
		crs = append(crs, map[string]any{"cascadeDelete": c.CascadeDelete, "childSObject": c.ChildSObject, "deprecatedAndHidden": false,
			"field": c.Field, "junctionIdListNames": []any{}, "junctionReferenceTo": []any{}, "relationshipName": c.RelationshipName,
			"restrictedDelete": c.RestrictedDelete})
	}
	m["childRelationships"] = crs
	infos := make([]map[string]any, 0, len(rts))
	prefix := "/services/data/v" + ver + "/sobjects/" + o.Name
	for _, rt := range rts {
		infos = append(infos, map[string]any{"active": true, "available": true, "defaultRecordTypeMapping": rt.Default,
			"developerName": rt.DeveloperName, "master": rt.Master, "name": rt.Name, "recordTypeId": rt.ID,
			"urls": map[string]any{"layout": prefix + "/describe/layouts/" + rt.ID}})
	}
	m["recordTypeInfos"] = infos
	if olderThan(ver, 49) {
		delete(m, "associateEntityType")
		delete(m, "associateParentEntity")
		delete(m, "sobjectDescribeOption")
	}
	return m
}

// KV is one entry of an OrderedMap.
type KV struct {
	Key   string
	Value any
}

// OrderedMap is a JSON object whose keys keep their insertion order (for
// bodies whose key order is not alphabetical, such as records and urls).
type OrderedMap []KV

// Get returns the value for key.
func (m OrderedMap) Get(key string) (any, bool) {
	for _, kv := range m {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// MarshalJSON writes the entries in order.
func (m OrderedMap) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, kv := range m {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, err := json.Marshal(kv.Key)
		if err != nil {
			return nil, err
		}
		buf = append(buf, k...)
		buf = append(buf, ':')
		v, err := json.Marshal(kv.Value)
		if err != nil {
			return nil, err
		}
		buf = append(buf, v...)
	}
	return append(buf, '}'), nil
}
