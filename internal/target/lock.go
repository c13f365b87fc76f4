package target

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The local org's state (local-org.db, a bbolt store) is loaded when sfprov
// starts and written after every change; two sfprov processes working from
// one data directory at once would each plan and write against an org the
// other is changing, and bbolt lets one process open the file for writing
// anyway. The first to start holds an
// OS lock on local-org.lock in that directory until it ends (the OS lets go
// when the process dies, however it dies); a second waits for it, saying
// so, for at most the wait (SFPROV_LOCK_WAIT, default DefaultLockWait),
// then fails. The lock is here and not in the emulator, which stays a
// plain org that does not know how it is shared.

// DefaultLockWait is how long a second sfprov waits for the local org.
const DefaultLockWait = 2 * time.Minute

// lockPoll is how often a waiting sfprov tries the lock again.
const lockPoll = 50 * time.Millisecond

// localLock is a held lock on the local org.
type localLock struct{ f *os.File }

// lockLocal takes the lock on the local org in dir, waiting up to wait.
func lockLocal(ctx context.Context, dir string, wait time.Duration, notice func(string)) (*localLock, error) {
	path := filepath.Join(dir, "local-org.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock the local org in %s: %w", dir, err)
	}
	ok, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock the local org in %s: %w", dir, err)
	}
	if !ok {
		holder := lockHolder(f)
		if notice != nil {
			notice(fmt.Sprintf("waiting for another sfprov using the local org in %s%s...", dir, holder))
		}
		deadline := time.Now().Add(wait)
		t := time.NewTicker(lockPoll)
		defer t.Stop()
		for !ok {
			if !time.Now().Before(deadline) {
				f.Close()
				return nil, fmt.Errorf("the local org in %s is in use by another sfprov%s, still after %s; let it finish (or stop it) and run again, or set SFPROV_LOCK_WAIT to wait longer", dir, holder, wait)
			}
			select {
			case <-ctx.Done():
				f.Close()
				return nil, ctx.Err()
			case <-t.C:
			}
			if ok, err = tryLock(f); err != nil {
				f.Close()
				return nil, fmt.Errorf("lock the local org in %s: %w", dir, err)
			}
		}
	}
	// Say who holds it, for the message of the next one to wait.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &localLock{f: f}, nil
}

// lockHolder is " (pid N)" for the process that wrote the lock file, or "".
func lockHolder(f *os.File) string {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n]))); err == nil && pid > 0 {
		return fmt.Sprintf(" (pid %d)", pid)
	}
	return ""
}

// release lets the next sfprov in. The file stays: removing it while
// another process waits on it would let a third lock a new file.
func (l *localLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	unlock(l.f)
	err := l.f.Close()
	l.f = nil
	return err
}

// lockWait reads SFPROV_LOCK_WAIT (a duration such as 30s or 5m).
func lockWait(getenv Getenv) (time.Duration, error) {
	s := strings.TrimSpace(getenv.get("SFPROV_LOCK_WAIT"))
	if s == "" {
		return DefaultLockWait, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, &UsageError{Msg: fmt.Sprintf("SFPROV_LOCK_WAIT=%q: want a duration such as 30s or 5m", s)}
	}
	return d, nil
}
