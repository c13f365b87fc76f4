package spec

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// This file holds the offline checks of names: API names, sObject names.

var (
	// A username or e-mail address: something@domain.tld. Salesforce checks
	// more, but this catches the usual mistakes (a bare name, a missing domain).
	emailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s.]+$`)

	//go:embed standard_objects.txt
	standardObjectsText string
	standardObjects     = parseStandardObjects(standardObjectsText)
)

func parseStandardObjects(text string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = line
	}
	return m
}

// StandardObjects returns the embedded standard sObject names, sorted.
func StandardObjects() []string {
	out := make([]string, 0, len(standardObjects))
	for _, v := range standardObjects {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// objectName checks an sObject API name offline and returns it in its
// canonical spelling. Names with "__" (custom objects, namespaced objects)
// cannot be checked without the org and pass as written.
func (p *parser) objectName(f *file, n *yaml.Node, s string) string {
	if strings.Contains(s, "__") {
		return s
	}
	if c, ok := standardObjects[strings.ToLower(s)]; ok {
		return c
	}
	p.errAt(f, n, "unknown object %q%s (custom objects end in __c)", s, didYouMean(s, StandardObjects()))
	return s
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// checkAPIName applies Salesforce's developer-name rules. Source: PermissionSet
// object reference, Name field: "can contain only underscores and alphanumeric
// characters ... must begin with a letter, not include spaces, not end with an
// underscore, and not contain two consecutive underscores"; limit 80. A single
// `ns__` prefix is how managed components are named.
func (p *parser) checkAPIName(f *file, n *yaml.Node, what string, v Value) bool {
	s := v.Value
	fail := func(reason string, hint string) bool {
		if v.Secret {
			hint = "" // a hint derived from a secret would leak it
		}
		p.errAt(f, n, "invalid %s %s: %s%s", what, quoteValue(v), reason, hint)
		return false
	}
	if l := len([]rune(s)); l > 80 {
		return fail(fmt.Sprintf("it is %d characters long; the limit is 80", l), "")
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			return fail("use only letters, digits and underscores", didYouMeanName(s))
		}
	}
	body := s
	if ns, rest, found := strings.Cut(s, "__"); found {
		if !namespaceRE.MatchString(ns) || strings.Contains(ns, "_") || rest == "" {
			return fail("two consecutive underscores are only allowed after a namespace prefix (ns__Name)", "")
		}
		body = rest
	}
	switch {
	case body == "" || !unicode.IsLetter(rune(body[0])):
		return fail("it must start with a letter", "")
	case strings.HasSuffix(body, "_"):
		return fail("it must not end with an underscore", didYouMeanName(s))
	case strings.Contains(body, "__"):
		return fail("it must not contain two consecutive underscores", didYouMeanName(s))
	}
	return true
}

// didYouMeanName proposes the API name Setup would derive from a label.
func didYouMeanName(s string) string {
	var b strings.Builder
	lastUnderscore := true
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore {
			b.WriteByte('_')
			lastUnderscore = true
		}
	}
	out := strings.TrimRight(b.String(), "_")
	if out == "" || out == s || !unicode.IsLetter(rune(out[0])) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", out)
}
