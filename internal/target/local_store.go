package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sfprov/sfprov/internal/emulator"
)

// The local org's state: a bbolt store, local-org.db in the data
// directory, written one transaction per request (emulator Options.DBPath).
// Before it, the state was one JSON file, local-org.json, rewritten whole
// after every change; such a file is moved into the store the first time
// sfprov opens the org, and renamed aside.

const (
	localStoreName  = "local-org.db"
	legacyStateName = "local-org.json"
	// migratedSuffix is added to the name of a JSON state file once it
	// has been moved into the store, so that it is not moved twice and
	// nothing is lost if the store has to be reset.
	migratedSuffix = ".migrated"
)

// LocalStorePath is where the local org's store is.
func LocalStorePath(getenv Getenv) (string, error) {
	dir, err := DataDir(getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, localStoreName), nil
}

// migrateLegacy moves dir's local-org.json into the store when there is no
// store yet, and renames the JSON file aside, telling notice so. The
// caller holds the local org's lock.
func migrateLegacy(ctx context.Context, dir string, notice func(string)) error {
	legacy := filepath.Join(dir, legacyStateName)
	store := filepath.Join(dir, localStoreName)
	if _, err := os.Stat(legacy); err != nil {
		return nil // nothing to migrate
	}
	if _, err := os.Stat(store); err == nil {
		return nil // the store came first; the JSON file is not ours to read again
	}
	tmp := store + ".tmp"
	os.Remove(tmp) // left by an interrupted migration
	if err := emulator.MigrateState(ctx, legacy, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("move the local org in %s into its store: %w", dir, err)
	}
	// The store appears whole or not at all; then the JSON file goes aside.
	if err := os.Rename(tmp, store); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("move the local org in %s into its store: %w", dir, err)
	}
	aside := legacy + migratedSuffix
	if err := os.Rename(legacy, aside); err != nil {
		return fmt.Errorf("move the local org in %s into its store: rename %s: %w", dir, legacyStateName, err)
	}
	if notice != nil {
		notice(fmt.Sprintf("moved the local org from %s into %s; the old file is kept as %s", legacyStateName, localStoreName, filepath.Base(aside)))
	}
	return nil
}

// ExportLocal writes the local org's state to w as JSON (the emulator's
// state file format, which `sfprov emulator serve --state` reads), under
// the local org's lock.
func ExportLocal(ctx context.Context, opts Options, w io.Writer) error {
	return withLocalDir(ctx, opts, func(dir string) error {
		store := filepath.Join(dir, localStoreName)
		if _, err := os.Stat(store); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no local org in %s yet (it is made by the first plan or apply against it)", dir)
		}
		return emulator.ExportState(ctx, store, w)
	})
}

// ResetLocal deletes the local org's state, under its lock, so that the
// next command starts a fresh org. It reports whether there was one.
func ResetLocal(ctx context.Context, opts Options) (existed bool, err error) {
	err = withLocalDir(ctx, opts, func(dir string) error {
		for _, name := range []string{localStoreName, legacyStateName} {
			err := os.Remove(filepath.Join(dir, name))
			switch {
			case err == nil:
				existed = true
			case !errors.Is(err, os.ErrNotExist):
				return fmt.Errorf("reset the local org in %s: %w", dir, err)
			}
		}
		return nil
	})
	return existed, err
}

// withLocalDir runs f with the local org's data directory while holding its
// lock, after moving a JSON state file into the store.
func withLocalDir(ctx context.Context, opts Options, f func(dir string) error) error {
	dir, err := DataDir(opts.Getenv)
	if err != nil {
		return err
	}
	wait, err := lockWait(opts.Getenv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the local org's directory: %w", err)
	}
	lock, err := lockLocal(ctx, dir, wait, opts.Notice)
	if err != nil {
		return err
	}
	defer lock.release()
	if err := migrateLegacy(ctx, dir, opts.Notice); err != nil {
		return err
	}
	return f(dir)
}
