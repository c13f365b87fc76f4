package spec

import "github.com/sfprov/sfprov/internal/diag"

// Source is a spec file held in memory, such as a built-in profile; Name
// stands for the file in diagnostics and relative paths resolve against the
// working directory.
type Source struct {
	Name string
	Data []byte
}

// LoadSources is Load with sources read first, then files, merged into one
// Spec as if all were files.
func LoadSources(sources []Source, files []string, opts Options) (*Spec, diag.Diagnostics) {
	if len(sources) == 0 {
		return Load(files, opts)
	}
	p := newParser(opts)
	var docs []document
	for _, src := range sources {
		docs = append(docs, p.split(src.Name, src.Data)...)
		p.spec.Files = append(p.spec.Files, src.Name)
	}
	docs = append(docs, p.readFiles(files)...)
	return p.build(docs)
}
