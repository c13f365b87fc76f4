package spec

import "sort"

// decodePlaceholder reads a variable's `placeholder: true`: its default is
// an example (example.com), fine for the local org but not a value to write
// to a real one, so commands warn before they would (and apply refuses
// without a terminal). Without a default the flag would mean nothing.
func (p *parser) decodePlaceholder(f *file, vf *fields, decl *Variable) {
	if !vf.has("placeholder") {
		return
	}
	b, ok := p.boolean(f, vf.get("placeholder"), "placeholder")
	if !ok {
		return
	}
	if b && !vf.has("default") {
		p.errAt(f, vf.key("placeholder"), "variable %q: placeholder: true marks its default as an example, but it has no default", decl.Name)
		return
	}
	decl.Placeholder = b && decl.Default != nil
}

// Placeholders returns the variables whose value would be their example
// default: declared `placeholder: true` and set neither by --var nor by the
// environment. Sorted by name.
func (s *Spec) Placeholders(vars map[string]string, getenv func(string) (string, bool)) []Variable {
	var out []Variable
	for _, v := range s.Variables {
		if !v.Placeholder || v.Default == nil {
			continue
		}
		if _, ok := vars[v.Name]; ok {
			continue
		}
		if getenv != nil {
			if _, ok := getenv(v.Name); ok {
				continue
			}
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
