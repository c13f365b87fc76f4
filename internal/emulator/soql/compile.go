package soql

import (
	"fmt"
	"strings"
	"time"
)

// fieldRef is a resolved field path: the reference fields to follow, then
// the field to read.
type fieldRef struct {
	hops  []Field
	field Field
	kind  fkind
	pos   int
	// dateFn is a date function applied to the field's value (CALENDAR_YEAR,
	// ...), "" for the plain value.
	dateFn string
}

// key is a stable identity for GROUP BY matching.
func (r *fieldRef) key() string {
	var b strings.Builder
	if r.dateFn != "" {
		b.WriteString(r.dateFn)
		b.WriteByte('(')
	}
	for _, h := range r.hops {
		b.WriteString(h.Name)
		b.WriteByte('.')
	}
	b.WriteString(r.field.Name)
	if r.dateFn != "" {
		b.WriteByte(')')
	}
	return b.String()
}

type outKind int

const (
	outField outKind = iota
	outSub
	outTypeof
	outAgg
)

// outItem is a resolved SELECT item.
type outItem struct {
	kind outKind
	ref  *fieldRef

	// outSub
	sub      *compiled
	childRel ChildRelationship

	// outTypeof
	typeofRef   Field // the polymorphic reference field
	typeofWhens map[string][]Field
	typeofElse  []string

	// outAgg
	fn     string
	text   string
	alias  string // the alias, or exprN
	aggKey string // where the group's value is kept (see aggregate.go)
}

// compiled is a query resolved against a schema.
type compiled struct {
	q         *Query
	object    string
	items     []outItem
	where     cexpr
	having    cexpr
	aggs      []aggSpec // every aggregate the query computes per group
	groupBy   []*fieldRef
	orderBy   []corder
	countOnly bool
	aggregate bool
}

type corder struct {
	ref       *fieldRef
	desc      bool
	nullsLast bool
}

// compiler resolves names through the schema.
type compiler struct {
	s   Schema
	src string
	// rels caches object → lower-case relationship name → reference field.
	rels map[string]map[string]Field
	// now anchors relative date literals.
	now time.Time
	// group is the aggregate query whose HAVING is being compiled; its
	// comparisons read per-group values instead of record fields.
	group *compiled
}

func (c *compiler) errAt(pos int, code, format string, args ...any) *Error {
	return newError(c.src, pos, code, fmt.Sprintf(format, args...))
}

func (c *compiler) relationship(object, name string) (Field, bool) {
	m, ok := c.rels[object]
	if !ok {
		m = map[string]Field{}
		for _, f := range c.s.Fields(object) {
			if f.RelationshipName != "" && len(f.ReferenceTo) > 0 {
				m[strings.ToLower(f.RelationshipName)] = f
			}
		}
		c.rels[object] = m
	}
	f, ok := m[strings.ToLower(name)]
	return f, ok
}

// resolvePath resolves a (dotted) field path on object.
func (c *compiler) resolvePath(object string, n name) (*fieldRef, error) {
	segs := strings.Split(n.text, ".")
	// "SELECT Account.Name FROM Account" names the queried object itself.
	// Source: SOQL "Relationship Queries" (the object name may prefix a field).
	if len(segs) > 1 && strings.EqualFold(segs[0], object) {
		if _, ok := c.relationship(object, segs[0]); !ok {
			segs = segs[1:]
		}
	}
	ref := &fieldRef{pos: n.pos}
	cur := []string{object}
	for _, seg := range segs[:len(segs)-1] {
		var hop Field
		found := false
		for _, o := range cur {
			if f, ok := c.relationship(o, seg); ok {
				hop, found = f, true
				break
			}
		}
		if !found {
			return nil, c.errAt(n.pos, CodeInvalidField, msgBadRelationship, seg)
		}
		ref.hops = append(ref.hops, hop)
		cur = hop.ReferenceTo
	}
	last := segs[len(segs)-1]
	for _, o := range cur {
		if f, ok := c.s.Field(o, last); ok {
			ref.field = f
			ref.kind = kindOf(f.Type)
			return ref, nil
		}
	}
	// A polymorphic relationship resolves against the "Name" entity.
	// Source: SOQL "Understanding Relationship Fields and Polymorphic Fields".
	entity := "Name"
	if len(cur) == 1 {
		entity = cur[0]
	}
	return nil, c.errAt(n.pos, CodeInvalidField, msgNoSuchColumn, last, entity)
}

// compile resolves q. For a child subquery, object is the child sObject.
func (c *compiler) compile(q *Query, object string) (*compiled, error) {
	cq := &compiled{q: q, object: object}
	if q.offset != nil && *q.offset > maxOffset {
		return nil, &Error{Code: CodeOutOfRange, Message: msgMaxOffset}
	}
	seen := map[string]bool{}
	exprN := 0
	for _, it := range q.sel {
		switch it.kind {
		case selCount:
			if len(q.sel) > 1 {
				return nil, c.errAt(it.pos, CodeMalformedQuery, msgUnexpected, it.text)
			}
			cq.countOnly = true
		case selField:
			ref, err := c.resolvePath(object, it.path)
			if err != nil {
				return nil, err
			}
			alias := ""
			if dateFunctions[it.fn] {
				dref, ok := dateFnRef(it.fn, ref)
				if !ok {
					return nil, c.errAt(it.path.pos, CodeMalformedQuery, msgDateFnField, it.fn, ref.field.Name)
				}
				ref = dref
				// Named like an unaliased aggregate (SOQL "Date Functions"
				// examples read the value as expr0).
				if alias = it.alias; alias == "" {
					alias = fmt.Sprintf("expr%d", exprN)
					exprN++
				}
			}
			k := strings.ToLower(ref.key())
			if seen[k] {
				return nil, c.errAt(it.pos, CodeInvalidField, msgDuplicateField, it.path.text)
			}
			seen[k] = true
			cq.items = append(cq.items, outItem{kind: outField, ref: ref, alias: alias, text: it.text})
		case selFields:
			// FIELDS(ALL) and FIELDS(CUSTOM) are unbounded: they need LIMIT 200 or less.
			// Source: SOQL "FIELDS()" (bounded and unbounded queries).
			if it.fieldsSet != "STANDARD" && (q.limit == nil || *q.limit > 200) {
				return nil, c.errAt(it.pos, CodeMalformedQuery, msgFieldsLimit)
			}
			for _, f := range c.s.Fields(object) {
				custom := strings.HasSuffix(strings.ToLower(f.Name), "__c")
				if (it.fieldsSet == "STANDARD" && custom) || (it.fieldsSet == "CUSTOM" && !custom) {
					continue
				}
				k := strings.ToLower(f.Name)
				if seen[k] {
					return nil, c.errAt(it.pos, CodeInvalidField, msgDuplicateField, f.Name)
				}
				seen[k] = true
				cq.items = append(cq.items, outItem{kind: outField, ref: &fieldRef{field: f, kind: kindOf(f.Type), pos: it.pos}})
			}
		case selAgg:
			ref, err := c.resolvePath(object, it.path)
			if err != nil {
				return nil, err
			}
			alias := it.alias
			if alias == "" {
				// Unaliased aggregates are named expr0, expr1, ... counting
				// only the unaliased ones. Source: SOQL "Using Aliases with
				// GROUP BY"; fixtures/query-aggregate-countId.json.
				alias = fmt.Sprintf("expr%d", exprN)
				exprN++
			}
			key := cq.addAgg(it.fn, ref)
			cq.items = append(cq.items, outItem{kind: outAgg, ref: ref, fn: it.fn, text: it.text, alias: alias, aggKey: key})
			cq.aggregate = true
		case selSubquery:
			var rel ChildRelationship
			found := false
			for _, cr := range c.s.ChildRelationships(object) {
				if strings.EqualFold(cr.RelationshipName, it.sub.from.text) {
					rel, found = cr, true
					break
				}
			}
			if !found {
				return nil, c.errAt(it.sub.from.pos, CodeInvalidType, msgBadChildRelationship, it.sub.from.text)
			}
			child, ok := c.s.Object(rel.ChildSObject)
			if !ok {
				return nil, c.errAt(it.sub.from.pos, CodeInvalidType, msgBadChildRelationship, it.sub.from.text)
			}
			sub, err := c.compile(it.sub, child)
			if err != nil {
				return nil, err
			}
			cq.items = append(cq.items, outItem{kind: outSub, sub: sub, childRel: rel})
		case selTypeof:
			item, err := c.compileTypeof(object, it)
			if err != nil {
				return nil, err
			}
			cq.items = append(cq.items, item)
		}
	}
	for _, g := range q.groupBy {
		ref, err := c.resolvePath(object, g)
		if err != nil {
			return nil, err
		}
		if g.fn != "" {
			// A date function groups even a dateTime field, which is not
			// groupable itself (SOQL "Date Functions").
			dref, ok := dateFnRef(g.fn, ref)
			if !ok {
				return nil, c.errAt(g.pos, CodeMalformedQuery, msgDateFnField, g.fn, ref.field.Name)
			}
			ref = dref
		} else if !ref.field.Groupable {
			return nil, c.errAt(g.pos, CodeMalformedQuery, msgNotGroupable, ref.field.Name)
		}
		cq.groupBy = append(cq.groupBy, ref)
	}
	if len(q.groupBy) > 0 || q.having != nil {
		cq.aggregate = true
	}
	if cq.aggregate {
		// Every plain field must be grouped. Source: SOQL "GROUP BY".
		grouped := map[string]bool{}
		for _, g := range cq.groupBy {
			grouped[g.key()] = true
		}
		for _, it := range cq.items {
			if it.kind != outAgg && (it.ref == nil || !grouped[it.ref.key()]) {
				if it.ref != nil && it.ref.dateFn != "" {
					return nil, c.errAt(it.ref.pos, CodeMalformedQuery, msgNotGrouped, it.text)
				}
				pos, label := 0, ""
				if it.ref != nil {
					pos, label = it.ref.pos, it.ref.field.Name
				}
				return nil, c.errAt(pos, CodeMalformedQuery, msgNotGrouped, label)
			}
		}
	}
	if !cq.aggregate {
		// Date functions in SELECT need a grouped query.
		for _, it := range cq.items {
			if it.ref != nil && it.ref.dateFn != "" {
				return nil, c.errAt(it.ref.pos, CodeMalformedQuery, msgNotGrouped, it.text)
			}
		}
	}
	if q.where != nil {
		w, err := c.compileExpr(object, q.where)
		if err != nil {
			return nil, err
		}
		cq.where = w
	}
	if q.having != nil {
		outer := c.group
		c.group = cq
		h, err := c.compileExpr(object, q.having)
		c.group = outer
		if err != nil {
			return nil, err
		}
		cq.having = h
	}
	for _, o := range q.orderBy {
		ref, err := c.resolvePath(object, o.path)
		if err != nil {
			return nil, err
		}
		switch {
		case o.fn != "" && !cq.aggregate:
			return nil, c.errAt(o.path.pos, CodeMalformedQuery, msgOrderNotGrouped, o.path.text)
		case o.fn != "":
			ref = aggRef(o.fn, ref, cq.addAgg(o.fn, ref))
		case !ref.field.Sortable:
			return nil, c.errAt(o.path.pos, CodeMalformedQuery, msgNotSortable, ref.field.Name)
		case cq.aggregate && !groupedKey(cq.groupBy, ref):
			return nil, c.errAt(o.path.pos, CodeMalformedQuery, msgOrderNotGrouped, o.path.text)
		case cq.aggregate:
			ref = groupRef(ref)
		}
		// By default nulls sort first, whatever the direction.
		// Source: SOQL "ORDER BY" ("By default, null values are sorted first").
		cq.orderBy = append(cq.orderBy, corder{ref: ref, desc: o.desc, nullsLast: o.nullsLast})
	}
	return cq, nil
}

func groupedKey(groupBy []*fieldRef, ref *fieldRef) bool {
	for _, g := range groupBy {
		if g.key() == ref.key() {
			return true
		}
	}
	return false
}

func (c *compiler) compileTypeof(object string, it selectItem) (outItem, error) {
	rel, ok := c.relationship(object, it.path.text)
	if !ok {
		return outItem{}, c.errAt(it.path.pos, CodeInvalidField, msgBadRelationship, it.path.text)
	}
	item := outItem{kind: outTypeof, typeofRef: rel, typeofWhens: map[string][]Field{}}
	for _, w := range it.whens {
		obj, ok := c.s.Object(w.object.text)
		if !ok {
			return outItem{}, c.errAt(w.object.pos, CodeInvalidType, msgUnknownObject, w.object.text)
		}
		var fields []Field
		for _, n := range w.fields {
			f, ok := c.s.Field(obj, n.text)
			if !ok {
				return outItem{}, c.errAt(n.pos, CodeInvalidField, msgNoSuchColumn, n.text, obj)
			}
			fields = append(fields, f)
		}
		item.typeofWhens[obj] = fields
	}
	for _, n := range it.elseList {
		found := false
		for _, o := range rel.ReferenceTo {
			if f, ok := c.s.Field(o, n.text); ok {
				item.typeofElse = append(item.typeofElse, f.Name)
				found = true
				break
			}
		}
		if !found {
			return outItem{}, c.errAt(n.pos, CodeInvalidField, msgNoSuchColumn, n.text, "Name")
		}
	}
	return item, nil
}

// cexpr is a compiled WHERE condition.
type cexpr interface {
	eval(x *executor, rec Record) (bool, error)
}

type cand []cexpr
type cor []cexpr
type cnot struct{ x cexpr }

type ccmp struct {
	ref  *fieldRef
	op   string
	vals []cval
	// semi-join
	sub     *compiled
	subSet  map[string]bool
	subDone bool
}

func (c *compiler) compileExpr(object string, e expr) (cexpr, error) {
	switch x := e.(type) {
	case andExpr:
		out := make(cand, 0, len(x.terms))
		for _, t := range x.terms {
			ct, err := c.compileExpr(object, t)
			if err != nil {
				return nil, err
			}
			out = append(out, ct)
		}
		return out, nil
	case orExpr:
		out := make(cor, 0, len(x.terms))
		for _, t := range x.terms {
			ct, err := c.compileExpr(object, t)
			if err != nil {
				return nil, err
			}
			out = append(out, ct)
		}
		return out, nil
	case notExpr:
		ct, err := c.compileExpr(object, x.x)
		if err != nil {
			return nil, err
		}
		return cnot{x: ct}, nil
	case *cmpExpr:
		return c.compileCmp(object, x)
	}
	return nil, fmt.Errorf("soql: unknown expression %T", e)
}

func (c *compiler) compileCmp(object string, x *cmpExpr) (cexpr, error) {
	ref, err := c.resolvePath(object, x.field)
	if err != nil {
		return nil, err
	}
	if dateFunctions[x.fn] {
		dref, ok := dateFnRef(x.fn, ref)
		if !ok {
			return nil, c.errAt(x.field.pos, CodeMalformedQuery, msgDateFnField, x.fn, ref.field.Name)
		}
		ref = dref
		if c.group != nil {
			if !groupedKey(c.group.groupBy, ref) {
				return nil, c.errAt(x.field.pos, CodeMalformedQuery, msgNotGrouped, ref.field.Name)
			}
			ref = groupRef(ref)
		}
		cc := &ccmp{ref: ref, op: x.op}
		for _, lit := range x.values {
			v, err := c.value(ref, x, lit)
			if err != nil {
				return nil, err
			}
			cc.vals = append(cc.vals, v)
		}
		return cc, nil
	}
	switch {
	case x.fn != "" && c.group != nil:
		// HAVING COUNT(Id) > 1 compares a per-group value.
		ref = aggRef(x.fn, ref, c.group.addAgg(x.fn, ref))
	case strings.EqualFold(ref.field.Type, "address"):
		return nil, c.errAt(x.field.pos, CodeInvalidField, msgAddressFilter)
	case !ref.field.Filterable:
		return nil, c.errAt(x.field.pos, CodeInvalidField, msgNotFilterable, ref.field.Name)
	case c.group != nil && !groupedKey(c.group.groupBy, ref):
		return nil, c.errAt(x.field.pos, CodeMalformedQuery, msgNotGrouped, ref.field.Name)
	case c.group != nil:
		ref = groupRef(ref)
	}
	cc := &ccmp{ref: ref, op: x.op}
	if x.sub != nil {
		subObj, ok := c.s.Object(x.sub.from.text)
		if !ok {
			return nil, c.errAt(x.sub.from.pos, CodeInvalidType, msgUnknownObject, x.sub.from.text)
		}
		sub, err := c.compile(x.sub, subObj)
		if err != nil {
			return nil, err
		}
		// A semi-join selects exactly one Id or reference field.
		// Source: SOQL "Comparison Operators" (semi-join and anti-join rules).
		if len(sub.items) != 1 || sub.items[0].kind != outField || sub.items[0].ref.kind != kID || sub.aggregate || sub.countOnly {
			return nil, c.errAt(x.sub.from.pos, CodeMalformedQuery, "semi join sub-selects are only allowed to have one field of type ID")
		}
		cc.sub = sub
		return cc, nil
	}
	for _, lit := range x.values {
		v, err := c.value(ref, x, lit)
		if err != nil {
			return nil, err
		}
		cc.vals = append(cc.vals, v)
	}
	return cc, nil
}

// value checks a literal against the field's type and prepares it.
func (c *compiler) value(ref *fieldRef, x *cmpExpr, lit literal) (cval, error) {
	f := ref.field
	if lit.kind == litNull {
		// For a boolean, null means false (see ccmp.equals).
		return cval{null: ref.kind != kBool}, nil
	}
	quotedWrong := func() error {
		return c.errAt(x.pos, CodeInvalidField, msgFilterQuoted, f.Name, typeWord(f.Type))
	}
	unquotedWrong := func() error {
		return c.errAt(x.pos, CodeInvalidField, msgFilterUnquoted, f.Name, typeWord(f.Type))
	}
	switch ref.kind {
	case kID:
		if lit.kind != litString {
			return cval{}, quotedWrong()
		}
		if x.op == "LIKE" {
			return cval{str: strings.ToLower(lit.str), raw: lit.str, like: compileLike(lit.str)}, nil
		}
		if !validID(lit.str) {
			return cval{}, c.errAt(x.pos, CodeInvalidFilter, msgInvalidID, lit.str)
		}
		return cval{str: id15(lit.str)}, nil
	case kString:
		if lit.kind != litString {
			return cval{}, quotedWrong()
		}
		plain := unescapeWildcards(lit.str)
		cv := cval{str: strings.ToLower(plain), raw: lit.str}
		if x.op == "LIKE" {
			cv.like = compileLike(lit.str)
		}
		return cv, nil
	case kBool:
		if lit.kind != litBool {
			return cval{}, unquotedWrong()
		}
		return cval{b: lit.b}, nil
	case kNumber:
		if lit.kind != litNumber {
			return cval{}, unquotedWrong()
		}
		return cval{num: lit.num}, nil
	case kDate, kDateTime:
		switch lit.kind {
		case litDate:
			t, ok := asTime(lit.str)
			if !ok {
				return cval{}, unquotedWrong()
			}
			if ref.kind == kDateTime {
				// A dateTime field takes dateTime literals only: a date is
				// the same error as a malformed one (SOQL and SOSL Reference,
				// "Date Formats and Date Literals"; wording as quoted for
				// "CreatedDate > <value>" in EventLogFile query code found by
				// code search; emulator-gaps.md G20).
				return cval{}, unquotedWrong()
			}
			return cval{from: t}, nil
		case litDateTime:
			t, ok := asTime(lit.str)
			if !ok {
				// Source: Summer '24 release notes ("Invalid datetime: ...").
				return cval{}, c.errAt(lit.pos, CodeMalformedQuery, "Invalid datetime: %s", lit.raw)
			}
			return cval{from: t}, nil
		case litDateLiteral:
			from, to := dateRange(lit.str, lit.n, c.now)
			return cval{from: from, to: to, isRange: true}, nil
		}
		return cval{}, unquotedWrong()
	}
	return cval{}, quotedWrong()
}
