package soql

import (
	"sort"
	"strings"
)

// aggregate evaluates an aggregate query (COUNT(Id), MAX(...), GROUP BY).
// Each group is one AggregateResult row whose attributes carry only the
// type; grouped fields are keyed by their field name and aggregates by
// alias or exprN. Source: fixtures/query-aggregate-countId.json; SOQL
// "GROUP BY" and "Aggregate Functions".
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
	if len(cq.orderBy) > 0 {
		// ORDER BY in an aggregate query names grouped fields.
		pos := map[string]int{}
		for i, g := range cq.groupBy {
			pos[g.key()] = i
		}
		sort.SliceStable(groups, func(a, b int) bool {
			for _, o := range cq.orderBy {
				i, ok := pos[o.ref.key()]
				if !ok {
					continue
				}
				if c := orderCompare(groups[a].keyVals[i], groups[b].keyVals[i], o); c != 0 {
					return c < 0
				}
			}
			return false
		})
	}
	groups = window(groups, cq.q)
	rows := make([]Row, 0, len(groups))
	for _, gr := range groups {
		row := Row{Type: "AggregateResult"}
		for _, it := range cq.items {
			if it.kind != outAgg {
				for i, g := range cq.groupBy {
					if g.key() == it.ref.key() {
						row.set(it.ref.field.Name, normalize(gr.keyVals[i]))
					}
				}
				continue
			}
			row.set(it.alias, x.aggValue(it, gr.recs))
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

func (x *executor) aggValue(it outItem, recs []Record) any {
	switch it.fn {
	case "COUNT":
		n := 0
		for _, r := range recs {
			if x.get(r, it.ref) != nil {
				n++
			}
		}
		return float64(n)
	case "COUNT_DISTINCT":
		seen := map[string]bool{}
		for _, r := range recs {
			if v := x.get(r, it.ref); v != nil {
				seen[groupKey(v, it.ref.kind)] = true
			}
		}
		return float64(len(seen))
	case "SUM", "AVG":
		sum, n := 0.0, 0
		for _, r := range recs {
			if f, ok := asFloat(x.get(r, it.ref)); ok {
				sum += f
				n++
			}
		}
		if n == 0 {
			return nil
		}
		if it.fn == "AVG" {
			return sum / float64(n)
		}
		return sum
	case "MIN", "MAX":
		var best any
		for _, r := range recs {
			v := x.get(r, it.ref)
			if v == nil {
				continue
			}
			if best == nil {
				best = v
				continue
			}
			c := compareValues(v, best, it.ref.kind)
			if (it.fn == "MIN" && c < 0) || (it.fn == "MAX" && c > 0) {
				best = v
			}
		}
		return normalize(best)
	}
	return nil
}
