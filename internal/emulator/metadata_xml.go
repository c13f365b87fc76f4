package emulator

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"
)

// The Metadata API's XML files (package.xml and the component files) as a
// tree of elements with the place of each in its file, which deploy
// failures report (lineNumber, columnNumber).

// mdNamespace is the namespace of every Metadata API file (package.xml
// and component files; the reference's samples, and the failure wording
// "Element {http://soap.sforce.com/2006/04/metadata}X invalid at this
// location in type T" recorded in trailheadapps/ebikes-lwc#458).
const mdNamespace = "http://soap.sforce.com/2006/04/metadata"

// xnode is one element: its local name, its text (for a leaf), its children
// in file order, and where its start tag ends (line and column of the
// character after its '>', both counted from 1).
type xnode struct {
	name      string
	text      string
	kids      []*xnode
	line, col int
}

// child returns the first child named name.
func (n *xnode) child(name string) *xnode {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// value is the trimmed text of the first child named name ("" when none).
func (n *xnode) value(name string) string {
	if k := n.child(name); k != nil {
		return strings.TrimSpace(k.text)
	}
	return ""
}

// has reports whether the element has a child named name.
func (n *xnode) has(name string) bool { return n.child(name) != nil }

// boolValue reads a boolean child: "true" (or "1") is true, anything else false.
func (n *xnode) boolValue(name string) bool {
	v := n.value(name)
	return v == "true" || v == "1"
}

// all returns the children named name.
func (n *xnode) all(name string) []*xnode {
	var out []*xnode
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// errXML is a file that is not well-formed XML.
type errXML struct {
	msg       string
	line, col int
}

// parseXML reads one file into its root element.
func parseXML(data []byte) (*xnode, *errXML) {
	lineStarts := []int{0}
	for i, b := range data {
		if b == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	pos := func(off int64) (int, int) {
		i := sort.Search(len(lineStarts), func(i int) bool { return lineStarts[i] > int(off) }) - 1
		if i < 0 {
			i = 0
		}
		return i + 1, int(off) - lineStarts[i] + 1
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var root *xnode
	var stack []*xnode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			l, c := pos(dec.InputOffset())
			return nil, &errXML{msg: err.Error(), line: l, col: c}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			l, c := pos(dec.InputOffset())
			n := &xnode{name: t.Name.Local, line: l, col: c}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, &errXML{msg: "Premature end of file.", line: 1, col: 1}
	}
	return root, nil
}

// mdPackage is a package.xml: its types and members, and its version.
type mdPackage struct {
	types   []mdPackageType
	version string
}

type mdPackageType struct {
	name    string
	members []string
}

// parsePackageXML reads package.xml (Package: types{members*, name},
// version; Metadata API reference, "Sample package.xml Manifest Files").
func parsePackageXML(data []byte) (*mdPackage, *errXML) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	if root.name != "Package" {
		return nil, &errXML{msg: "Element {" + mdNamespace + "}" + root.name + " invalid at this location", line: root.line, col: root.col}
	}
	p := &mdPackage{version: root.value("version")}
	for _, t := range root.all("types") {
		pt := mdPackageType{name: t.value("name")}
		for _, m := range t.all("members") {
			pt.members = append(pt.members, strings.TrimSpace(m.text))
		}
		p.types = append(p.types, pt)
	}
	return p, nil
}
