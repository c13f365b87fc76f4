package soql

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Options control how rows are rendered.
type Options struct {
	// APIVersion such as "62.0" goes into each row's attributes.url.
	APIVersion string
	// Tooling is true on /tooling/query, whose urls use /tooling/sobjects/.
	Tooling bool
	// Now is the instant date literals (TODAY, LAST_N_DAYS:n) are relative
	// to, in UTC. The zero value means the current time.
	Now time.Time
}

// Result is a query's answer before paging.
type Result struct {
	// Object is the canonical name of the FROM sObject (for Tooling's
	// entityTypeName).
	Object string
	// TotalSize is the number of rows, or the count of a COUNT() query.
	TotalSize int
	// Rows are the records in order. COUNT() queries have none (a non-nil
	// empty slice, so that it marshals as []).
	Rows []Row
}

// RowField is one key of a row, in SELECT order.
type RowField struct {
	Name string
	// Value is nil, string, bool, float64, *Row (a parent relationship) or
	// *SubResult (a child subquery). A nil *Row or *SubResult marshals as null.
	Value any
}

// Row is one record of a query result. It marshals as Salesforce does:
// {"attributes":{"type":T,"url":U}, then the fields in SELECT order}.
// Source: fixtures/query-User-with-Profile-relationship-v59.json.
type Row struct {
	Type string
	// URL is empty for AggregateResult rows, whose attributes carry no url
	// (fixtures/query-aggregate-countId.json).
	URL    string
	Fields []RowField
}

// Get returns the value of the field called name (exact spelling).
func (r *Row) Get(name string) (any, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

func (r *Row) set(name string, v any) {
	for i := range r.Fields {
		if r.Fields[i].Name == name {
			r.Fields[i].Value = v
			return
		}
	}
	r.Fields = append(r.Fields, RowField{Name: name, Value: v})
}

// SubResult is a child subquery's records inside a parent row.
// Source: fixtures/query-subquery-Contact-Opportunities.json.
type SubResult struct {
	TotalSize int
	Done      bool
	Rows      []Row
}

// MarshalJSON writes {"totalSize":N,"done":D,"records":[...]}.
func (s *SubResult) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"totalSize":%d,"done":%t,"records":`, s.TotalSize, s.Done)
	if err := writeRows(&b, s.Rows); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeRows(b *bytes.Buffer, rows []Row) error {
	b.WriteByte('[')
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := rows[i].write(b); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

// MarshalJSON writes the row with attributes first and fields in order.
func (r Row) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := r.write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (r *Row) write(b *bytes.Buffer) error {
	b.WriteString(`{"attributes":{"type":`)
	writeString(b, r.Type)
	if r.URL != "" {
		b.WriteString(`,"url":`)
		writeString(b, r.URL)
	}
	b.WriteByte('}')
	for _, f := range r.Fields {
		b.WriteByte(',')
		writeString(b, f.Name)
		b.WriteByte(':')
		if err := writeValue(b, f.Value); err != nil {
			return fmt.Errorf("field %s: %w", f.Name, err)
		}
	}
	b.WriteByte('}')
	return nil
}

func writeValue(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("unsupported number %v", x)
		}
		out, err := json.Marshal(x)
		if err != nil {
			return err
		}
		b.Write(out)
	case int:
		b.WriteString(strconv.Itoa(x))
	case *Row:
		if x == nil {
			b.WriteString("null")
			return nil
		}
		return x.write(b)
	case *SubResult:
		if x == nil {
			b.WriteString("null")
			return nil
		}
		out, err := x.MarshalJSON()
		if err != nil {
			return err
		}
		b.Write(out)
	default:
		out, err := json.Marshal(x)
		if err != nil {
			return err
		}
		b.Write(out)
	}
	return nil
}

// writeString writes s as a JSON string without HTML escaping: Salesforce
// returns "<" and "&" as they are.
func writeString(b *bytes.Buffer, s string) {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			plain = false
			break
		}
	}
	if plain {
		b.WriteByte('"')
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	var tmp bytes.Buffer
	enc := json.NewEncoder(&tmp)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimRight(tmp.Bytes(), "\n"))
}
