package cli

import (
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/sfprov/sfprov/internal/render"
)

// isTerminal reports whether f is a terminal. /dev/null is a character
// device but not a terminal: golang.org/x/term asks the terminal driver.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// terminal is what Run knows of the streams and the user's wishes, shared by
// every copy of IO: whether stdout and stderr are terminals, and --no-color.
type terminal struct {
	outTTY, errTTY bool
	noColor        bool // --no-color
}

// colorOn: colour only on a terminal, and never with --no-color, NO_COLOR
// set to anything but "" (no-color.org), or TERM=dumb.
func colorOn(tty, noColor bool, getenv func(string) (string, bool)) bool {
	if !tty || noColor {
		return false
	}
	if v, ok := getenv("NO_COLOR"); ok && v != "" {
		return false
	}
	if v, _ := getenv("TERM"); v == "dumb" {
		return false
	}
	return true
}

// utf8Locale reports whether the locale's character set is UTF-8: the first
// of LC_ALL, LC_CTYPE and LANG that is set decides, as in POSIX; none set is
// the C locale, which is ASCII.
func utf8Locale(getenv func(string) (string, bool)) bool {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v, ok := getenv(k); ok && v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// outStyle is the style of human output on stdout.
func (stdio IO) outStyle() render.Style { return stdio.style(stdio.term != nil && stdio.term.outTTY) }

// errStyle is the style of messages on stderr.
func (stdio IO) errStyle() render.Style { return stdio.style(stdio.term != nil && stdio.term.errTTY) }

func (stdio IO) style(tty bool) render.Style {
	getenv := stdio.Getenv
	if getenv == nil {
		getenv = func(string) (string, bool) { return "", false }
	}
	noColor := stdio.term != nil && stdio.term.noColor
	return render.Style{Color: colorOn(tty, noColor, getenv), ASCII: !utf8Locale(getenv)}
}
