package soql

import (
	"strings"
)

// aggSpec is one aggregate a query computes per group, for its SELECT
// list, its HAVING clause or its ORDER BY.
type aggSpec struct {
	fn  string
	ref *fieldRef
	key string
}

// addAgg registers fn over ref and returns the key its value is kept under
// in a group record.
func (cq *compiled) addAgg(fn string, ref *fieldRef) string {
	key := "a:" + fn + "(" + ref.key() + ")"
	for _, a := range cq.aggs {
		if a.key == key {
			return key
		}
	}
	cq.aggs = append(cq.aggs, aggSpec{fn: fn, ref: ref, key: key})
	return key
}

// aggRef is a reference to an aggregate's value in a group record, typed so
// that HAVING and ORDER BY compare it correctly.
func aggRef(fn string, ref *fieldRef, key string) *fieldRef {
	t := ref.field.Type
	switch fn {
	case "COUNT", "COUNT_DISTINCT":
		t = "int"
	case "SUM", "AVG":
		t = "double"
	}
	return &fieldRef{field: Field{Name: key, Type: t, Filterable: true, Sortable: true}, kind: kindOf(t), pos: ref.pos}
}

// groupRef is a reference to a grouped field's value in a group record.
func groupRef(ref *fieldRef) *fieldRef {
	f := ref.field
	f.Name = "g:" + ref.key()
	return &fieldRef{field: f, kind: ref.kind, pos: ref.pos}
}

// aggregate evaluates an aggregate query (COUNT(Id), MAX(...), GROUP BY,
// HAVING). Each group becomes a group record holding its grouped values and
// aggregates; HAVING filters and ORDER BY sorts those records. Each group is
// one AggregateResult row whose attributes carry only the type; grouped
// fields are keyed by their field name and aggregates by alias or exprN.
// Source: fixtures/query-aggregate-countId.json; SOQL "GROUP BY", "HAVING"
// and "Aggregate Functions".
func (x *executor) aggregate(cq *compiled, recs []Record) ([]Row, error) {
	type group struct {
		keyVals []any
		recs    []Record
	}
	var groups []*group
	index := map[string]*group{}
	for _, r := range recs {
		vals := make([]any, len(cq.groupBy))
		var kb strings.Builder
		for i, g := range cq.groupBy {
			v := x.get(r, g)
			vals[i] = v
			kb.WriteString(groupKey(v, g.kind))
			kb.WriteByte(0)
		}
		k := kb.String()
		gr, ok := index[k]
		if !ok {
			gr = &group{keyVals: vals}
			index[k] = gr
			groups = append(groups, gr)
		}
		gr.recs = append(gr.recs, r)
	}
	// Without GROUP BY there is exactly one row, even over no records.
	if len(cq.groupBy) == 0 && len(groups) == 0 {
		groups = append(groups, &group{})
	}
	grecs := make([]Record, 0, len(groups))
	for _, gr := range groups {
		grec := Record{}
		for i, g := range cq.groupBy {
			grec["g:"+g.key()] = gr.keyVals[i]
		}
		for _, a := range cq.aggs {
			grec[a.key] = x.aggValue(a.fn, a.ref, gr.recs)
		}
		if cq.having != nil {
			ok, err := cq.having.eval(x, grec)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		grecs = append(grecs, grec)
	}
	x.sortRecords(cq, grecs)
	grecs = window(grecs, cq.q)
	rows := make([]Row, 0, len(grecs))
	for _, grec := range grecs {
		row := Row{Type: "AggregateResult"}
		for _, it := range cq.items {
			if it.kind == outAgg {
				row.set(it.alias, grec[it.aggKey])
				continue
			}
			name := it.ref.field.Name
			if it.ref.dateFn != "" {
				name = it.alias
			}
			row.set(name, normalize(grec["g:"+it.ref.key()]))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func groupKey(v any, k fkind) string {
	if v == nil {
		return "\x01null"
	}
	switch k {
	case kID:
		s, _ := v.(string)
		return id15(s)
	case kString:
		return strings.ToLower(asString(v))
	}
	return asString(v)
}

func (x *executor) aggValue(fn string, ref *fieldRef, recs []Record) any {
	switch fn {
	case "COUNT":
		n := 0
		for _, r := range recs {
			if x.get(r, ref) != nil {
				n++
			}
		}
		return float64(n)
	case "COUNT_DISTINCT":
		seen := map[string]bool{}
		for _, r := range recs {
			if v := x.get(r, ref); v != nil {
				seen[groupKey(v, ref.kind)] = true
			}
		}
		return float64(len(seen))
	case "SUM", "AVG":
		sum, n := 0.0, 0
		for _, r := range recs {
			if f, ok := asFloat(x.get(r, ref)); ok {
				sum += f
				n++
			}
		}
		if n == 0 {
			return nil
		}
		if fn == "AVG" {
			return sum / float64(n)
		}
		return sum
	case "MIN", "MAX":
		var best any
		for _, r := range recs {
			v := x.get(r, ref)
			if v == nil {
				continue
			}
			if best == nil {
				best = v
				continue
			}
			c := compareValues(v, best, ref.kind)
			if (fn == "MIN" && c < 0) || (fn == "MAX" && c > 0) {
				best = v
			}
		}
		return normalize(best)
	}
	return nil
}
