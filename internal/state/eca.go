package state

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/spec"
)

// ECA is an External Client App as the org holds it: the parts sfprov
// manages, read with the Metadata API (its readMetadata: Tooling SOQL on an
// app's policies answers INVALID_TYPE, integration-metadata-facts.md §3.2
// trap 2). The consumer secret is never read into it.
type ECA struct {
	Name, Label, ContactEmail string
	OAuth                     *metadata.ECAOAuthSettings
	GlobalOAuth               *metadata.ECAGlobalOAuthSettings
	// OAuthPolicies carries, in FullName, the name Salesforce generated
	// for them when the app was created (trap 1); nil when none was found.
	OAuthPolicies *metadata.ECAOAuthPolicies
}

// ECAPolicyTypes are the Metadata types listed to find the policies
// Salesforce generated for the spec's apps.
var ecaPolicyTypes = []string{metadata.TypeECAOAuthPolicies}

// readECAs reads the named External Client Apps, by lower name; an app the
// org lacks is absent. The header and the two OAuth parts are read by the
// app's name while the policies are listed (their names are generated) and
// read under the names Salesforce is seen to give, so the reads take one
// round trip beside the rest of the state, and a second only when the org
// named the policies otherwise.
func readECAs(ctx context.Context, c *salesforce.Client, names []string) (map[string]*ECA, error) {
	out := map[string]*ECA{}
	if len(names) == 0 {
		return out, nil
	}
	var headers, oauth, global, guessed map[string][]byte
	var listed []salesforce.FileProperties
	// The policies' names are Salesforce's; the names it is seen to give
	// are read at once, beside the list, so that a second round trip is
	// needed only when the org chose another.
	var guesses []string
	for _, name := range names {
		guesses = append(guesses, metadata.PolicyNameCandidates(name)...)
	}
	jobs := []func() error{
		func() (err error) { headers, err = c.ReadMetadata(ctx, metadata.TypeExternalClientApp, names); return },
		func() (err error) { oauth, err = c.ReadMetadata(ctx, metadata.TypeECAOAuthSettings, names); return },
		func() (err error) { global, err = c.ReadMetadata(ctx, metadata.TypeECAGlobalOAuth, names); return },
		func() (err error) { guessed, err = c.ReadMetadata(ctx, metadata.TypeECAOAuthPolicies, guesses); return },
		func() (err error) {
			var qs []salesforce.ListQuery
			for _, t := range ecaPolicyTypes {
				qs = append(qs, salesforce.ListQuery{Type: t})
			}
			listed, err = c.ListMetadata(ctx, qs)
			return
		},
	}
	if err := parallel(jobs); err != nil {
		return nil, fmt.Errorf("read external client apps: %w", err)
	}
	for name, doc := range headers {
		var h struct {
			Label        string `xml:"label"`
			ContactEmail string `xml:"contactEmail"`
		}
		if err := xml.Unmarshal(doc, &h); err != nil {
			return nil, fmt.Errorf("read external client app %s: %w", name, err)
		}
		e := &ECA{Name: name, Label: h.Label, ContactEmail: h.ContactEmail}
		var err error
		if doc := lookupFold(oauth, name); doc != nil {
			if e.OAuth, err = metadata.DecodeECAOAuthSettings(doc); err != nil {
				return nil, fmt.Errorf("read external client app %s: %w", name, err)
			}
		}
		if doc := lookupFold(global, name); doc != nil {
			if e.GlobalOAuth, err = metadata.DecodeECAGlobalOAuth(doc); err != nil {
				return nil, fmt.Errorf("read external client app %s: %w", name, err)
			}
		}
		out[strings.ToLower(name)] = e
	}
	// The policies the org lists whose generated name starts with an app's
	// name are read, and filed under the app they name.
	var policyNames []string
	for _, f := range listed {
		for name := range out {
			if strings.HasPrefix(strings.ToLower(f.FullName), name+"_") {
				policyNames = append(policyNames, f.FullName)
				break
			}
		}
	}
	if len(policyNames) == 0 {
		return out, nil
	}
	docs := map[string][]byte{}
	var missing []string
	for _, name := range policyNames {
		if doc := guessed[name]; doc != nil {
			docs[name] = doc
		} else {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		more, err := c.ReadMetadata(ctx, metadata.TypeECAOAuthPolicies, missing)
		if err != nil {
			return nil, fmt.Errorf("read external client app policies: %w", err)
		}
		for k, v := range more {
			docs[k] = v
		}
	}
	for _, name := range policyNames {
		doc := docs[name]
		if doc == nil {
			continue
		}
		p, err := metadata.DecodeECAOAuthPolicies(doc)
		if err != nil {
			return nil, fmt.Errorf("read external client app policies %s: %w", name, err)
		}
		var app struct {
			Name string `xml:"externalClientApplication"`
		}
		if err := xml.Unmarshal(doc, &app); err != nil {
			return nil, fmt.Errorf("read external client app policies %s: %w", name, err)
		}
		if e := out[strings.ToLower(app.Name)]; e != nil {
			e.OAuthPolicies = p
		}
	}
	return out, nil
}

func lookupFold(m map[string][]byte, name string) []byte {
	if b, ok := m[name]; ok {
		return b
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// parallel runs independent reads together and returns the first error in
// their order.
func parallel(jobs []func() error) error {
	errs := make([]error, len(jobs))
	done := make(chan int, len(jobs))
	for i, j := range jobs {
		go func() { errs[i] = j(); done <- i }()
	}
	for range jobs {
		<-done
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// needsAdminSets reports whether a spec's app pre-authorises permission sets:
// Salesforce then wants them assigned to the deploying admin first (§3.2
// trap 3), so the running user's assignments are read too.
func needsAdminSets(s *spec.Spec) bool {
	for _, a := range s.ExternalClientApps {
		if a.Policy != nil && len(a.Policy.PreAuthorizedPermSets) > 0 {
			return true
		}
	}
	return false
}

// PermSetMeta is what a permission set holds that only its Metadata shows:
// record type visibilities (lower Object.DeveloperName → visible) and the
// user permissions on (lower name), read through the Tooling API.
type PermSetMeta struct {
	RecordTypes map[string]bool
	UserPerms   map[string]bool
}

// readPermSetMeta reads, one set per request (Salesforce serves Metadata one
// row at a time), the Metadata of the named permission sets: record types,
// and permissions the PermissionSet object has no field for; only a
// Metadata deploy writes those, and the plan needs what is there. Sets the
// org lacks are absent.
func readPermSetMeta(ctx context.Context, c *salesforce.Client, names []string) (map[string]*PermSetMeta, error) {
	out := map[string]*PermSetMeta{}
	metas := make([]*PermSetMeta, len(names))
	jobs := make([]func() error, len(names))
	for i, name := range names {
		jobs[i] = func() error {
			row, err := c.ToolingMetadataRow(ctx, "PermissionSet", "Name = "+quote(bareNames([]string{name})[0])+namespaceFilter(name))
			if errors.Is(err, salesforce.ErrNoRow) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read the metadata of permission set %q: %w", name, err)
			}
			md, err := salesforce.DecodePermissionSetMetadata(row.Metadata)
			if err != nil {
				return fmt.Errorf("read the metadata of permission set %q: %w", name, err)
			}
			m := &PermSetMeta{RecordTypes: map[string]bool{}, UserPerms: map[string]bool{}}
			for _, v := range md.RecordTypeVisibilities {
				m.RecordTypes[strings.ToLower(v.RecordType)] = v.Visible
			}
			for _, p := range md.UserPermissions {
				if p.Enabled {
					m.UserPerms[strings.ToLower(p.Name)] = true
				}
			}
			metas[i] = m
			return nil
		}
	}
	if err := parallel(jobs); err != nil {
		return nil, err
	}
	for i, name := range names {
		if metas[i] != nil {
			out[strings.ToLower(name)] = metas[i]
		}
	}
	return out, nil
}

// namespaceFilter picks a packaged set by its namespace, an org's own by
// having none.
func namespaceFilter(full string) string {
	if i := strings.Index(full, "__"); i > 0 {
		return " AND NamespacePrefix = " + quote(full[:i])
	}
	return " AND NamespacePrefix = null"
}
