// Package metadata builds the files of a Metadata API deploy: package.xml and
// the component files sfprov manages (Profile record-type visibilities,
// permission sets, Security settings, remote sites, External Client Apps).
// It is pure: no HTTP, no spec or plan types. Builders take plain structs and
// return Files; a Package gathers Files and writes its package.xml.
//
// Every file is in the Metadata API ("mdapi") layout a deploy zip expects —
// folder/Name.suffix, without the "-meta.xml" of the sf CLI source layout —
// and its elements follow the order of the type's reference (the Metadata WSDL
// sequence, which retrieved XML also follows). Order matters: practitioners
// report that Salesforce silently drops out-of-order elements in some types
// (shared/reference/integration-metadata-facts.md §3.2, ECA trap 4).
package metadata

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path"
	"sort"
	"strings"
)

// Namespace is the XML namespace of every Metadata API file.
const Namespace = "http://soap.sforce.com/2006/04/metadata"

// ManifestPath is where package.xml sits in a deploy: at the zip's root.
const ManifestPath = "package.xml"

// Component names one metadata component as package.xml lists it: its type
// ("Profile", "Settings", "ExternalClientApplication") and its fullName.
type Component struct {
	Type     string
	FullName string
}

func (c Component) String() string { return c.Type + ":" + c.FullName }

// File is one file of a deploy: its path inside the package, its bytes, and
// the component it carries (listed in package.xml).
type File struct {
	Path      string
	Content   []byte
	Component Component
}

// Package is the content of one deploy: the API version of its package.xml
// and its component files.
type Package struct {
	APIVersion string // "62.0"; "" lets the deployer use its own
	Files      []File
}

// Add appends files.
func (p *Package) Add(files ...File) { p.Files = append(p.Files, files...) }

// Components lists the package's components, sorted by type then name,
// without duplicates.
func (p *Package) Components() []Component {
	seen := map[Component]bool{}
	var out []Component
	for _, f := range p.Files {
		if !seen[f.Component] {
			seen[f.Component] = true
			out = append(out, f.Component)
		}
	}
	sortComponents(out)
	return out
}

// Validate checks what a deploy would otherwise refuse late or, worse, accept
// wrongly: a version, relative paths inside a folder, no path twice, no file
// without a component, no file named package.xml.
func (p *Package) Validate() error {
	if strings.TrimSpace(p.APIVersion) == "" {
		return fmt.Errorf("package: no API version")
	}
	if len(p.Files) == 0 {
		return fmt.Errorf("package: no files")
	}
	paths := map[string]bool{}
	for _, f := range p.Files {
		clean := path.Clean(f.Path)
		switch {
		case f.Path == "" || clean != f.Path || path.IsAbs(f.Path) || strings.HasPrefix(clean, "../") || clean == "..":
			return fmt.Errorf("package: bad file path %q", f.Path)
		case !strings.Contains(f.Path, "/"):
			return fmt.Errorf("package: file %q is not inside a type folder", f.Path)
		case f.Path == ManifestPath:
			return fmt.Errorf("package: %s is written by the package, not added", ManifestPath)
		case paths[f.Path]:
			return fmt.Errorf("package: file %q added twice", f.Path)
		case f.Component.Type == "" || f.Component.FullName == "":
			return fmt.Errorf("package: file %q names no component", f.Path)
		}
		paths[f.Path] = true
	}
	return nil
}

// Manifest is the package's package.xml.
func (p *Package) Manifest() ([]byte, error) {
	if strings.TrimSpace(p.APIVersion) == "" {
		return nil, fmt.Errorf("package.xml: no API version")
	}
	return PackageXML(p.APIVersion, p.Components())
}

type packageXML struct {
	XMLName xml.Name         `xml:"http://soap.sforce.com/2006/04/metadata Package"`
	Types   []packageTypeXML `xml:"types"`
	Version string           `xml:"version"`
}

// packageTypeXML is PackageTypeMembers: members before name (Metadata WSDL).
type packageTypeXML struct {
	Members []string `xml:"members"`
	Name    string   `xml:"name"`
}

// PackageXML writes a package.xml listing comps under version: one <types>
// per type, sorted by type name, members sorted, then <version> (Package's
// element order in the Metadata WSDL: ... types, uninstallClass, version).
func PackageXML(version string, comps []Component) ([]byte, error) {
	if strings.TrimSpace(version) == "" {
		return nil, fmt.Errorf("package.xml: no API version")
	}
	byType := map[string][]string{}
	for _, c := range comps {
		if c.Type == "" || c.FullName == "" {
			return nil, fmt.Errorf("package.xml: incomplete component %q", c.String())
		}
		byType[c.Type] = append(byType[c.Type], c.FullName)
	}
	doc := packageXML{Version: version}
	for _, t := range sortedKeys(byType) {
		members := dedupSorted(byType[t])
		doc.Types = append(doc.Types, packageTypeXML{Members: members, Name: t})
	}
	return encode(doc)
}

// encode writes v as a Metadata API file: the XML declaration, then v
// indented by four spaces, the way retrieved files look.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "    ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// file builds one component's File at folder/fullName.suffix.
func file(typ, folder, suffix, fullName string, doc any) (File, error) {
	if err := checkName(typ, fullName); err != nil {
		return File{}, err
	}
	b, err := encode(doc)
	if err != nil {
		return File{}, fmt.Errorf("%s %s: %w", typ, fullName, err)
	}
	return File{
		Path:      folder + "/" + fullName + "." + suffix,
		Content:   b,
		Component: Component{Type: typ, FullName: fullName},
	}, nil
}

// checkName refuses names that cannot be a file name inside a folder. The
// Metadata API percent-encodes some characters in file names (a retrieved
// profile "Custom: Sales" is profiles/Custom%3A Sales.profile); callers pass
// names as a retrieve would spell them.
func checkName(typ, name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("%s: no name", typ)
	case strings.ContainsAny(name, "/\\\x00"):
		return fmt.Errorf("%s %q: name has a path separator", typ, name)
	case name == "." || name == "..":
		return fmt.Errorf("%s %q: bad name", typ, name)
	}
	return nil
}

func sortComponents(cs []Component) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Type != cs[j].Type {
			return cs[i].Type < cs[j].Type
		}
		return cs[i].FullName < cs[j].FullName
	})
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func dedupSorted(in []string) []string {
	s := append([]string(nil), in...)
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// Bool returns a pointer to b, for the optional booleans of the builders.
func Bool(b bool) *bool { return &b }
