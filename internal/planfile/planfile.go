// Package planfile is the saved plan: `sfprov plan --out FILE` writes one,
// `sfprov apply FILE` applies it. A saved plan carries the spec it was made
// from (files and non-secret variable values, never a secret), the org it
// was made against and its steps in a canonical form, so that apply can make
// the plan again from the same spec, against the org as it is then, and
// apply only if the new plan is the saved one step for step. The format is
// docs/plan-file.md. The package is pure: bytes in, bytes out.
package planfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/metadata"
	"github.com/sfprov/sfprov/internal/plan"
)

// Version is the format of a plan file. Apply refuses another: a plan is
// applied exactly or not at all, never by a guess at an old format.
const Version = 1

// Secret stands for a secret value, as everywhere sfprov prints one.
const Secret = "(secret)"

// File is a saved plan.
type File struct {
	// SfprovPlan is the header that tells a plan file from a spec (which
	// never has this key) and its format version.
	SfprovPlan    int    `json:"sfprovPlan"`
	SfprovVersion string `json:"sfprovVersion"`
	Org           Org    `json:"org"`
	Spec          Spec   `json:"spec"`
	// StateFingerprint is the hash of the steps (Fingerprint): equal
	// fingerprints from the same spec mean the org holds the same for
	// everything the plan reads, writes or relies on.
	StateFingerprint string            `json:"stateFingerprint"`
	Summary          Summary           `json:"summary"`
	Steps            []json.RawMessage `json:"steps"`
	Setup            []json.RawMessage `json:"setup"`
	Warnings         []string          `json:"warnings"`
	ManualSteps      []string          `json:"manualSteps"`
}

// Org is the identity of the org a plan was made against.
type Org struct {
	Name        string `json:"name"` // as named: local, an alias, a username, a URL
	Kind        string `json:"kind"`
	OrgID       string `json:"orgId"`
	InstanceURL string `json:"instanceUrl"`
	Username    string `json:"username"`
	APIVersion  string `json:"apiVersion"`
}

// Spec is what the plan was made from.
type Spec struct {
	Digest string `json:"digest"`
	// Files are the spec files, in command-line order, as named there.
	Files []SpecFile `json:"files"`
	// Data are the files the spec refers to (record CSVs, certificates),
	// by the absolute path the spec resolved them to.
	Data []SpecFile `json:"data"`
	// Variables are the values of the variables that are not secret.
	Variables map[string]string `json:"variables"`
	// SecretVariables name the secret variables, whose values a plan file
	// never holds: apply reads them again, as plan did.
	SecretVariables []string `json:"secretVariables"`
}

// SpecFile is one file's name and content.
type SpecFile struct {
	Name string `json:"name"`
	// Path is where it was, absolute: a spec's relative paths resolve
	// against its file's directory.
	Path    string `json:"path"`
	Content string `json:"content"`
}

// Summary counts the saved plan's steps, for a reader of the file.
type Summary struct {
	Create int `json:"create"`
	Update int `json:"update"`
	Prune  int `json:"prune"`
	NoOp   int `json:"noOp"`
	Setup  int `json:"setup"`
}

// Hash is the digest of a spec: its files' names and bytes, then the data
// files', then the variables' values, each length-prefixed so that no two
// different specs can run together into the same bytes.
func (s *Spec) Hash() string {
	h := sha256.New()
	put := func(s string) { fmt.Fprintf(h, "%d:%s\n", len(s), s) }
	put("sfprov spec digest 1")
	for _, group := range [][]SpecFile{s.Files, s.Data} {
		put(fmt.Sprint(len(group)))
		for _, f := range group {
			put(f.Name)
			put(f.Path)
			put(f.Content)
		}
	}
	names := make([]string, 0, len(s.Variables))
	for n := range s.Variables {
		names = append(names, n)
	}
	sort.Strings(names)
	put(fmt.Sprint(len(names)))
	for _, n := range names {
		put(n)
		put(s.Variables[n])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// Scrubber replaces secret values in text with Secret. Values are matched
// longest first, so that a secret containing another is hidden whole.
type Scrubber struct{ values []string }

// NewScrubber hides values (empty ones are ignored).
func NewScrubber(values []string) *Scrubber {
	var vs []string
	for _, v := range values {
		if v != "" {
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return len(vs[i]) > len(vs[j]) })
	return &Scrubber{values: vs}
}

func (sc *Scrubber) str(s string) string {
	for _, v := range sc.values {
		s = strings.ReplaceAll(s, v, Secret)
	}
	return s
}

func (sc *Scrubber) value(v any) any {
	if s, ok := v.(string); ok {
		return sc.str(s)
	}
	return v
}

// Contains reports whether b holds a secret value, as it is or as JSON
// escapes it: the last check before a plan file is written.
func (sc *Scrubber) Contains(b []byte) bool {
	for _, v := range sc.values {
		esc, _ := json.Marshal(v)
		if bytes.Contains(b, []byte(v)) || bytes.Contains(b, esc[1:len(esc)-1]) {
			return true
		}
	}
	return false
}

// step is a plan.Step in the canonical form that is saved and compared:
// everything apply would write, and what the plan found in the org (the
// action, the record's Id, the values before, the Ids it writes in), but
// not where the spec said it (positions are not the org's, and the spec's
// bytes are in the digest).
type step struct {
	Action  string            `json:"action"`
	Type    string            `json:"type"`
	Name    string            `json:"name"`
	Parent  string            `json:"parent,omitempty"`
	Note    string            `json:"note,omitempty"`
	SObject string            `json:"sobject"`
	ID      string            `json:"id,omitempty"`
	Changes []change          `json:"changes,omitempty"`
	Key     string            `json:"key,omitempty"`
	Fields  map[string]any    `json:"fields,omitempty"`
	Refs    map[string]string `json:"refs,omitempty"`
	// IDs are the Ids the plan knew for the keys the step names (its own
	// and those of its refs), "" for a record still to be created: they
	// are what the step relies on in the org.
	IDs      map[string]string `json:"ids,omitempty"`
	CloneOf  string            `json:"cloneOf,omitempty"`
	Password *password         `json:"password,omitempty"`
	Metadata *meta             `json:"metadata,omitempty"`
	Package  *pkg              `json:"package,omitempty"`
}

type change struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
	Secret bool   `json:"secret,omitempty"`
}

type password struct {
	User    string `json:"user"`
	Reset   bool   `json:"reset,omitempty"`
	FromEnv string `json:"fromEnv,omitempty"` // the variable's name, read when apply runs
}

type meta struct {
	Files     []metaFile                     `json:"files,omitempty"`
	Generated *plan.GeneratedName            `json:"generated,omitempty"`
	PermSet   *metadata.PermissionSetChanges `json:"permSet,omitempty"`
}

// metaFile keeps a component's content as text (XML), so that a reader
// of the file sees it, and a secret in it could be found and hidden.
type metaFile struct {
	Path     string `json:"path"`
	Type     string `json:"type"`
	FullName string `json:"fullName"`
	Content  string `json:"content"`
}

type pkg struct {
	Namespace       string `json:"namespace"`
	VersionID       string `json:"versionId"`
	SecurityType    string `json:"securityType"`
	InstallationKey string `json:"installationKey,omitempty"`
}

type setup struct {
	Title  string `json:"title"`
	Change string `json:"change"`
	Where  string `json:"where"`
	Why    string `json:"why,omitempty"`
	Unread bool   `json:"unread,omitempty"`
}

// canonical is s as saved, with secrets hidden: by the step's own marks
// (a Change that is secret hides its field's value) and by value (a secret
// inside any text, such as a metadata file).
func canonical(s *plan.Step, ids map[plan.Key]string, sc *Scrubber) step {
	out := step{Action: string(s.Action), Type: s.Type, Name: sc.str(s.Name), Parent: sc.str(s.Parent), Note: sc.str(s.Note),
		SObject: s.SObject, ID: s.ID, Key: sc.str(s.Key.String()), CloneOf: sc.str(s.CloneOf.String())}
	secretField := map[string]bool{}
	for _, c := range s.Changes {
		ch := change{Field: c.Field, Before: sc.value(c.Before), After: sc.value(c.After), Secret: c.Secret}
		if c.Secret {
			secretField[c.Field] = true
			if ch.Before != nil {
				ch.Before = Secret
			}
			ch.After = Secret
		}
		out.Changes = append(out.Changes, ch)
	}
	known := func(k plan.Key) {
		if k.IsZero() {
			return
		}
		if out.IDs == nil {
			out.IDs = map[string]string{}
		}
		out.IDs[sc.str(k.String())] = ids[k]
	}
	known(s.Key)
	known(s.CloneOf)
	if len(s.Fields) > 0 {
		out.Fields = map[string]any{}
		for f, v := range s.Fields {
			if secretField[f] {
				v = Secret
			}
			out.Fields[f] = sc.value(v)
		}
	}
	if len(s.Refs) > 0 {
		out.Refs = map[string]string{}
		for f, k := range s.Refs {
			out.Refs[f] = sc.str(k.String())
			known(k)
		}
	}
	if pw := s.Password; pw != nil {
		out.Password = &password{User: sc.str(pw.User.String()), Reset: pw.Reset, FromEnv: pw.FromEnv}
		known(pw.User)
	}
	if m := s.Metadata; m != nil {
		out.Metadata = &meta{Generated: m.Generated, PermSet: m.PermSet}
		for _, f := range m.Files {
			out.Metadata.Files = append(out.Metadata.Files, metaFile{Path: sc.str(f.Path), Type: f.Component.Type,
				FullName: sc.str(f.Component.FullName), Content: sc.str(string(f.Content))})
		}
	}
	if p := s.Package; p != nil {
		out.Package = &pkg{Namespace: p.Namespace, VersionID: sc.str(p.VersionID), SecurityType: p.SecurityType}
		if p.InstallationKey != "" {
			out.Package.InstallationKey = Secret
		}
	}
	return out
}

// Steps is a plan in the canonical form: one compact JSON document per
// step, then one per Setup change.
type Steps struct {
	Steps, Setup []json.RawMessage
}

// Canonical encodes p's steps and Setup changes, secrets hidden.
func Canonical(p *plan.Plan, sc *Scrubber) (Steps, error) {
	var out Steps
	for _, s := range p.Steps {
		b, err := json.Marshal(canonical(s, p.IDs, sc))
		if err != nil {
			return Steps{}, fmt.Errorf("encode step %s: %w", s.Title(), err)
		}
		out.Steps = append(out.Steps, b)
	}
	for _, c := range p.Setup {
		b, err := json.Marshal(setup{Title: sc.str(c.Title), Change: sc.str(c.Change), Where: c.Where, Why: c.Why, Unread: c.Unread})
		if err != nil {
			return Steps{}, fmt.Errorf("encode setup change %s: %w", c.Title, err)
		}
		out.Setup = append(out.Setup, b)
	}
	return out, nil
}

// Fingerprint is the hash of the canonical steps. The spec being the same,
// the steps differ only where the org does, in what the plan reads (its
// steps' records and the values they compare), writes or relies on (the
// Ids it writes in): a change elsewhere in the org leaves it as it is.
func (s Steps) Fingerprint() string {
	h := sha256.New()
	for _, group := range [][]json.RawMessage{s.Steps, s.Setup} {
		fmt.Fprintf(h, "%d\n", len(group))
		for _, b := range group {
			var c bytes.Buffer
			if err := json.Compact(&c, b); err != nil {
				c.Reset()
				c.Write(b) // a step that is not JSON differs from every step that is
			}
			fmt.Fprintf(h, "%d:%s\n", c.Len(), c.Bytes())
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// New makes the saved plan of p, made from spec against org.
func New(p *plan.Plan, org Org, spec Spec, version string, sc *Scrubber) (*File, error) {
	steps, err := Canonical(p, sc)
	if err != nil {
		return nil, err
	}
	spec.Digest = spec.Hash()
	sum := p.Summary()
	f := &File{SfprovPlan: Version, SfprovVersion: version, Org: org, Spec: spec,
		StateFingerprint: steps.Fingerprint(),
		Summary:          Summary{Create: sum.Create, Update: sum.Update, Prune: sum.Prune, NoOp: sum.NoOp, Setup: sum.Setup},
		Steps:            steps.Steps, Setup: steps.Setup,
		Warnings: scrubAll(sc, p.Warnings), ManualSteps: scrubAll(sc, p.ManualSteps)}
	if f.Steps == nil {
		f.Steps = []json.RawMessage{}
	}
	if f.Setup == nil {
		f.Setup = []json.RawMessage{}
	}
	if f.Spec.Data == nil {
		f.Spec.Data = []SpecFile{}
	}
	if f.Spec.SecretVariables == nil {
		f.Spec.SecretVariables = []string{}
	}
	return f, nil
}

func scrubAll(sc *Scrubber, list []string) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, sc.str(s))
	}
	return out
}

// ErrSecret: the encoded plan would hold a secret value.
var ErrSecret = errors.New("the plan would hold a secret value")

// Encode writes f as indented JSON (one step a line block, for review and
// diffs), refusing if any of sc's values would be in it.
func Encode(f *File, sc *Scrubber) ([]byte, error) {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode the plan: %w", err)
	}
	if sc.Contains(b) {
		return nil, ErrSecret
	}
	return append(b, '\n'), nil
}

// IsPlanFile reports whether data is a saved plan (by its header), not a
// spec: a spec is YAML, and even a spec written as JSON has no sfprovPlan.
func IsPlanFile(data []byte) bool {
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	var probe struct {
		SfprovPlan *json.RawMessage `json:"sfprovPlan"`
	}
	return json.Unmarshal(t, &probe) == nil && probe.SfprovPlan != nil
}

// Decode reads a saved plan and checks that its content is what its digest
// says (a plan file edited by hand is refused, not applied).
func Decode(data []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a readable plan file: %w", err)
	}
	if f.SfprovPlan != Version {
		return nil, fmt.Errorf("plan file format %d; this sfprov reads format %d: make the plan again with this sfprov", f.SfprovPlan, Version)
	}
	if got := f.Spec.Hash(); got != f.Spec.Digest {
		return nil, fmt.Errorf("the plan file's spec does not match its digest (%s, content hashes to %s): the file was changed after plan wrote it", f.Spec.Digest, got)
	}
	if got := (Steps{Steps: f.Steps, Setup: f.Setup}).Fingerprint(); got != f.StateFingerprint {
		return nil, fmt.Errorf("the plan file's steps do not match its state fingerprint (%s, steps hash to %s): the file was changed after plan wrote it", f.StateFingerprint, got)
	}
	return &f, nil
}
