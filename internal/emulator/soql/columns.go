package soql

import (
	"strings"
	"time"
)

// Column is one entry of the columnMetadata array that
// GET /query?q=...&columns=true returns. Its JSON keys are Salesforce's, in
// Salesforce's (alphabetical) order. Source: salesforcecli/plugin-data
// test/test-files/queryFields.exemplars.ts (recorded columnMetadata for plain
// fields, a parent relationship, a child subquery and an aggregate);
// real-clients.md §3.4 (sf data query needs the array).
type Column struct {
	Aggregate   bool     `json:"aggregate"`
	ApexType    *string  `json:"apexType"`
	BooleanType bool     `json:"booleanType"`
	ColumnName  string   `json:"columnName"`
	Custom      bool     `json:"custom"`
	DisplayName string   `json:"displayName"`
	ForeignKey  *string  `json:"foreignKeyName"`
	Insertable  bool     `json:"insertable"`
	JoinColumns []Column `json:"joinColumns"`
	NumberType  bool     `json:"numberType"`
	TextType    bool     `json:"textType"`
	Updatable   bool     `json:"updatable"`
}

// Columns describes the columns of q's result. A COUNT() query has none.
func Columns(q *Query, s Schema) ([]Column, error) {
	c := &compiler{s: s, src: q.src, rels: map[string]map[string]Field{}, now: time.Now().UTC()}
	cq, err := c.compileTop(q)
	if err != nil {
		return nil, err
	}
	return columnsOf(cq), nil
}

func columnsOf(cq *compiled) []Column {
	cols := []Column{}
	for _, it := range cq.items {
		switch it.kind {
		case outField:
			if it.ref.dateFn != "" {
				// A date function's column is named like an aggregate's
				// (alias or exprN) and holds a number, or a date for DAY_ONLY.
				col := Column{Aggregate: true, ColumnName: it.alias, DisplayName: it.text, JoinColumns: []Column{}}
				col.NumberType = it.ref.dateFn != "DAY_ONLY"
				col.TextType = !col.NumberType
				cols = append(cols, col)
				continue
			}
			if cq.aggregate {
				cols = append(cols, fieldColumn(it.ref.field))
				continue
			}
			cols = addPathColumn(cols, it.ref.hops, it.ref.field)
		case outAgg:
			col := Column{Aggregate: true, ColumnName: it.alias, DisplayName: it.text, JoinColumns: []Column{}}
			switch it.fn {
			case "COUNT", "COUNT_DISTINCT", "SUM", "AVG":
				col.NumberType = true
			default:
				f := fieldColumn(it.ref.field)
				col.NumberType, col.TextType, col.BooleanType = f.NumberType, f.TextType, f.BooleanType
			}
			cols = append(cols, col)
		case outSub:
			name := it.childRel.RelationshipName
			cols = append(cols, Column{Aggregate: true, ColumnName: name, DisplayName: name, JoinColumns: columnsOf(it.sub)})
		case outTypeof:
			name := it.typeofRef.RelationshipName
			fk := it.typeofRef.Name
			cols = append(cols, Column{ColumnName: name, DisplayName: name, ForeignKey: &fk, JoinColumns: []Column{}})
		}
	}
	return cols
}

// addPathColumn adds a field reached through hops, merging paths that share
// a relationship into one column with joinColumns.
func addPathColumn(cols []Column, hops []Field, f Field) []Column {
	if len(hops) == 0 {
		return append(cols, fieldColumn(f))
	}
	h := hops[0]
	for i := range cols {
		if cols[i].ColumnName == h.RelationshipName && cols[i].ForeignKey != nil && !cols[i].Aggregate {
			cols[i].JoinColumns = addPathColumn(cols[i].JoinColumns, hops[1:], f)
			return cols
		}
	}
	fk := h.Name
	col := Column{ColumnName: h.RelationshipName, DisplayName: h.RelationshipName, ForeignKey: &fk}
	col.JoinColumns = addPathColumn([]Column{}, hops[1:], f)
	return append(cols, col)
}

func fieldColumn(f Field) Column {
	at := apexType(f.Type)
	return Column{
		ApexType:    &at,
		BooleanType: at == "Boolean",
		ColumnName:  f.Name,
		Custom:      strings.HasSuffix(strings.ToLower(f.Name), "__c"),
		DisplayName: f.Name,
		Insertable:  f.Createable,
		JoinColumns: []Column{},
		NumberType:  at == "Integer" || at == "Double" || at == "Decimal" || at == "Long",
		TextType:    at == "String",
		Updatable:   f.Updateable,
	}
}

// apexType maps a describe type to the Apex type columnMetadata reports:
// "Id" for id and reference fields (CampaignId in the exemplar), "String"
// for text-like fields.
func apexType(t string) string {
	switch strings.ToLower(t) {
	case "id", "reference":
		return "Id"
	case "boolean":
		return "Boolean"
	case "int":
		return "Integer"
	case "long":
		return "Long"
	case "double", "percent":
		return "Double"
	case "currency":
		return "Decimal"
	case "date":
		return "Date"
	case "datetime":
		return "Datetime"
	case "time":
		return "Time"
	case "base64":
		return "Blob"
	case "address":
		return "Address"
	case "location":
		return "Location"
	}
	return "String"
}
