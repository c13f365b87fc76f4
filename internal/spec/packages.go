package spec

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Package is a managed package the integration needs.
type Package struct {
	Namespace    string
	VersionID    Value
	SecurityType string // AdminsOnly | AllUsers
	Password     *Value
	If           *Condition
	Pos          Pos
}

var (
	packageKeys   = []string{"namespace", "versionId", "securityType", "password", "if"}
	securityTypes = []string{"AdminsOnly", "AllUsers"}
)

func (p *parser) decodePackage(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "package", packageKeys)
	if !ok {
		return
	}
	pkg := Package{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, pkg.If) }()
	ns, nsNode := p.requiredStr(f, fs, "namespace", "package")
	if ns != "" {
		if !namespaceRE.MatchString(ns) || len(ns) > 15 {
			p.errAt(f, nsNode, "invalid namespace %q: a namespace prefix is up to 15 letters, digits and underscores, starting with a letter", ns)
		}
		pkg.Namespace = ns
	}
	if v := p.optValue(f, fs, "versionId"); v != nil {
		pkg.VersionID = *v
		// Source: salesforce-api-facts.md §9, SubscriberPackageVersion Ids start with 04t.
		if l := len(v.Value); !strings.HasPrefix(v.Value, "04t") || (l != 15 && l != 18) || !isAlnum(v.Value) {
			p.errAt(f, fs.get("versionId"), "invalid versionId %s: a package version Id starts with 04t and is 15 or 18 characters", quoteValue(*v))
		}
	}
	pkg.SecurityType = p.enumKey(f, fs, "securityType", "securityType", securityTypes)
	pkg.Password = p.optValue(f, fs, "password")
	if pkg.Namespace != "" && p.define("package", strings.ToLower(pkg.Namespace), fmt.Sprintf("%q", pkg.Namespace), pkg.Pos) {
		p.spec.Packages = append(p.spec.Packages, pkg)
	}
}
