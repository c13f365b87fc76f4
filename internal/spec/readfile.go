package spec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// MaxFileSize is the most sfprov reads of one spec or CSV file: far more
// than any spec needs (the largest built-in profile is a few KiB), small
// enough that a wrong file (a log, a database dump, /dev/zero) is refused
// before it is read, instead of filling memory.
const MaxFileSize = 10 << 20

// ErrNotRegular and ErrTooLarge are the two refusals of a file given to
// sfprov before it is read (errors.Is).
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("file too large")
)

// openLimited opens a file given to sfprov for reading at most limit bytes.
// Devices (/dev/zero, /dev/urandom, a terminal), directories and sockets
// are refused at once; a regular file larger than limit too, from its size;
// a pipe (`<(...)`, /dev/stdin) is read through a reader that fails past
// limit.
func openLimited(name string, limit int64) (io.ReadCloser, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	mode := st.Mode()
	switch {
	case mode.IsRegular():
		if st.Size() > limit {
			f.Close()
			return nil, &tooLarge{name: name, size: st.Size(), limit: limit}
		}
	case mode&fs.ModeNamedPipe != 0:
	default:
		f.Close()
		return nil, &notRegular{name: name, kind: fileKind(mode)}
	}
	return &limitedFile{f: f, r: io.LimitReader(f, limit+1), name: name, limit: limit}, nil
}

// readLimited reads a whole file through openLimited.
func readLimited(name string, limit int64) ([]byte, error) {
	r, err := openLimited(name, limit)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

type notRegular struct{ name, kind string }

func (e *notRegular) Error() string        { return fmt.Sprintf("not a regular file (%s)", e.kind) }
func (e *notRegular) Is(target error) bool { return target == ErrNotRegular }

type tooLarge struct {
	name        string
	size, limit int64
}

func (e *tooLarge) Error() string {
	if e.size > 0 {
		return fmt.Sprintf("too large: %d bytes, over the limit of %s", e.size, sizeName(e.limit))
	}
	return fmt.Sprintf("too large: over the limit of %s", sizeName(e.limit))
}
func (e *tooLarge) Is(target error) bool { return target == ErrTooLarge }

func sizeName(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// limitedFile fails a read past its limit instead of returning a cut file.
type limitedFile struct {
	f     *os.File
	r     io.Reader
	n     int64
	name  string
	limit int64
}

func (l *limitedFile) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return 0, &tooLarge{name: l.name, limit: l.limit}
	}
	return n, err
}

func (l *limitedFile) Close() error { return l.f.Close() }

// existingFile resolves a path against the spec file's directory and checks
// that a regular file is there; it returns the absolute path.
func (p *parser) existingFile(f *file, n *yaml.Node, what, s string) string {
	path := s
	if !filepath.IsAbs(path) {
		path = filepath.Join(f.dir, path)
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		p.errAt(f, n, "%s file %q does not exist (paths are relative to the spec file)", what, s)
	case err != nil:
		p.errAt(f, n, "%s file %q: %v", what, s, unwrapPathError(err))
	case !st.Mode().IsRegular():
		p.errAt(f, n, "%s file %q is not a regular file", what, s)
	}
	return path
}
