package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// wordingKeys are the keys whose values Salesforce fixes (codes, messages,
// states): compared exactly, after Ids are put back as placeholders. Other
// values (Ids, dates, counts, names) are compared by type only.
var wordingKeys = map[string]bool{
	"errorCode": true, "statusCode": true, "message": true, "fields": true,
	"problem": true, "problemType": true, "status": true, "Status": true, "state": true,
	"success": true, "done": true, "error": true, "error_description": true,
}

// binding maps a recording's Id placeholders to the Ids the replayed org
// gave for the same records, and back.
type binding struct {
	real map[string]string // placeholder (15) → Id (18 when seen so, else 15)
	back map[string]string // Id (15) → placeholder (15)
}

func newBinding() *binding { return &binding{real: map[string]string{}, back: map[string]string{}} }

func (b *binding) bind(placeholder, id string) {
	if len(placeholder) < 15 || len(id) < 15 {
		return
	}
	p, i := placeholder[:15], id[:15]
	if known, ok := b.real[p]; ok {
		if len(id) > len(known) && known == i {
			b.real[p] = id // the 18-character form, with its checksum
		}
		return
	}
	if _, ok := b.back[i]; ok {
		return
	}
	b.real[p], b.back[i] = id, p
}

// toReal puts the replayed org's Ids in place of bound placeholders (in a
// request about to be sent).
func (b *binding) toReal(s string) string {
	return placeholderPattern.ReplaceAllStringFunc(s, func(p string) string {
		id, ok := b.real[p[:15]]
		switch {
		case !ok:
			return p
		case len(p) == 15 || len(id) == 18:
			return id[:len(p)]
		}
		return p // an 18-character Id whose checksum is not known yet
	})
}

// toPlaceholder puts bound placeholders in place of the replayed org's Ids
// (in an answer about to be compared).
func (b *binding) toPlaceholder(s string) string {
	return idPattern.ReplaceAllStringFunc(s, func(id string) string {
		p, ok := b.back[id[:15]]
		if !ok {
			return id
		}
		if len(id) == 18 {
			return p + "AAA"
		}
		return p
	})
}

// learn binds every placeholder of the recorded answer to the Id at the same
// place in the replayed one.
func (b *binding) learn(want, got any) {
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		for k, v := range w {
			b.learn(v, g[k])
		}
	case []any:
		g, _ := got.([]any)
		for i := range w {
			if i < len(g) {
				b.learn(w[i], g[i])
			}
		}
	case string:
		g, ok := got.(string)
		if !ok {
			return
		}
		ws, gs := placeholderPattern.FindAllString(w, -1), idPattern.FindAllString(g, -1)
		if len(ws) == len(gs) {
			for i := range ws {
				b.bind(ws[i], gs[i])
			}
		}
	}
}

// compareAnswer lists how the replayed answer (status, body) differs from
// the recorded one: the status, the keys and JSON types (a null on either
// side matches any type), and the wording of wordingKeys.
func compareAnswer(want Exchange, status int, body []byte, b *binding) []string {
	var diffs []string
	if want.Status != status {
		diffs = append(diffs, fmt.Sprintf("status: recorded %d, replayed %d: %.300s", want.Status, status, b.toPlaceholder(string(bytes.TrimSpace(body)))))
	}
	var w, g any
	wErr, gErr := json.Unmarshal(want.Body, &w), json.Unmarshal(body, &g)
	switch {
	case len(bytes.TrimSpace(want.Body)) == 0 && len(bytes.TrimSpace(body)) == 0:
		return diffs
	case wErr != nil || gErr != nil:
		if (wErr == nil) != (gErr == nil) {
			diffs = append(diffs, fmt.Sprintf("body: recorded %s, replayed %s", kindOf(wErr), kindOf(gErr)))
		}
		return diffs // not JSON (SOAP, HTML): the status alone is compared
	}
	b.learn(w, g)
	return append(diffs, shapeDiffs("$", "", w, g, b)...)
}

func kindOf(err error) string {
	if err == nil {
		return "JSON"
	}
	return "not JSON"
}

// shapeDiffs compares recorded want with replayed got at path; key is the
// object key the values are under. Arrays compare element by element when
// they are as long, else each replayed element with the first recorded one.
func shapeDiffs(path, key string, want, got any, b *binding) []string {
	if wordingKeys[key] {
		if ws, gs := wording(want, b), wording(got, b); ws != gs && want != nil && got != nil {
			return []string{fmt.Sprintf("%s: recorded %s, replayed %s", path, ws, gs)}
		}
	}
	if want == nil || got == nil {
		return nil
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: recorded an object, replayed %s", path, jsonType(got))}
		}
		var diffs []string
		for _, k := range sortedKeys(w) {
			if _, ok := g[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: key %q recorded, missing in the replay", path, k))
				continue
			}
			diffs = append(diffs, shapeDiffs(path+"."+k, k, w[k], g[k], b)...)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s: key %q in the replay, not recorded", path, k))
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: recorded an array, replayed %s", path, jsonType(got))}
		}
		if len(w) == 0 {
			return nil
		}
		if len(g) == 0 {
			return []string{fmt.Sprintf("%s: recorded %d elements, replayed none", path, len(w))}
		}
		var diffs []string
		for i, e := range g {
			we := w[0]
			if len(w) == len(g) {
				we = w[i]
			}
			diffs = append(diffs, shapeDiffs(fmt.Sprintf("%s[%d]", path, i), key, we, e, b)...)
			if len(diffs) > 10 {
				break
			}
		}
		return diffs
	}
	if reflect.TypeOf(want) != reflect.TypeOf(got) {
		return []string{fmt.Sprintf("%s: recorded %s, replayed %s", path, jsonType(want), jsonType(got))}
	}
	return nil
}

// wording is a value as compared: JSON text with the replayed org's Ids put
// back as placeholders.
func wording(v any, b *binding) string {
	j, _ := json.Marshal(v)
	return b.toPlaceholder(string(j))
}

func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Difference is one replayed answer that differs from its recording.
type Difference struct {
	Exchange Exchange
	Diffs    []string
}

func (d Difference) String() string {
	file := d.Exchange.File
	if file == "" {
		file = "no body"
	}
	return fmt.Sprintf("exchange %d, %s (%s):\n    %s", d.Exchange.Seq, d.Exchange.Target(), file, strings.Join(d.Diffs, "\n    "))
}
