//go:build !unix

package target

import "os"

// tryLock: no file lock on this system yet; the local org is not shared
// safely between processes here.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) {}
