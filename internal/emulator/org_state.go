package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// stateFile is the persisted org: its metadata and every record, by object
// in insertion order. The format is versioned so that a later emulator can
// refuse (rather than misread) an older file.
type stateFile struct {
	Format  int                      `json:"format"`
	Meta    *orgMeta                 `json:"meta"`
	Records map[string][]soql.Record `json:"records"`
	// RecycleBin holds deleted records that can still be seen by queryAll.
	RecycleBin map[string][]soql.Record `json:"recycleBin,omitempty"`
}

const stateFormat = 1

// load reads the state file; ok is false when it does not exist.
func (o *Org) load(path string) (ok bool, err error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("emulator: read state: %w", err)
	}
	var sf stateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&sf); err != nil {
		return false, fmt.Errorf("emulator: state file %s: %w", path, err)
	}
	if sf.Format != stateFormat || sf.Meta == nil {
		return false, fmt.Errorf("emulator: state file %s: unsupported format %d (want %d); delete it to start a fresh org", path, sf.Format, stateFormat)
	}
	if err := o.adoptMeta(sf.Meta); err != nil {
		return false, err
	}
	o.st = newStore()
	for object, recs := range sf.Records {
		if derived[object] {
			continue
		}
		for _, r := range recs {
			if err := numbers(r); err != nil {
				return false, fmt.Errorf("emulator: state file %s: %s: %w", path, object, err)
			}
			if _, ok := r["Id"].(string); !ok {
				return false, fmt.Errorf("emulator: state file %s: a %s record has no Id", path, object)
			}
			o.st.insert(object, r)
		}
	}
	for object, recs := range sf.RecycleBin {
		for _, r := range recs {
			if err := numbers(r); err != nil {
				return false, fmt.Errorf("emulator: state file %s: %s: %w", path, object, err)
			}
			if _, ok := r["Id"].(string); !ok {
				return false, fmt.Errorf("emulator: state file %s: a deleted %s record has no Id", path, object)
			}
			o.st.putDeleted(object, r)
		}
	}
	o.ensureProfileAssignments()
	o.entityDefinitions()
	if err := o.storePermDeps(); err != nil {
		return false, fmt.Errorf("emulator: state file %s: seed: %w", path, err)
	}
	return true, nil
}

// adoptMeta makes a loaded meta the org's, with what older files lack, and
// builds the catalog it describes.
func (o *Org) adoptMeta(m *orgMeta) error {
	o.meta = m
	if o.meta.Seed == nil {
		o.meta.Seed = &Seed{}
	}
	if o.meta.Passwords == nil {
		o.meta.Passwords = map[string]string{}
	}
	o.hashLegacyPasswords()
	if o.meta.PSGReadyAt == nil {
		o.meta.PSGReadyAt = map[string]time.Time{}
	}
	return o.buildCatalog()
}

// derived are the objects whose rows the org computes (from the catalog and
// the seed) rather than stores: the state file leaves them out.
var derived = map[string]bool{"EntityDefinition": true, "PermissionDependency": true}

// ensureProfileAssignments gives every user the assignment of their profile's
// set; state files written before users held one lack it.
func (o *Org) ensureProfileAssignments() {
	has := map[any]bool{}
	for _, a := range o.st.All("PermissionSetAssignment") {
		if _, ps, ok := o.st.Get(str(a, "PermissionSetId")); ok && ps["IsOwnedByProfile"] == true {
			has[a["AssigneeId"]] = true
		}
	}
	for _, u := range o.st.All("User") {
		if !has[u["Id"]] {
			o.assignProfileSet(u)
		}
	}
}

// numbers turns the JSON numbers of a loaded record into float64, as the
// org stores them.
func numbers(r soql.Record) error {
	for k, v := range r {
		if n, ok := v.(json.Number); ok {
			f, err := n.Float64()
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			r[k] = f
		}
	}
	return nil
}

// withoutSeedPasswords is meta for the state file: the seed's users are
// made once, when the org is new, and their passwords are kept hashed in
// Passwords, so the seed's copy of them is left out.
func withoutSeedPasswords(m *orgMeta) *orgMeta {
	if m.Seed == nil || len(m.Seed.Users)+len(m.Seed.OAuthTokens) == 0 {
		return m
	}
	cp, seed := *m, *m.Seed
	seed.Users = append([]SeedUser(nil), seed.Users...)
	for i := range seed.Users {
		seed.Users[i].Password = ""
	}
	// The same for planted refresh tokens (kept hashed in RefreshTokens).
	seed.OAuthTokens = append([]SeedOAuthToken(nil), seed.OAuthTokens...)
	for i := range seed.OAuthTokens {
		seed.OAuthTokens[i].RefreshToken = ""
	}
	cp.Seed = &seed
	return &cp
}

// stateFile is the org as a state file holds it.
func (o *Org) stateFile() stateFile {
	sf := stateFile{Format: stateFormat, Meta: withoutSeedPasswords(o.meta), Records: map[string][]soql.Record{}}
	for _, object := range o.st.objects() {
		if derived[object] {
			continue // computed again on load
		}
		sf.Records[object] = o.st.All(object)
	}
	for object := range o.st.binOrder {
		if del := o.st.deleted(object); len(del) > 0 {
			if sf.RecycleBin == nil {
				sf.RecycleBin = map[string][]soql.Record{}
			}
			sf.RecycleBin[object] = del
		}
	}
	return sf
}

// save writes the state atomically: a temporary file in the same directory,
// flushed to disk, then renamed over the old one (and the directory
// flushed), so that a crash leaves the old state or the new, never half a
// file; the temporary file is removed when anything fails.
func (o *Org) save() error {
	if o.st.db != nil {
		// A record that could not be read was missing from the request
		// that needed it: say so, after keeping what the request did.
		err := o.st.db.flush(o.st, o.meta)
		if o.st.readErr != nil {
			err, o.st.readErr = errors.Join(err, o.st.readErr), nil
		}
		return err
	}
	path := o.opts.StatePath
	if path == "" {
		return nil
	}
	data, err := json.Marshal(o.stateFile())
	if err != nil {
		return fmt.Errorf("emulator: encode state: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("emulator: state directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".emulator-state-*")
	if err != nil {
		return fmt.Errorf("emulator: write state: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("emulator: write state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("emulator: write state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("emulator: write state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("emulator: write state: %w", err)
	}
	// The rename is durable once the directory is on disk too; not every
	// system can sync a directory, and the state is whole either way.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
