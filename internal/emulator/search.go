package emulator

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// SOSL search: GET /search?q=FIND {term} [IN scope FIELDS] [RETURNING
// Object[(fields [WHERE ...] [ORDER BY ...] [LIMIT n])], ...] [LIMIT n]
// (REST API guide "Search", SOQL and SOSL Reference "SOSL Syntax"; jsforce
// conn.search and `sf data search`). The answer is {"searchRecords":[...]},
// each record with attributes and the fields asked for (Id alone without a
// field list). The search index is simulated: a record matches when every
// word of the term begins a word of one of the scope's fields,
// case-insensitively (sf's real-org test plugin-data search.nut.ts finds
// "SampleAccount2" and the Contact "Sample Woods" with FIND {Sample}, and
// expects exactly the keys attributes, Name, Phone for RETURNING
// Account(Name,Phone)); Salesforce's stemming and relevance order are not
// reproduced (records come in insertion order).

// soslPattern splits a search into its clauses.
var soslPattern = regexp.MustCompile(`(?is)^\s*FIND\s*\{(.*?)\}\s*(?:IN\s+(ALL|NAME|EMAIL|PHONE)\s+FIELDS)?\s*(?:RETURNING\s+(.*?))?\s*(?:LIMIT\s+(\d+))?\s*$`)

// soslObject matches one RETURNING entry: Object or Object(fields ...).
var soslObject = regexp.MustCompile(`(?is)\s*([A-Za-z0-9_]+)\s*(?:\(([^()]*)\))?\s*(?:,|$)`)

func (o *Org) serveSearch(c *reqCtx) *apiError {
	if c.r.Method != http.MethodGet && c.r.Method != http.MethodHead {
		return errMethod(c.r.Method)
	}
	q := c.r.URL.Query().Get("q")
	m := soslPattern.FindStringSubmatch(q)
	if m == nil {
		// The wording a live org gives a search without its braces (sf's
		// real-org test search.nut.ts: FIND 'Jones' IN ALL FIELDS; the
		// status and the wording for other malformed searches are UNCONFIRMED).
		return errMsg(http.StatusBadRequest, "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.")
	}
	words := searchWords(m[1])
	if len(words) == 0 {
		return errMsg(http.StatusBadRequest, "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.")
	}
	scope := strings.ToUpper(m[2])
	if scope == "" {
		scope = "ALL"
	}
	limit := 2000 // SOSL's default and maximum row count (SOSL "LIMIT")
	if m[4] != "" {
		if n, err := strconv.Atoi(m[4]); err == nil && n < limit {
			limit = n
		}
	}
	type target struct {
		obj  *schema.Object
		spec string // "fields [WHERE ...] [ORDER BY ...] [LIMIT n]", "" for Id only
	}
	var targets []target
	view := o.view(c)
	if ret := strings.TrimSpace(m[3]); ret != "" {
		for _, e := range soslObject.FindAllStringSubmatch(ret, -1) {
			obj, ok := view.Lookup(e[1])
			if !ok || !obj.Queryable {
				return errMsg(http.StatusBadRequest, "INVALID_TYPE", "sObject type '"+e[1]+"' is not supported.")
			}
			targets = append(targets, target{obj, strings.TrimSpace(e[2])})
		}
	} else {
		for _, obj := range o.cat.Objects() {
			if got, ok := view.Lookup(obj.Name); ok && got.Data && !got.Setup && got.Queryable && got.Searchable() {
				targets = append(targets, target{got, ""})
			}
		}
	}
	out := []soql.Row{}
	for _, t := range targets {
		if len(out) >= limit {
			break
		}
		var ids []string
		for _, r := range o.st.All(t.obj.Name) {
			if recordMatches(t.obj, r, scope, words) {
				ids = append(ids, "'"+str(r, "Id")+"'")
			}
		}
		if len(ids) == 0 {
			continue
		}
		fields, rest := "Id", ""
		if t.spec != "" {
			fields, rest = splitSpec(t.spec)
		}
		where := "Id IN (" + strings.Join(ids, ", ") + ")"
		if w, tail, ok := cutKeyword(rest, "WHERE"); ok {
			where += " AND (" + w + ")"
			rest = tail
		}
		parsed, err := soql.Parse("SELECT " + fields + " FROM " + t.obj.Name + " WHERE " + where + " " + rest)
		if err != nil {
			return soqlError(err)
		}
		res, err := soql.Execute(parsed, view, o.st, soql.Options{APIVersion: c.ver, Tooling: c.tooling, Now: o.now().UTC()})
		if err != nil {
			return soqlError(err)
		}
		for _, row := range res.Rows {
			if len(out) < limit {
				out = append(out, row)
			}
		}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"searchRecords": out})
	return nil
}

// searchWords splits a search term into lower-case words (quotes and the
// boolean operators AND/OR are dropped: every word must match).
func searchWords(term string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(term), func(r rune) bool {
		return r == ' ' || r == '"' || r == '\'' || r == '\t'
	}) {
		if w == "and" || w == "or" {
			continue
		}
		out = append(out, w)
	}
	return out
}

// recordMatches reports whether every word matches a word of the scope's fields.
func recordMatches(obj *schema.Object, r soql.Record, scope string, words []string) bool {
	var text []string
	for _, f := range obj.Fields {
		var in bool
		switch scope {
		case "NAME":
			in = f.Name == "Name" || f.Name == "FirstName" || f.Name == "LastName" || f.Fact("nameField") == true
		case "EMAIL":
			in = f.Type == "email"
		case "PHONE":
			in = f.Type == "phone"
		default:
			switch f.Type {
			case "string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox":
				in = true
			}
		}
		if s, ok := r[f.Name].(string); ok && in && s != "" {
			text = append(text, strings.FieldsFunc(strings.ToLower(s), func(c rune) bool {
				return !(c == '@' || c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c > 127)
			})...)
		}
	}
	for _, w := range words {
		found := false
		w = strings.TrimSuffix(w, "*")
		for _, t := range text {
			if strings.HasPrefix(t, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// splitSpec splits "A, B WHERE ... LIMIT n" into the field list and the rest.
func splitSpec(spec string) (fields, rest string) {
	up := strings.ToUpper(spec)
	cut := len(spec)
	for _, kw := range []string{" WHERE ", " ORDER BY ", " LIMIT ", " OFFSET "} {
		if i := strings.Index(up+" ", kw); i >= 0 && i < cut {
			cut = i
		}
	}
	return strings.TrimSpace(spec[:cut]), strings.TrimSpace(spec[cut:])
}

// cutKeyword takes a leading "WHERE cond" off rest, up to ORDER BY/LIMIT/OFFSET.
func cutKeyword(rest, kw string) (cond, tail string, ok bool) {
	up := strings.ToUpper(rest)
	if !strings.HasPrefix(up, kw+" ") {
		return "", rest, false
	}
	body := rest[len(kw)+1:]
	upBody := up[len(kw)+1:]
	cut := len(body)
	for _, k := range []string{" ORDER BY ", " LIMIT ", " OFFSET "} {
		if i := strings.Index(upBody+" ", k); i >= 0 && i < cut {
			cut = i
		}
	}
	return strings.TrimSpace(body[:cut]), strings.TrimSpace(body[cut:]), true
}
