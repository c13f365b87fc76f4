package target

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLocalOrgLock: while one sfprov has the local org open, a second waits,
// says so on stderr, and fails clearly after the wait; once the first is
// done, the second gets it.
func TestLocalOrgLock(t *testing.T) {
	home := t.TempDir()
	connect := func(wait string, notices *[]string, mu *sync.Mutex) (*Org, error) {
		return Connect(context.Background(), Options{
			Getenv: envOf(map[string]string{"SFPROV_HOME": home, "SFPROV_LOCK_WAIT": wait}),
			Notice: func(msg string) { mu.Lock(); *notices = append(*notices, msg); mu.Unlock() },
		})
	}
	var mu sync.Mutex
	var notices []string
	first, err := connect("", &notices, &mu)
	if err != nil {
		t.Fatal(err)
	}
	_, err = connect("200ms", &notices, &mu)
	pid := os.Getpid()
	wantWait := fmt.Sprintf("waiting for another sfprov using the local org in %s (pid %d)...", home, pid)
	wantErr := fmt.Sprintf("the local org in %s is in use by another sfprov (pid %d), still after 200ms; let it finish (or stop it) and run again, or set SFPROV_LOCK_WAIT to wait longer", home, pid)
	if err == nil || err.Error() != wantErr {
		t.Errorf("second connect: %v\nwant %s", err, wantErr)
	}
	if len(notices) != 1 || notices[0] != wantWait {
		t.Errorf("notices %q\nwant %q", notices, wantWait)
	}

	// A second that waits gets the org once the first lets go.
	done := make(chan error, 1)
	var second *Org
	go func() {
		var err error
		second, err = connect("10s", &notices, &mu)
		done <- err
	}()
	time.Sleep(150 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the second connect did not wait: %v", err)
	default:
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second connect still waits after the first closed")
	}
	defer second.Close()
	if _, err := second.Client.Query(context.Background(), "SELECT Id FROM User"); err != nil {
		t.Errorf("the second's org: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, "local-org.lock")); err != nil {
		t.Errorf("lock file: %v", err)
	}
}

func TestLockWaitSetting(t *testing.T) {
	_, err := Connect(context.Background(), Options{Getenv: envOf(map[string]string{"SFPROV_HOME": t.TempDir(), "SFPROV_LOCK_WAIT": "soon"})})
	if err == nil || !strings.Contains(err.Error(), `SFPROV_LOCK_WAIT="soon": want a duration such as 30s or 5m`) {
		t.Errorf("err = %v", err)
	}
}

// TestLockWaitCancelled: Ctrl-C while waiting ends the wait.
func TestLockWaitCancelled(t *testing.T) {
	home := t.TempDir()
	first, err := Connect(context.Background(), Options{Getenv: envOf(map[string]string{"SFPROV_HOME": home})})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = Connect(ctx, Options{Getenv: envOf(map[string]string{"SFPROV_HOME": home})})
	if err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("err %v after %s", err, time.Since(start))
	}
}
