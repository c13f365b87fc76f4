package soql

import (
	"strconv"
	"strings"
)

// Parse parses a SOQL query. Errors are *Error with code MALFORMED_QUERY.
func Parse(q string) (*Query, error) {
	p := &parser{src: q, toks: lex(q)}
	query, err := p.query(false)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.Kind != tokEOF {
		return nil, unexpected(q, t)
	}
	if p.aliasErr != nil {
		return nil, p.aliasErr
	}
	return query, nil
}

type parser struct {
	src  string
	toks []token
	i    int
	// allowAgg is set while parsing HAVING and ORDER BY, where aggregate
	// calls may stand in for fields; WHERE does not allow them.
	allowAgg bool
	// aliasErr is the first alias on a non-aggregate select item.
	aliasErr *Error
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekN(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.Kind != tokEOF {
		p.i++
	}
	return t
}
func (p *parser) fail() *Error { return unexpected(p.src, p.peek()) }

func (p *parser) punct(s string) bool {
	t := p.peek()
	return t.Kind == tokPunct && t.Text == s
}

func (p *parser) expectPunct(s string) error {
	if !p.punct(s) {
		return p.fail()
	}
	p.next()
	return nil
}

func (p *parser) expectKeyword(kw string) error {
	if !p.peek().is(kw) {
		return p.fail()
	}
	p.next()
	return nil
}

// reserved words cannot name fields or objects. ORDER, OFFSET and the like
// are not on the list: "SELECT Id FROM Order" queries the Order object.
// Source: SOQL "Reserved Characters" / reserved keywords list.
var reserved = map[string]bool{
	"AND": true, "ASC": true, "DESC": true, "EXCLUDES": true, "FIRST": true, "FROM": true,
	"GROUP": true, "HAVING": true, "IN": true, "INCLUDES": true, "LAST": true, "LIKE": true,
	"LIMIT": true, "NOT": true, "NULL": true, "NULLS": true, "OR": true, "SELECT": true,
	"WHERE": true, "WITH": true,
}

func isReserved(t token) bool {
	return t.Kind == tokIdent && reserved[strings.ToUpper(t.Text)]
}

// ident reads a non-reserved identifier or dotted path.
func (p *parser) ident() (name, error) {
	t := p.peek()
	if t.Kind != tokIdent || isReserved(t) {
		return name{}, p.fail()
	}
	p.next()
	return name{text: t.Text, pos: t.Pos}, nil
}

// query parses SELECT ... up to (not including) EOF or, for a subquery, ")".
func (p *parser) query(sub bool) (*Query, error) {
	q := &Query{src: p.src, child: sub}
	if err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	for {
		item, err := p.selectItem(sub)
		if err != nil {
			return nil, err
		}
		q.sel = append(q.sel, item)
		if !p.punct(",") {
			break
		}
		p.next()
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	from, err := p.ident()
	if err != nil {
		return nil, err
	}
	q.from = from
	// An alias after the object (FROM Contact c) is rare in clients; not supported.
	if p.peek().is("WITH") {
		// WITH SECURITY_ENFORCED / USER_MODE / SYSTEM_MODE change access
		// checks, which the emulator does not model: accept and ignore.
		p.next()
		if t := p.peek(); t.Kind != tokIdent || isReserved(t) {
			return nil, p.fail()
		}
		p.next()
	}
	if p.peek().is("WHERE") {
		p.next()
		w, err := p.condition()
		if err != nil {
			return nil, err
		}
		q.where = w
	}
	if p.peek().is("WITH") {
		p.next()
		if t := p.peek(); t.Kind != tokIdent || isReserved(t) {
			return nil, p.fail()
		}
		p.next()
	}
	if p.peek().is("GROUP") {
		p.next()
		if err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		for {
			fn := ""
			if t := p.peek(); t.Kind == tokIdent && dateFunctions[strings.ToUpper(t.Text)] && p.peekN(1).Kind == tokPunct && p.peekN(1).Text == "(" {
				fn = strings.ToUpper(t.Text)
				p.next()
				p.next()
			}
			n, err := p.ident()
			if err != nil {
				return nil, err
			}
			if fn != "" {
				if err := p.expectPunct(")"); err != nil {
					return nil, err
				}
				n.fn = fn
			}
			q.groupBy = append(q.groupBy, n)
			if !p.punct(",") {
				break
			}
			p.next()
		}
	}
	if p.peek().is("HAVING") {
		p.next()
		p.allowAgg = true
		h, err := p.condition()
		p.allowAgg = false
		if err != nil {
			return nil, err
		}
		q.having = h
	}
	if p.peek().is("ORDER") {
		p.next()
		if err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		for {
			p.allowAgg = true
			fn, n, err := p.maybeAggregate()
			p.allowAgg = false
			if err != nil {
				return nil, err
			}
			o := orderItem{path: n, fn: fn}
			if p.peek().is("ASC") {
				p.next()
			} else if p.peek().is("DESC") {
				p.next()
				o.desc = true
			}
			if p.peek().is("NULLS") {
				p.next()
				switch {
				case p.peek().is("FIRST"):
				case p.peek().is("LAST"):
					o.nullsLast = true
				default:
					return nil, p.fail()
				}
				p.next()
				o.nullsGiven = true
			}
			q.orderBy = append(q.orderBy, o)
			if !p.punct(",") {
				break
			}
			p.next()
		}
	}
	if p.peek().is("LIMIT") {
		p.next()
		n, err := p.count()
		if err != nil {
			return nil, err
		}
		q.limit = &n
	}
	if p.peek().is("OFFSET") {
		p.next()
		n, err := p.count()
		if err != nil {
			return nil, err
		}
		q.offset = &n
	}
	if p.peek().is("FOR") {
		// FOR VIEW / FOR REFERENCE / FOR UPDATE only update recently-viewed
		// data or lock rows: no effect on the result.
		p.next()
		if !(p.peek().is("VIEW") || p.peek().is("REFERENCE") || p.peek().is("UPDATE")) {
			return nil, p.fail()
		}
		p.next()
	}
	return q, nil
}

// count reads a non-negative integer for LIMIT or OFFSET.
func (p *parser) count() (int, error) {
	t := p.peek()
	if t.Kind != tokNumber || strings.ContainsAny(t.Text, ".-+") {
		return 0, p.fail()
	}
	n, err := strconv.Atoi(t.Text)
	if err != nil {
		return 0, p.fail()
	}
	p.next()
	return n, nil
}

// aggregates are the aggregate functions the engine evaluates.
// Source: SOQL "Aggregate Functions".
var aggregates = map[string]bool{"COUNT": true, "COUNT_DISTINCT": true, "MIN": true, "MAX": true, "SUM": true, "AVG": true}

// passThrough are field functions whose value the emulator returns
// unchanged (no translations, locales or currencies in the emulated org).
var passThrough = map[string]bool{"TOLABEL": true, "FORMAT": true, "CONVERTCURRENCY": true}

func (p *parser) selectItem(sub bool) (selectItem, error) {
	t := p.peek()
	switch {
	case p.punct("(") && !sub:
		p.next()
		inner, err := p.query(true)
		if err != nil {
			return selectItem{}, err
		}
		if err := p.expectPunct(")"); err != nil {
			return selectItem{}, err
		}
		return selectItem{kind: selSubquery, pos: t.Pos, sub: inner}, nil
	case t.is("TYPEOF"):
		return p.typeof()
	case t.Kind == tokIdent && !isReserved(t) && p.peekN(1).Kind == tokPunct && p.peekN(1).Text == "(":
		fn := strings.ToUpper(t.Text)
		p.next()
		p.next() // (
		switch {
		case fn == "FIELDS":
			set := p.peek()
			if !(set.is("ALL") || set.is("STANDARD") || set.is("CUSTOM")) {
				return selectItem{}, p.fail()
			}
			p.next()
			if err := p.expectPunct(")"); err != nil {
				return selectItem{}, err
			}
			return selectItem{kind: selFields, pos: t.Pos, fieldsSet: strings.ToUpper(set.Text)}, nil
		case fn == "COUNT" && p.punct(")"):
			end := p.next()
			return selectItem{kind: selCount, pos: t.Pos, fn: fn, text: p.src[t.Pos:end.End]}, nil
		case aggregates[fn] || passThrough[fn] || dateFunctions[fn]:
			arg, err := p.ident()
			if err != nil {
				return selectItem{}, err
			}
			end := p.peek()
			if err := p.expectPunct(")"); err != nil {
				return selectItem{}, err
			}
			item := selectItem{kind: selAgg, pos: t.Pos, fn: fn, path: arg, text: p.src[t.Pos:end.End]}
			if passThrough[fn] || dateFunctions[fn] {
				item.kind = selField
			}
			p.alias(&item)
			return item, nil
		default:
			// An unknown function: Salesforce rejects the name.
			return selectItem{}, unexpected(p.src, t)
		}
	}
	n, err := p.ident()
	if err != nil {
		return selectItem{}, err
	}
	item := selectItem{kind: selField, pos: n.pos, path: n}
	p.alias(&item)
	return item, nil
}

// alias reads an optional alias after a select item. The grammar allows one
// after any field, but only aggregates may have one: "SELECT Id Name FROM
// Account" (a missing comma) parses and then fails with "only aggregate
// expressions use field aliasing", while "SELECT Id FORM User" fails on
// 'User', the token after the would-be alias. The first misplaced alias is
// reported once the whole query has parsed, so syntax errors come first.
// Source: the error as recorded by several clients (see errors.go).
func (p *parser) alias(item *selectItem) {
	a := p.peek()
	if a.Kind != tokIdent || isReserved(a) {
		return
	}
	p.next()
	item.alias = a.Text
	if item.kind != selAgg && !dateFunctions[item.fn] && p.aliasErr == nil {
		p.aliasErr = newError(p.src, a.Pos, CodeMalformedQuery, msgAliasNotAggregate)
	}
}

// typeof parses TYPEOF rel WHEN Type THEN f, ... [WHEN ...] [ELSE f, ...] END.
// Source: SOQL "TYPEOF"; shape of the result in
// fixtures/query-TYPEOF-polymorphic-Event-v62.json.
func (p *parser) typeof() (selectItem, error) {
	start := p.next()
	rel, err := p.ident()
	if err != nil {
		return selectItem{}, err
	}
	item := selectItem{kind: selTypeof, pos: start.Pos, path: rel}
	fieldList := func() ([]name, error) {
		var out []name
		for {
			n, err := p.ident()
			if err != nil {
				return nil, err
			}
			out = append(out, n)
			if !p.punct(",") {
				return out, nil
			}
			p.next()
		}
	}
	if !p.peek().is("WHEN") {
		return selectItem{}, p.fail()
	}
	for p.peek().is("WHEN") {
		p.next()
		obj, err := p.ident()
		if err != nil {
			return selectItem{}, err
		}
		if err := p.expectKeyword("THEN"); err != nil {
			return selectItem{}, err
		}
		fields, err := fieldList()
		if err != nil {
			return selectItem{}, err
		}
		item.whens = append(item.whens, typeofWhen{object: obj, fields: fields})
	}
	if p.peek().is("ELSE") {
		p.next()
		fields, err := fieldList()
		if err != nil {
			return selectItem{}, err
		}
		item.elseList = fields
	}
	if err := p.expectKeyword("END"); err != nil {
		return selectItem{}, err
	}
	return item, nil
}

// condition parses a WHERE condition. SOQL has no precedence between AND
// and OR: mixing them at one level without parentheses is an error at the
// second operator ("unexpected token: 'OR'").
// Source: SOQL "Condition Expression Syntax" ("Client applications must
// specify parentheses when nesting operators"); Summer '24 release notes
// (unexpected token: 'AND' / 'OR' for such queries).
func (p *parser) condition() (expr, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	var op string
	terms := []expr{first}
	for {
		t := p.peek()
		var this string
		switch {
		case t.is("AND"):
			this = "AND"
		case t.is("OR"):
			this = "OR"
		default:
			if op == "AND" {
				return andExpr{terms: terms}, nil
			}
			if op == "OR" {
				return orExpr{terms: terms}, nil
			}
			return first, nil
		}
		if op != "" && op != this {
			return nil, p.fail()
		}
		op = this
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, x)
	}
}

func (p *parser) unary() (expr, error) {
	t := p.peek()
	if t.is("NOT") {
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notExpr{x: x}, nil
	}
	if p.punct("(") {
		p.next()
		x, err := p.condition()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		return x, nil
	}
	return p.comparison()
}

// maybeAggregate reads a field path or an aggregate call such as COUNT(Id),
// as ORDER BY and HAVING allow in aggregate queries.
// Source: SOQL "HAVING" and "ORDER BY" (aggregate functions).
func (p *parser) maybeAggregate() (string, name, error) {
	t := p.peek()
	up := strings.ToUpper(t.Text)
	if t.Kind == tokIdent && (p.allowAgg && aggregates[up] || dateFunctions[up]) && p.peekN(1).Kind == tokPunct && p.peekN(1).Text == "(" {
		p.next()
		p.next()
		arg, err := p.ident()
		if err != nil {
			return "", name{}, err
		}
		if err := p.expectPunct(")"); err != nil {
			return "", name{}, err
		}
		return strings.ToUpper(t.Text), arg, nil
	}
	n, err := p.ident()
	return "", n, err
}

func (p *parser) comparison() (expr, error) {
	fn, field, err := p.maybeAggregate()
	if err != nil {
		return nil, err
	}
	c := &cmpExpr{field: field, fn: fn, pos: field.pos}
	t := p.peek()
	switch {
	case t.Kind == tokOp:
		c.op = t.Text
		p.next()
	case t.is("LIKE"), t.is("IN"), t.is("INCLUDES"), t.is("EXCLUDES"):
		c.op = strings.ToUpper(t.Text)
		p.next()
	case t.is("NOT") && p.peekN(1).is("IN"):
		c.op = "NOT IN"
		p.next()
		p.next()
	default:
		return nil, p.fail()
	}
	switch c.op {
	case "IN", "NOT IN", "INCLUDES", "EXCLUDES":
		if err := p.expectPunct("("); err != nil {
			return nil, err
		}
		if p.peek().is("SELECT") && (c.op == "IN" || c.op == "NOT IN") {
			sub, err := p.query(true)
			if err != nil {
				return nil, err
			}
			sub.child = false
			c.sub = sub
		} else {
			for {
				v, err := p.literal()
				if err != nil {
					return nil, err
				}
				c.values = append(c.values, v)
				if !p.punct(",") {
					break
				}
				p.next()
			}
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
	default:
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		c.values = []literal{v}
	}
	return c, nil
}

// dateLiterals are the relative date keywords. Those ending in ":" take a
// number. Source: SOQL "Date Formats and Date Literals".
var dateLiterals = map[string]bool{
	"YESTERDAY": true, "TODAY": true, "TOMORROW": true,
	"LAST_WEEK": true, "THIS_WEEK": true, "NEXT_WEEK": true,
	"LAST_MONTH": true, "THIS_MONTH": true, "NEXT_MONTH": true,
	"LAST_90_DAYS": true, "NEXT_90_DAYS": true,
	"THIS_YEAR": true, "LAST_YEAR": true, "NEXT_YEAR": true,
	"LAST_N_DAYS:": true, "NEXT_N_DAYS:": true, "N_DAYS_AGO:": true,
	"LAST_N_WEEKS:": true, "NEXT_N_WEEKS:": true, "N_WEEKS_AGO:": true,
	"LAST_N_MONTHS:": true, "NEXT_N_MONTHS:": true, "N_MONTHS_AGO:": true,
	"LAST_N_YEARS:": true, "NEXT_N_YEARS:": true, "N_YEARS_AGO:": true,
}

func (p *parser) literal() (literal, error) {
	t := p.peek()
	switch t.Kind {
	case tokString:
		p.next()
		return literal{kind: litString, raw: t.Raw, str: t.Text, pos: t.Pos}, nil
	case tokNumber:
		f, err := strconv.ParseFloat(t.Text, 64)
		if err != nil {
			return literal{}, p.fail()
		}
		p.next()
		return literal{kind: litNumber, raw: t.Raw, num: f, pos: t.Pos}, nil
	case tokDate:
		p.next()
		return literal{kind: litDate, raw: t.Raw, str: t.Text, pos: t.Pos}, nil
	case tokDateTime:
		p.next()
		return literal{kind: litDateTime, raw: t.Raw, str: t.Text, pos: t.Pos}, nil
	case tokIdent:
		up := strings.ToUpper(t.Text)
		switch {
		case up == "TRUE" || up == "FALSE":
			p.next()
			return literal{kind: litBool, raw: t.Raw, b: up == "TRUE", pos: t.Pos}, nil
		case up == "NULL":
			p.next()
			return literal{kind: litNull, raw: t.Raw, pos: t.Pos}, nil
		case dateLiterals[up]:
			p.next()
			return literal{kind: litDateLiteral, raw: t.Raw, str: up, pos: t.Pos}, nil
		case dateLiterals[up+":"]:
			p.next()
			if !p.punct(":") {
				return literal{}, p.fail()
			}
			p.next()
			nt := p.peek()
			if nt.Kind != tokNumber || strings.ContainsAny(nt.Text, ".-+") {
				return literal{}, p.fail()
			}
			n, err := strconv.Atoi(nt.Text)
			if err != nil {
				return literal{}, p.fail()
			}
			p.next()
			return literal{kind: litDateLiteral, raw: p.src[t.Pos:nt.End], str: up + ":", n: n, pos: t.Pos}, nil
		}
	}
	return literal{}, p.fail()
}
