package emulator

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
)

// XML answers. The REST API serves every resource as JSON by default and as
// XML when the client sends Accept: application/xml or appends ".xml" to
// the URI (REST API guide, "Resources and formats"; sf's own help example
// `sf api request rest '/services/data/v56.0/limits' --header 'Accept:
// application/xml'`). The emulator writes JSON and converts it: object keys
// become elements in order, arrays repeat their element, a record's
// "attributes" become XML attributes (type, url), null is xsi:nil. The
// root element names (LimitsSnapshot, QueryResult, the record's type,
// Errors/Error, else Result) are the emulator's reading (UNCONFIRMED), as is
// the exact layout.

// wantsXML reports whether the request asks for XML, and strips a ".xml"
// suffix from the path it returns.
func wantsXML(r *http.Request, path string) (bool, string) {
	if p, ok := strings.CutSuffix(path, ".xml"); ok {
		return true, p
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/xml") && !strings.Contains(accept, "application/json"), path
}

// xmlResponse buffers a JSON answer for conversion.
type xmlResponse struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (x *xmlResponse) WriteHeader(status int) { x.status = status }
func (x *xmlResponse) Write(b []byte) (int, error) {
	if x.status == 0 {
		x.status = http.StatusOK
	}
	return x.buf.Write(b)
}

// finish converts the buffered JSON and writes it with root as the root
// element's name (for objects without a record type).
func (x *xmlResponse) finish(root string) {
	w := x.ResponseWriter
	if x.status == 0 {
		x.status = http.StatusOK
	}
	body := bytes.TrimSpace(x.buf.Bytes())
	if len(body) == 0 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		w.WriteHeader(x.status)
		_, _ = w.Write(x.buf.Bytes())
		return
	}
	out, err := jsonToXML(body, root)
	if err != nil {
		w.WriteHeader(x.status)
		_, _ = w.Write(x.buf.Bytes())
		return
	}
	w.Header().Set("Content-Type", "application/xml;charset=UTF-8")
	w.WriteHeader(x.status)
	_, _ = w.Write(out)
}

// xmlRoot names the root element of a resource's XML answer.
func xmlRoot(rest string) string {
	parts := splitPath(rest)
	if len(parts) > 1 && parts[1] == "tooling" {
		parts = append(parts[:1], parts[2:]...)
	}
	if len(parts) > 1 {
		switch parts[1] {
		case "limits":
			return "LimitsSnapshot"
		case "query", "queryAll":
			return "QueryResult"
		}
	}
	return "Result"
}

func jsonToXML(body []byte, root string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	switch x := v.(type) {
	case []any:
		if isErrorList(x) {
			root = "Errors"
		}
		b.WriteString("<" + root + ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
		item := "item"
		if root == "Errors" {
			item = "Error"
		}
		for _, e := range x {
			writeXML(&b, item, e)
		}
		b.WriteString("</" + root + ">")
	case orderedObj:
		if t := x.attr("type"); t != "" {
			root = t
		}
		writeElement(&b, root, x, ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`)
	default:
		writeXML(&b, root, v)
	}
	return b.Bytes(), nil
}

// orderedObj is a JSON object with its keys in order.
type orderedObj []struct {
	k string
	v any
}

func (o orderedObj) attr(name string) string {
	for _, kv := range o {
		if kv.k == "attributes" {
			if a, ok := kv.v.(orderedObj); ok {
				for _, x := range a {
					if x.k == name {
						s, _ := x.v.(string)
						return s
					}
				}
			}
		}
	}
	return ""
}

func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch d := tok.(type) {
	case json.Delim:
		switch d {
		case '{':
			var o orderedObj
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, struct {
					k string
					v any
				}{k, v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
	}
	return tok, nil
}

func isErrorList(a []any) bool {
	if len(a) == 0 {
		return false
	}
	o, ok := a[0].(orderedObj)
	if !ok {
		return false
	}
	for _, kv := range o {
		if kv.k == "errorCode" {
			return true
		}
	}
	return false
}

func writeXML(b *bytes.Buffer, name string, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("<" + name + ` xsi:nil="true"/>`)
	case orderedObj:
		writeElement(b, name, x, "")
	case []any:
		for _, e := range x {
			writeXML(b, name, e)
		}
	default:
		b.WriteString("<" + name + ">")
		s := ""
		switch y := x.(type) {
		case string:
			s = y
		case json.Number:
			s = y.String()
		case bool:
			if y {
				s = "true"
			} else {
				s = "false"
			}
		}
		_ = xml.EscapeText(b, []byte(s))
		b.WriteString("</" + name + ">")
	}
}

// writeElement writes an object; its "attributes" (type, url) become XML
// attributes, as records carry them.
func writeElement(b *bytes.Buffer, name string, o orderedObj, extra string) {
	b.WriteString("<" + name + extra)
	for _, kv := range o {
		if kv.k != "attributes" {
			continue
		}
		if a, ok := kv.v.(orderedObj); ok {
			for _, x := range a {
				if s, ok := x.v.(string); ok {
					b.WriteString(" " + x.k + `="`)
					_ = xml.EscapeText(b, []byte(s))
					b.WriteString(`"`)
				}
			}
		}
	}
	b.WriteString(">")
	for _, kv := range o {
		if kv.k == "attributes" {
			continue
		}
		writeXML(b, xmlName(kv.k), kv.v)
	}
	b.WriteString("</" + name + ">")
}

// xmlName keeps a key usable as an element name.
func xmlName(k string) string {
	if k == "" {
		return "_"
	}
	var sb strings.Builder
	for i, r := range k {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '.')
		if ok {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('_')
		}
	}
	return sb.String()
}

var _ io.Writer = (*xmlResponse)(nil)
