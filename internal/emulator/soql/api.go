// Package soql parses and evaluates SOQL for the emulator org. It knows nothing
// about HTTP or storage: the caller hands it a Schema (what describe would say)
// and a Store (the records), and gets back rows shaped like a REST query result.
package soql

// Field is what the evaluator needs from a field's describe.
type Field struct {
	Name             string   // canonical API name, e.g. "ProfileId"
	Type             string   // describe type: id, string, boolean, reference, date, datetime, int, double, currency, percent, picklist, multipicklist, email, phone, url, textarea, base64, ...
	ReferenceTo      []string // for references: target sObjects (polymorphic when more than one)
	RelationshipName string   // for references: e.g. "Profile" for ProfileId
	// Filterable, Sortable and Groupable are enforced as a real org does
	// (WHERE, ORDER BY and GROUP BY on a field without the flag fail), so a
	// Schema must set them from describe: the zero value means "not allowed".
	Filterable   bool
	Sortable     bool
	Groupable    bool
	Aggregatable bool
	// Createable and Updateable feed columnMetadata's insertable/updatable.
	Createable bool
	Updateable bool
}

// ChildRelationship is a describe childRelationships entry, used by subqueries.
type ChildRelationship struct {
	RelationshipName string // e.g. "PermissionSetAssignments"
	ChildSObject     string // e.g. "PermissionSetAssignment"
	Field            string // e.g. "AssigneeId"
	// CascadeDelete and RestrictedDelete are the describe flags: what
	// deleting the parent does to these children (not used by queries).
	CascadeDelete, RestrictedDelete bool
}

// Schema answers describe questions. Names are matched case-insensitively and
// answered with their canonical spelling.
type Schema interface {
	// Object returns the canonical name of an sObject type, ok=false when the org has none.
	Object(name string) (canonical string, ok bool)
	// Field returns the field of object named name, ok=false when none.
	Field(object, name string) (Field, bool)
	// Fields returns every field of object in describe order (for FIELDS(ALL) and columns).
	Fields(object string) []Field
	// ChildRelationships of object (for parent-to-child subqueries).
	ChildRelationships(object string) []ChildRelationship
}

// Record is one stored record: field API name → JSON-compatible value
// (string, bool, float64, nil). "Id" is always present.
type Record map[string]any

// Store gives read access to the org's records.
type Store interface {
	// All returns every record of object (canonical name), in insertion order.
	All(object string) []Record
	// Get returns the record with this 15- or 18-character Id, whatever its type.
	Get(id string) (object string, rec Record, ok bool)
}

// Indexed is what a Store may also offer, so that a query need not read
// every record of a large object. Each method answers ok=false when the
// store has no index for it, and the evaluator reads All instead; what
// they return is only narrowed down: the WHERE clause is still applied.
type Indexed interface {
	// Candidates returns, in insertion order, records of object including
	// every one whose field is a string equal to one of values ignoring
	// case (strings.EqualFold).
	Candidates(object, field string, values []string) ([]Record, bool)
	// Children returns, in insertion order, the records of object whose
	// reference field holds the Id parentID.
	Children(object, field, parentID string) ([]Record, bool)
}

// The evaluator's entry points:
//
//	func Parse(q string) (*Query, error)                          // errors are *Error (MALFORMED_QUERY)
//	func (q *Query) Object() string                               // the FROM sObject as written
//	func Execute(q *Query, s Schema, st Store, opts Options) (*Result, error)
//	func Columns(q *Query, s Schema) ([]Column, error)            // columns=true metadata
//	func Filter(object, where string, s Schema, st Store) ([]Record, error)
//
// Options carries APIVersion ("62.0"), used to build each row's attributes.url
// (/services/data/v62.0/sobjects/User/005...), Tooling (true on
// /tooling/query, where attributes.url uses /tooling/sobjects/) and Now (the
// instant date literals such as TODAY are relative to; zero means now).
//
// Result holds Object (the canonical FROM name), TotalSize and Rows. Each Row
// marshals to JSON with "attributes" {type,url} first and then the selected
// fields in SELECT order, parent relationships as nested rows or null, child
// subqueries as {totalSize,done,records} or null. Encode rows with a
// json.Encoder that has SetEscapeHTML(false): json.Marshal would turn "<" into
// "\u003c", which Salesforce does not. `SELECT COUNT() FROM ...` gives only
// TotalSize, with an empty (non-nil) Rows. Aggregate queries (COUNT(Id),
// GROUP BY, HAVING) give AggregateResult rows. Paging (2,000 rows a page) is the
// caller's job: slice Result.Rows.
//
// Columns gives the columnMetadata array; the columns=true response wraps it
// as {"columnMetadata":[...],"entityName":...,"groupBy":...,"idSelected":...,
// "keyPrefix":...} (salesforcecli/plugin-data's QueryColumnsSfdc type), which
// the caller assembles.
//
// Errors are *Error{Code, Message, Row, Column} with Salesforce's codes:
// MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, INVALID_QUERY_FILTER_OPERATOR,
// worded like Salesforce's (see shared/reference/fixtures/error-*.json). The
// REST body is [{"message": Message, "errorCode": Code}] with HTTP 400.
