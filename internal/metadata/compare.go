package metadata

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Unread lists what a deployed file says that the org's copy of the
// component does not: each leaf element of want ("label = Order Sync",
// "recordTypeVisibilities/recordType = Account.Partner") missing from got,
// in want's order. Elements named in skip (by their own name) are not
// compared: values the org keeps in its own form or never returns. It is how
// a write is read back: a deploy can report Succeeded and keep an old value
// (integration-metadata-facts.md §3.2 trap 4).
func Unread(want, got []byte, skip ...string) ([]string, error) {
	w, err := leaves(want)
	if err != nil {
		return nil, fmt.Errorf("the deployed file: %w", err)
	}
	g, err := leaves(got)
	if err != nil {
		return nil, fmt.Errorf("the org's copy: %w", err)
	}
	have := map[string]int{}
	for _, l := range g {
		have[l.key()]++
	}
	var out []string
	for _, l := range w {
		if contains(skip, l.name) {
			continue
		}
		if have[l.key()] > 0 {
			have[l.key()]--
			continue
		}
		out = append(out, l.path+" = "+l.text)
	}
	return out, nil
}

type leaf struct{ path, name, text string }

// key compares values as Salesforce stores them: trimmed, and lists in
// comma-separated elements without the spaces after commas.
func (l leaf) key() string {
	t := strings.TrimSpace(l.text)
	if strings.HasPrefix(l.name, "commaSeparated") {
		t = strings.Join(splitList(t), ",")
	}
	return l.path + "\x00" + t
}

// leaves flattens a document below its root into its text elements.
func leaves(doc []byte) ([]leaf, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var stack []string
	var text strings.Builder
	var out []leaf
	kids := []int{0}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			kids[len(kids)-1]++
			stack = append(stack, t.Name.Local)
			kids = append(kids, 0)
			text.Reset()
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if kids[len(kids)-1] == 0 && len(stack) > 1 {
				out = append(out, leaf{path: strings.Join(stack[1:], "/"), name: stack[len(stack)-1], text: strings.TrimSpace(text.String())})
			}
			stack = stack[:len(stack)-1]
			kids = kids[:len(kids)-1]
			text.Reset()
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
