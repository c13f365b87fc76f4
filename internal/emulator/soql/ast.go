package soql

// Query is a parsed SOQL statement. It is schema-free: names are kept as
// written and resolved by Execute and Columns.
type Query struct {
	src     string
	sel     []selectItem
	from    name
	where   expr
	groupBy []name
	having  expr
	orderBy []orderItem
	limit   *int
	offset  *int
	// child is set on a parent-to-child subquery, whose FROM names a child
	// relationship rather than an sObject.
	child bool
}

// Object returns the FROM sObject as written in the query.
func (q *Query) Object() string { return q.from.text }

// Grouped reports whether the query has a GROUP BY clause (the columns=true
// answer's "groupBy" key).
func (q *Query) Grouped() bool { return len(q.groupBy) > 0 }

// String returns the query text.
func (q *Query) String() string { return q.src }

// name is an identifier or dotted path as written, with its position.
type name struct {
	text string
	pos  int
	// fn is a date function applied to the name in GROUP BY ("" for none).
	fn string
}

type selectKind int

const (
	selField    selectKind = iota // Name, Profile.Name
	selCount                      // COUNT()
	selAgg                        // COUNT(Id), MAX(CreatedDate), ... with optional alias
	selSubquery                   // (SELECT ... FROM ChildRelationship)
	selFields                     // FIELDS(ALL|STANDARD|CUSTOM)
	selTypeof                     // TYPEOF What WHEN Account THEN Name ... END
)

type selectItem struct {
	kind selectKind
	pos  int
	path name // field path; the aggregate's argument; TYPEOF's relationship
	// fn is the aggregate function (upper case) or a pass-through function
	// such as TOLABEL; text is the expression as written, for columns.
	fn    string
	text  string
	alias string
	sub   *Query
	// fieldsSet is ALL, STANDARD or CUSTOM for FIELDS().
	fieldsSet string
	whens     []typeofWhen
	elseList  []name
}

type typeofWhen struct {
	object name
	fields []name
}

type orderItem struct {
	path       name
	fn         string // an aggregate function over path, in an aggregate query
	desc       bool
	nullsLast  bool
	nullsGiven bool
}

// expr is a WHERE condition.
type expr interface{ isExpr() }

type andExpr struct{ terms []expr }
type orExpr struct{ terms []expr }
type notExpr struct{ x expr }

// cmpExpr is "field op value".
type cmpExpr struct {
	field name
	fn    string // HAVING: the aggregate function applied to field
	// pos is where errors about the comparison point: the field (the
	// recorded "WHERE (Id = 'somethingwonky')" error points at Id).
	pos    int
	op     string // = != < <= > >= LIKE IN NOT IN INCLUDES EXCLUDES
	values []literal
	sub    *Query // semi-join: IN (SELECT ...)
}

func (andExpr) isExpr()  {}
func (orExpr) isExpr()   {}
func (notExpr) isExpr()  {}
func (*cmpExpr) isExpr() {}

type litKind int

const (
	litString litKind = iota
	litNumber
	litBool
	litNull
	litDate
	litDateTime
	litDateLiteral // TODAY, LAST_N_DAYS:7, ...
)

type literal struct {
	kind litKind
	raw  string // as written
	str  string // string value (unescaped), or the date literal's name in upper case
	num  float64
	b    bool
	n    int // LAST_N_DAYS:n
	pos  int
}
