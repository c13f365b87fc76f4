package soql

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Execute resolves q against the schema and evaluates it over the store.
// Errors about the query are *Error; Execute does no paging.
func Execute(q *Query, s Schema, st Store, opts Options) (*Result, error) {
	if q == nil {
		return nil, fmt.Errorf("soql: nil query")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	c := &compiler{s: s, src: q.src, rels: map[string]map[string]Field{}, now: now.UTC()}
	cq, err := c.compileTop(q)
	if err != nil {
		return nil, err
	}
	x := &executor{s: s, st: st, opts: opts}
	return x.run(cq)
}

// compileTop resolves the FROM object first: Salesforce reports an unknown
// sObject before any field ("SELECT Xyzzy FROM Xyzzy" points at the FROM;
// fixtures/error-INVALID_TYPE-query-v50.json).
func (c *compiler) compileTop(q *Query) (*compiled, error) {
	object, ok := c.s.Object(q.from.text)
	if !ok {
		return nil, c.errAt(q.from.pos, CodeInvalidType, msgUnknownObject, q.from.text)
	}
	return c.compile(q, object)
}

// Filter returns the records of object that match a WHERE condition, in
// store order. It is for callers that filter without a SELECT (for example
// a DELETE by condition in a test harness). Date literals are relative to
// the current time. Error messages quote the query it builds,
// "SELECT Id FROM <object> WHERE <where>".
func Filter(object, where string, s Schema, st Store) ([]Record, error) {
	q, err := Parse("SELECT Id FROM " + object + " WHERE " + where)
	if err != nil {
		return nil, err
	}
	c := &compiler{s: s, src: q.src, rels: map[string]map[string]Field{}, now: time.Now().UTC()}
	cq, err := c.compileTop(q)
	if err != nil {
		return nil, err
	}
	x := &executor{s: s, st: st}
	return x.matching(cq, st.All(cq.object))
}

type executor struct {
	s    Schema
	st   Store
	opts Options
	// children caches, per child relationship, the child records by the
	// 15-character Id of their parent.
	children map[string]map[string][]Record
}

// scan is the records a query's WHERE is tested on: those an index of the
// store narrows them to (Indexed), else all of the object's.
func (x *executor) scan(cq *compiled) []Record {
	if ix, ok := x.st.(Indexed); ok {
		conds := []cexpr{cq.where}
		if and, isAnd := cq.where.(cand); isAnd {
			conds = and
		}
		for _, e := range conds {
			field, values, ok := textEquality(e)
			if !ok {
				continue
			}
			if recs, ok := ix.Candidates(cq.object, field, values); ok {
				return recs
			}
		}
	}
	return x.st.All(cq.object)
}

// textEquality reports the field and values of a condition "Field = 'v'"
// or "Field IN ('v', ...)" on a text field of the queried object itself,
// which a record meets only when its field EqualFolds one of the values.
func textEquality(e cexpr) (string, []string, bool) {
	c, ok := e.(*ccmp)
	if !ok || c.sub != nil || len(c.ref.hops) > 0 || c.ref.dateFn != "" || c.ref.kind != kString || (c.op != "=" && c.op != "IN") {
		return "", nil, false
	}
	values := make([]string, 0, len(c.vals))
	for _, v := range c.vals {
		if v.null || v.str == "" {
			return "", nil, false
		}
		values = append(values, v.str)
	}
	return c.ref.field.Name, values, len(values) > 0
}

func (x *executor) run(cq *compiled) (*Result, error) {
	recs, err := x.matching(cq, x.scan(cq))
	if err != nil {
		return nil, err
	}
	res := &Result{Object: cq.object, Rows: []Row{}}
	if cq.countOnly {
		// COUNT() returns only totalSize; LIMIT still caps it.
		// Source: fixtures/query-count-v50.json; SOQL "COUNT()".
		res.TotalSize = len(window(recs, cq.q))
		return res, nil
	}
	if cq.aggregate {
		rows, err := x.aggregate(cq, recs)
		if err != nil {
			return nil, err
		}
		res.Rows = rows
		res.TotalSize = len(rows)
		return res, nil
	}
	x.sortRecords(cq, recs)
	recs = window(recs, cq.q)
	for _, r := range recs {
		row, err := x.project(cq, r)
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, row)
	}
	res.TotalSize = len(res.Rows)
	return res, nil
}

// matching filters recs by the WHERE clause.
func (x *executor) matching(cq *compiled, recs []Record) ([]Record, error) {
	out := make([]Record, 0, len(recs))
	for _, r := range recs {
		if cq.where != nil {
			ok, err := cq.where.eval(x, r)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// window applies OFFSET then LIMIT.
func window[T any](items []T, q *Query) []T {
	if q.offset != nil {
		if *q.offset >= len(items) {
			return items[:0]
		}
		items = items[*q.offset:]
	}
	if q.limit != nil && *q.limit < len(items) {
		items = items[:*q.limit]
	}
	return items
}

// get follows ref's relationships from rec and reads the field. A missing
// parent (null reference, or a record the store cannot find) reads as null.
func (x *executor) get(rec Record, ref *fieldRef) any {
	for _, h := range ref.hops {
		id, _ := rec[h.Name].(string)
		if id == "" {
			return nil
		}
		_, parent, ok := x.st.Get(id)
		if !ok {
			return nil
		}
		rec = parent
	}
	if ref.dateFn != "" {
		return applyDateFn(ref.dateFn, rec[ref.field.Name])
	}
	return rec[ref.field.Name]
}

func (x *executor) url(object string, rec Record) string {
	id, _ := rec["Id"].(string)
	v := strings.TrimPrefix(x.opts.APIVersion, "v")
	if x.opts.Tooling {
		return "/services/data/v" + v + "/tooling/sobjects/" + object + "/" + id
	}
	return "/services/data/v" + v + "/sobjects/" + object + "/" + id
}

// project builds the output row of rec.
func (x *executor) project(cq *compiled, rec Record) (Row, error) {
	row := Row{Type: cq.object, URL: x.url(cq.object, rec), Fields: make([]RowField, 0, len(cq.items))}
	for _, it := range cq.items {
		switch it.kind {
		case outField:
			x.projectField(&row, rec, it.ref)
		case outSub:
			sub, err := x.subquery(it, rec)
			if err != nil {
				return Row{}, err
			}
			row.Fields = append(row.Fields, RowField{Name: it.childRel.RelationshipName, Value: sub})
		case outTypeof:
			row.Fields = append(row.Fields, RowField{Name: it.typeofRef.RelationshipName, Value: x.typeofValue(it, rec)})
		}
	}
	return row, nil
}

// projectField writes one selected field, nesting parent relationships:
// "Profile.Name" becomes "Profile":{"attributes":...,"Name":...}, several
// fields of one parent share one nested object, and a null parent is null.
// Source: fixtures/query-User-with-Profile-relationship-v59.json and
// query-TYPEOF-polymorphic-Event-v62.json (Who with LastName and Email).
func (x *executor) projectField(row *Row, rec Record, ref *fieldRef) {
	cur := row
	for _, h := range ref.hops {
		existing, exists := cur.Get(h.RelationshipName)
		if exists {
			nested, _ := existing.(*Row)
			if nested == nil {
				return
			}
			id, _ := rec[h.Name].(string)
			_, parent, _ := x.st.Get(id)
			cur, rec = nested, parent
			continue
		}
		id, _ := rec[h.Name].(string)
		var parent Record
		var obj string
		found := false
		if id != "" {
			obj, parent, found = x.st.Get(id)
		}
		if !found {
			cur.Fields = append(cur.Fields, RowField{Name: h.RelationshipName, Value: (*Row)(nil)})
			return
		}
		nested := &Row{Type: obj, URL: x.url(obj, parent)}
		cur.Fields = append(cur.Fields, RowField{Name: h.RelationshipName, Value: nested})
		cur, rec = nested, parent
	}
	if _, exists := cur.Get(ref.field.Name); !exists {
		cur.Fields = append(cur.Fields, RowField{Name: ref.field.Name, Value: normalize(rec[ref.field.Name])})
	}
}

// normalize turns stored numbers into float64 so rows marshal uniformly.
func normalize(v any) any {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case float32:
		return float64(n)
	}
	return v
}

func (x *executor) typeofValue(it outItem, rec Record) any {
	id, _ := rec[it.typeofRef.Name].(string)
	if id == "" {
		return (*Row)(nil)
	}
	obj, parent, ok := x.st.Get(id)
	if !ok {
		return (*Row)(nil)
	}
	nested := &Row{Type: obj, URL: x.url(obj, parent)}
	if fields, ok := it.typeofWhens[obj]; ok {
		for _, f := range fields {
			nested.set(f.Name, normalize(parent[f.Name]))
		}
		return nested
	}
	for _, name := range it.typeofElse {
		nested.set(name, normalize(parent[name]))
	}
	return nested
}

// subquery evaluates a parent-to-child subquery for one parent record. No
// children gives null, not an empty list. Source:
// fixtures/query-subquery-Contact-Opportunities.json; salesforce-api-facts.md §6
// (PermissionSetLicenseAssignments comes back null).
func (x *executor) subquery(it outItem, parent Record) (*SubResult, error) {
	if x.children == nil {
		x.children = map[string]map[string][]Record{}
	}
	pid, _ := parent["Id"].(string)
	if ix, ok := x.st.(Indexed); ok {
		if kids, ok := ix.Children(it.sub.object, it.childRel.Field, pid); ok {
			return x.childRows(it, kids)
		}
	}
	key := it.childRel.ChildSObject + "." + it.childRel.Field
	index, ok := x.children[key]
	if !ok {
		index = map[string][]Record{}
		for _, r := range x.st.All(it.sub.object) {
			if pid, _ := r[it.childRel.Field].(string); pid != "" {
				index[id15(pid)] = append(index[id15(pid)], r)
			}
		}
		x.children[key] = index
	}
	return x.childRows(it, index[id15(pid)])
}

// childRows is a subquery's result from the parent's children.
func (x *executor) childRows(it outItem, children []Record) (*SubResult, error) {
	kids, err := x.matching(it.sub, children)
	if err != nil {
		return nil, err
	}
	x.sortRecords(it.sub, kids)
	kids = window(kids, it.sub.q)
	if len(kids) == 0 {
		return nil, nil
	}
	out := &SubResult{TotalSize: len(kids), Done: true, Rows: make([]Row, 0, len(kids))}
	for _, k := range kids {
		row, err := x.project(it.sub, k)
		if err != nil {
			return nil, err
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// sortRecords orders recs by ORDER BY, stably, so that ties keep store order.
func (x *executor) sortRecords(cq *compiled, recs []Record) {
	if len(cq.orderBy) == 0 {
		return
	}
	type keyed struct {
		rec  Record
		keys []any
	}
	ks := make([]keyed, len(recs))
	for i, r := range recs {
		k := keyed{rec: r, keys: make([]any, len(cq.orderBy))}
		for j, o := range cq.orderBy {
			k.keys[j] = sortKey(x.get(r, o.ref), o.ref.kind)
		}
		ks[i] = k
	}
	sort.SliceStable(ks, func(a, b int) bool {
		for j, o := range cq.orderBy {
			c := orderCompare(ks[a].keys[j], ks[b].keys[j], o)
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	for i := range ks {
		recs[i] = ks[i].rec
	}
}

// sortKey prepares a value for repeated comparison: text lower-cased once,
// dates parsed once.
func sortKey(v any, k fkind) any {
	if v == nil {
		return nil
	}
	switch k {
	case kString:
		return lowered(strings.ToLower(asString(v)))
	case kDate, kDateTime:
		if t, ok := asTime(v); ok {
			return t
		}
	}
	return v
}

// lowered marks text that sortKey already lower-cased.
type lowered string

// orderCompare compares two values for ORDER BY. Sorting is
// case-insensitive. Source: SOQL "ORDER BY" ("Sorting is case insensitive").
func orderCompare(a, b any, o corder) int {
	an, bn := a == nil, b == nil
	switch {
	case an && bn:
		return 0
	case an:
		if o.nullsLast {
			return 1
		}
		return -1
	case bn:
		if o.nullsLast {
			return -1
		}
		return 1
	}
	c := compareValues(a, b, o.ref.kind)
	if o.desc {
		c = -c
	}
	return c
}

// compareValues orders two non-null stored values of one field kind.
func compareValues(a, b any, k fkind) int {
	if la, ok := a.(lowered); ok {
		if lb, ok := b.(lowered); ok {
			return strings.Compare(string(la), string(lb))
		}
	}
	if ta, ok := a.(time.Time); ok {
		if tb, ok := b.(time.Time); ok {
			return ta.Compare(tb)
		}
	}
	switch k {
	case kNumber:
		fa, _ := asFloat(a)
		fb, _ := asFloat(b)
		return cmpFloat(fa, fb)
	case kBool:
		ba, _ := a.(bool)
		bb, _ := b.(bool)
		switch {
		case ba == bb:
			return 0
		case !ba:
			return -1
		}
		return 1
	case kDate, kDateTime:
		ta, oka := asTime(a)
		tb, okb := asTime(b)
		if oka && okb {
			return ta.Compare(tb)
		}
	case kID:
		return strings.Compare(asString(a), asString(b))
	}
	return strings.Compare(strings.ToLower(asString(a)), strings.ToLower(asString(b)))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (e cand) eval(x *executor, rec Record) (bool, error) {
	for _, t := range e {
		ok, err := t.eval(x, rec)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func (e cor) eval(x *executor, rec Record) (bool, error) {
	for _, t := range e {
		ok, err := t.eval(x, rec)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

func (e cnot) eval(x *executor, rec Record) (bool, error) {
	ok, err := e.x.eval(x, rec)
	return !ok, err
}

// eval applies one comparison. SOQL's null rules differ from SQL's:
// "Field = null" and "Field != null" test for null, and a null field is
// unequal to ("!=", NOT IN) every non-null value.
// Source: SOQL "Comparison Operators" and "null" in condition expressions.
func (c *ccmp) eval(x *executor, rec Record) (bool, error) {
	v := x.get(rec, c.ref)
	if c.sub != nil {
		if !c.subDone {
			set := map[string]bool{}
			recs, err := x.matching(c.sub, x.st.All(c.sub.object))
			if err != nil {
				return false, err
			}
			for _, r := range window(recs, c.sub.q) {
				if id, _ := x.get(r, c.sub.items[0].ref).(string); id != "" {
					set[id15(id)] = true
				}
			}
			c.subSet, c.subDone = set, true
		}
		in := false
		if s, _ := v.(string); s != "" {
			in = c.subSet[id15(s)]
		}
		if c.op == "NOT IN" {
			return !in, nil
		}
		return in, nil
	}
	switch c.op {
	case "=":
		return c.equals(v, c.vals[0]), nil
	case "!=":
		return !c.equals(v, c.vals[0]), nil
	case "IN":
		for _, cv := range c.vals {
			if c.equals(v, cv) {
				return true, nil
			}
		}
		return false, nil
	case "NOT IN":
		for _, cv := range c.vals {
			if c.equals(v, cv) {
				return false, nil
			}
		}
		return true, nil
	case "LIKE":
		if v == nil || c.vals[0].null {
			return false, nil
		}
		return likeMatch(asString(v), c.vals[0].like), nil
	case "INCLUDES", "EXCLUDES":
		has := c.includes(v)
		if c.op == "EXCLUDES" {
			return !has, nil
		}
		return has, nil
	case "<", "<=", ">", ">=":
		cv := c.vals[0]
		if v == nil || cv.null {
			return false, nil
		}
		return c.order(v, cv), nil
	}
	return false, fmt.Errorf("soql: unknown operator %q", c.op)
}

func (c *ccmp) equals(v any, cv cval) bool {
	if c.ref.kind == kBool {
		// A boolean is never null: null matches false ("WHERE Test_c = null
		// is equivalent to WHERE Test_c = false"). Source: SOQL "Use null in WHERE".
		b, _ := v.(bool)
		return b == cv.b
	}
	if cv.null || v == nil {
		return cv.null && v == nil
	}
	switch c.ref.kind {
	case kID:
		s, _ := v.(string)
		return id15(s) == cv.str
	case kNumber:
		f, ok := asFloat(v)
		return ok && f == cv.num
	case kDate, kDateTime:
		t, ok := asTime(v)
		if !ok {
			return false
		}
		if cv.isRange {
			return !t.Before(cv.from) && t.Before(cv.to)
		}
		return t.Equal(cv.from)
	}
	// Text comparison is case-insensitive.
	// Source: SOQL "Comparison Operators" (= is case-insensitive for strings).
	return strings.EqualFold(asString(v), cv.str)
}

// order evaluates <, <=, > and >= against a non-null value.
func (c *ccmp) order(v any, cv cval) bool {
	var cmp int
	switch c.ref.kind {
	case kNumber:
		f, ok := asFloat(v)
		if !ok {
			return false
		}
		cmp = cmpFloat(f, cv.num)
	case kDate, kDateTime:
		t, ok := asTime(v)
		if !ok {
			return false
		}
		if cv.isRange {
			// Against a range, "<" means before its start and ">" after its end.
			switch c.op {
			case "<":
				return t.Before(cv.from)
			case "<=":
				return t.Before(cv.to)
			case ">":
				return !t.Before(cv.to)
			case ">=":
				return !t.Before(cv.from)
			}
		}
		cmp = t.Compare(cv.from)
	case kBool:
		b, _ := v.(bool)
		cmp = compareValues(b, cv.b, kBool)
	case kID:
		s, _ := v.(string)
		cmp = strings.Compare(id15(s), cv.str)
	default:
		cmp = strings.Compare(strings.ToLower(asString(v)), cv.str)
	}
	switch c.op {
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	}
	return cmp >= 0
}

// includes reports whether a multi-select picklist value holds any of the
// listed values; "a;b" in the list means both a and b.
// Source: SOQL "Querying Multi-Select Picklists".
func (c *ccmp) includes(v any) bool {
	s, _ := v.(string)
	have := map[string]bool{}
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(strings.ToLower(p)); p != "" {
			have[p] = true
		}
	}
	for _, cv := range c.vals {
		if cv.null {
			continue
		}
		all := true
		for _, want := range strings.Split(cv.str, ";") {
			if !have[strings.TrimSpace(want)] {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
