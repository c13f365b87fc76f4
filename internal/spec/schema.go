package spec

import _ "embed"

//go:embed schema.json
var schemaJSON []byte

// JSONSchema returns the JSON Schema (draft 2020-12) of one spec document,
// for `sfprov schema` and editors. The parser is the authority; the schema is
// kept in step with it by a test that compares their key lists.
func JSONSchema() []byte { return append([]byte(nil), schemaJSON...) }
