package spec

import (
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// RemoteSite is a Remote Site Setting.
type RemoteSite struct {
	Name                    string
	URL                     string
	Description             *string
	DisableProtocolSecurity bool
	Active                  *bool
	If                      *Condition
	Pos                     Pos
}

var remoteSiteKeys = []string{"name", "url", "description", "disableProtocolSecurity", "active", "if"}

func (p *parser) decodeRemoteSite(f *file, n *yaml.Node) {
	fs, ok := p.item(f, n, "remote site", remoteSiteKeys)
	if !ok {
		return
	}
	rs := RemoteSite{Pos: f.pos(n), If: p.decodeIf(f, fs)}
	start := len(p.diags)
	defer func() { p.forgiveUnset(start, rs.If) }()
	name, nameNode := p.requiredValue(f, fs, "name", "remote site")
	if name.Value != "" {
		p.checkAPIName(f, nameNode, "remote site name", name)
		rs.Name = name.Value
	}
	u, uNode := p.requiredStr(f, fs, "url", "remote site")
	if u != "" {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			p.errAt(f, uNode, "invalid remote site url %q: expected an absolute http:// or https:// URL", u)
		}
		rs.URL = u
	}
	rs.Description = p.description(f, fs)
	rs.DisableProtocolSecurity = p.flag(f, fs, "disableProtocolSecurity")
	rs.Active = p.optBool(f, fs, "active")
	if rs.Name != "" && p.define("remote site", strings.ToLower(rs.Name), fmt.Sprintf("%q", rs.Name), rs.Pos) {
		p.spec.RemoteSites = append(p.spec.RemoteSites, rs)
	}
}
