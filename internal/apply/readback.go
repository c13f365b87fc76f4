package apply

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/plan"
	"github.com/sfprov/sfprov/internal/salesforce"
)

// generatedNames returns each step's files, with the fullName Salesforce
// generated put in where a step says its component's name is the org's
// (plan.GeneratedName: an External Client App's OAuth policies, made with
// the app). One listMetadata call finds them all; a name the org does not
// list keeps the name the plan guessed, and a wrong guess fails with the
// org's "duplicate value found" naming the right one.
func (e *executor) generatedNames(ctx context.Context, steps []*plan.Step) (map[*plan.Step][]metadata.File, error) {
	out := map[*plan.Step][]metadata.File{}
	types := map[string]bool{}
	for _, s := range steps {
		out[s] = s.Metadata.Files
		if g := s.Metadata.Generated; g != nil {
			types[g.Type] = true
		}
	}
	if err := e.mergedPermSets(ctx, steps, out); err != nil {
		return nil, err
	}
	if len(types) == 0 {
		return out, nil
	}
	var qs []salesforce.ListQuery
	for t := range types {
		qs = append(qs, salesforce.ListQuery{Type: t})
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].Type < qs[j].Type })
	listed, err := e.c.ListMetadata(ctx, qs)
	if err != nil {
		return nil, fmt.Errorf("find the names Salesforce gave: %w", err)
	}
	for _, s := range steps {
		g := s.Metadata.Generated
		if g == nil {
			continue
		}
		name := ""
		for _, f := range listed {
			if f.Type == g.Type && strings.HasPrefix(strings.ToLower(f.FullName), strings.ToLower(g.Prefix)) {
				name = f.FullName
				break
			}
		}
		if name == "" {
			continue
		}
		var files []metadata.File
		for _, f := range s.Metadata.Files {
			if f.Component.Type == g.Type {
				f.Path = path.Dir(f.Path) + "/" + name + path.Ext(f.Path)
				f.Component.FullName = name
			}
			files = append(files, f)
		}
		out[s] = files
	}
	return out, nil
}

// readBackTypes are the types read back after a deploy, with the elements
// not compared: the org keeps the certificate in its own form and makes the
// consumer key, oauthLink and the policies' generated values itself.
// Profiles and settings are not read back here: the next plan reads them
// (a profile's Metadata is large, one profile per call).
var readBackTypes = map[string][]string{
	metadata.TypeExternalClientApp: nil,
	metadata.TypeECAOAuthSettings:  nil,
	metadata.TypeECAGlobalOAuth:    {"certificate", "consumerKey"},
	metadata.TypeECAOAuthPolicies:  nil,
}

// readBack reads the components just deployed and fails the steps whose
// component the org does not hold as written: a deploy can report Succeeded
// and keep an old value (integration-metadata-facts.md §3.2 trap 4). Each
// type is one readMetadata call, all sent together. An app's consumer key,
// read here, goes in the Result.
func (e *executor) readBack(ctx context.Context, steps []*plan.Step, files map[*plan.Step][]metadata.File) map[*plan.Step]error {
	byType := map[string][]metadata.File{}
	owner := map[metadata.Component]*plan.Step{}
	for _, s := range steps {
		for _, f := range files[s] {
			if _, ok := readBackTypes[f.Component.Type]; ok {
				byType[f.Component.Type] = append(byType[f.Component.Type], f)
				owner[f.Component] = s
			}
		}
	}
	errs := map[*plan.Step]error{}
	var mu sync.Mutex
	fail := func(s *plan.Step, err error) {
		mu.Lock()
		defer mu.Unlock()
		if errs[s] == nil {
			errs[s] = err
		}
	}
	var wg sync.WaitGroup
	for typ, fs := range byType {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var names []string
			for _, f := range fs {
				names = append(names, f.Component.FullName)
			}
			got, err := e.c.ReadMetadata(ctx, typ, names)
			for _, f := range fs {
				s := owner[f.Component]
				if err != nil {
					fail(s, fmt.Errorf("deployed, but reading it back failed: %w", err))
					continue
				}
				doc := got[f.Component.FullName]
				if doc == nil {
					fail(s, fmt.Errorf("the deploy succeeded, but the org has no %s", f.Component))
					continue
				}
				missing, err := metadata.Unread(f.Content, doc, readBackTypes[typ]...)
				if err != nil {
					fail(s, fmt.Errorf("deployed, but its copy in the org cannot be read: %w", err))
					continue
				}
				if len(missing) > 0 {
					fail(s, fmt.Errorf("the deploy succeeded, but the org did not take %s: %s", f.Component, strings.Join(missing, "; ")))
					continue
				}
				if typ == metadata.TypeECAGlobalOAuth {
					g, err := metadata.DecodeECAGlobalOAuth(doc)
					if err == nil && g.ConsumerKey != "" {
						e.mu.Lock()
						e.res.ConsumerKeys[s.Name] = g.ConsumerKey
						e.mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	return errs
}

// mergedPermSets builds the file of each step that changes a permission
// set's Metadata: the set as the org holds it now (Tooling, one set per
// request, all sent together), with the step's changes in, since a
// PermissionSet deploy replaces the whole set.
func (e *executor) mergedPermSets(ctx context.Context, steps []*plan.Step, out map[*plan.Step][]metadata.File) error {
	var merge []*plan.Step
	for _, s := range steps {
		if s.Metadata.PermSet != nil {
			merge = append(merge, s)
		}
	}
	files := make([]metadata.File, len(merge))
	errs := make([]error, len(merge))
	var wg sync.WaitGroup
	for i, s := range merge {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := e.id(s.Refs["Id"])
			if id == "" {
				errs[i] = fmt.Errorf("permission set %q does not exist (an earlier step did not create it)", s.Name)
				return
			}
			row, err := e.c.ToolingMetadataRow(ctx, "PermissionSet", "Id = '"+id+"'")
			if err != nil {
				errs[i] = fmt.Errorf("read permission set %q before its deploy: %w", s.Name, err)
				return
			}
			files[i], errs[i] = metadata.MergedPermissionSetFile(row.FullName, row.Metadata, *s.Metadata.PermSet)
		}()
	}
	wg.Wait()
	for i, s := range merge {
		if errs[i] != nil {
			return errs[i]
		}
		out[s] = append(append([]metadata.File(nil), out[s]...), files[i])
	}
	return nil
}
