package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// The org's side of its bbolt store (org_db.go): opening one, moving a
// JSON state file into one, and writing one out as a JSON state file.

// openStore opens the store at path; ok is false when it holds no org yet
// (o.st is then an empty store on it, for the fresh org to fill).
func (o *Org) openStore(path string) (ok bool, err error) {
	db, err := openDB(path)
	if err != nil {
		return false, err
	}
	meta, next, ok, err := db.loadMeta()
	if err != nil {
		db.Close()
		return false, err
	}
	o.st = newStore()
	o.st.db = db
	if !ok {
		return false, nil
	}
	if err := o.adoptMeta(meta); err != nil {
		db.Close()
		return false, err
	}
	o.st = newStore()
	o.st.db, o.st.nextSeq = db, next
	if err := db.loadEager(o.st); err != nil {
		db.Close()
		return false, fmt.Errorf("emulator: store %s: %w", path, err)
	}
	o.entityDefinitions()
	if err := o.storePermDeps(); err != nil {
		db.Close()
		return false, fmt.Errorf("emulator: store %s: seed: %w", path, err)
	}
	return true, nil
}

// Close lets go of the org's store, if it has one. The org must not be
// used after.
func (o *Org) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.st == nil || o.st.db == nil {
		return nil
	}
	db := o.st.db
	o.st.db = nil
	return db.Close()
}

// MigrateState moves the org of a JSON state file (Options.StatePath) into
// a new bbolt store at dbPath, in one transaction. The state file is left
// as it is; dbPath must not exist yet.
func MigrateState(ctx context.Context, statePath, dbPath string) error {
	if _, err := os.Stat(dbPath); err == nil {
		return fmt.Errorf("emulator: migrate %s: %s exists already", statePath, dbPath)
	}
	o, err := New(Options{StatePath: statePath})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	db, err := openDB(dbPath)
	if err != nil {
		return err
	}
	o.st.db = db
	for id := range o.st.recs {
		o.st.touch(id)
	}
	if err := o.save(); err != nil {
		db.Close()
		os.Remove(dbPath)
		return fmt.Errorf("emulator: migrate %s: %w", statePath, err)
	}
	return o.Close()
}

// ExportState writes the org in the bbolt store at dbPath to w as a JSON
// state file (the format Options.StatePath reads), records by object in
// insertion order. It only reads the store.
func ExportState(ctx context.Context, dbPath string, w io.Writer) error {
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("emulator: export: %w", err)
	}
	o, err := New(Options{DBPath: dbPath})
	if err != nil {
		return err
	}
	defer o.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	users, err := o.st.db.seedUsers()
	if err != nil {
		return err
	}
	o.mu.Lock()
	sf := o.stateFile()
	o.mu.Unlock()
	if len(users) > 0 {
		cp, seed := *sf.Meta, *sf.Meta.Seed
		seed.Users = users
		cp.Seed = &seed
		sf.Meta = &cp
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sf); err != nil {
		return fmt.Errorf("emulator: export %s: %w", dbPath, err)
	}
	return nil
}
