package spec

import (
	"fmt"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// RecordSet is configuration data upserted by key: inline Values or a CSV file.
type RecordSet struct {
	Object string
	Key    []string
	Values map[string]Value // one record
	CSV    string           // path resolved against the spec file
	If     *Condition
	Pos    Pos

	// csvRows are the CSV file's rows, read when the spec is loaded (after
	// checkCSV found the file sound), so that planning reads the file the
	// spec was validated with and no file I/O waits for the org.
	csvRows []map[string]Value
}

var recordKeys = []string{"object", "key", "values", "csv", "if"}

func (p *parser) decodeRecord(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "record", recordKeys)
	if !ok {
		return
	}
	rec := RecordSet{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, rec.If) }()
	obj, objNode := p.requiredStr(f, fs, "object", "record")
	if obj != "" {
		rec.Object = p.objectName(f, objNode, obj)
	}
	if kn := p.required(f, fs, "key", "record"); kn != nil {
		if kn.Kind == yaml.ScalarNode {
			if s, ok := p.str(f, kn, "key"); ok {
				rec.Key = []string{s}
			}
		} else {
			rec.Key = p.stringList(f, kn, "key")
			if len(rec.Key) == 0 && kn.Kind == yaml.SequenceNode {
				p.errAt(f, kn, "record: \"key\" needs at least one field")
			}
		}
	}
	hasValues, hasCSV := !isNull(fs.get("values")), !isNull(fs.get("csv"))
	switch {
	case hasValues && hasCSV:
		p.errAt(f, fs.key("csv"), "record: give either \"values\" or \"csv\", not both")
	case !hasValues && !hasCSV:
		p.errAt(f, fs.node, "record: missing \"values\" or \"csv\"")
	}
	var identity []string
	if hasValues {
		vn := fs.get("values")
		if vn.Kind != yaml.MappingNode {
			p.errAt(f, vn, "values: expected a mapping of field: value, got %s", kindName(vn))
		} else {
			rec.Values = map[string]Value{}
			lines := map[string]int{}
			for i := 0; i+1 < len(vn.Content); i += 2 {
				k, v := vn.Content[i], resolve(vn.Content[i+1])
				if k.Kind != yaml.ScalarNode || k.Value == "" {
					p.errAt(f, k, "expected a field name, got %s", kindName(k))
					continue
				}
				if line, dup := lines[strings.ToLower(k.Value)]; dup {
					p.errAt(f, k, "field %q is given twice; first at line %d", k.Value, line)
					continue
				}
				lines[strings.ToLower(k.Value)] = k.Line
				if isNull(v) {
					rec.Values[k.Value] = Value{Pos: f.pos(v)}
					continue
				}
				if val, ok := p.value(f, v, k.Value); ok {
					rec.Values[k.Value] = val
				}
			}
			for _, key := range rec.Key {
				val, ok := lookupFold(rec.Values, key)
				if !ok {
					if _, wrote := lines[strings.ToLower(key)]; !wrote {
						p.errAt(f, vn, "record: key field %q is missing from values", key)
					}
					continue
				}
				identity = append(identity, key+"="+val.Value)
			}
		}
	}
	if hasCSV {
		if s, ok := p.str(f, fs.get("csv"), "csv"); ok {
			rec.CSV = p.existingFile(f, fs.get("csv"), "csv", s)
			before := len(p.diags)
			p.checkCSV(f, fs.get("csv"), s, rec.CSV, rec.Key)
			if len(p.diags) == before && rec.CSV != "" {
				if rows, err := rec.readCSV(); err == nil {
					rec.csvRows = rows
				}
			}
			identity = []string{"csv=" + rec.CSV}
		}
	}
	if rec.Object != "" && len(identity) == len(rec.Key) || rec.CSV != "" {
		shown := fmt.Sprintf("%s %s", rec.Object, recordShown(rec))
		if !p.define("record", strings.ToLower(rec.Object)+"\x00"+strings.Join(identity, "\x00"), shown, rec.Pos) {
			return
		}
	}
	p.spec.Records = append(p.spec.Records, rec)
}

func recordShown(rec RecordSet) string {
	if rec.CSV != "" {
		return "from " + filepath.Base(rec.CSV)
	}
	parts := make([]string, 0, len(rec.Key))
	for _, k := range rec.Key {
		v, _ := lookupFold(rec.Values, k)
		parts = append(parts, k+"="+quoteValue(v))
	}
	return "with " + strings.Join(parts, ", ")
}

func lookupFold(m map[string]Value, k string) (Value, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v, true
		}
	}
	return Value{}, false
}
