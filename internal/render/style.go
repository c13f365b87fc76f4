package render

import (
	"io"
	"strings"
)

// Style is how human output looks on the stream it goes to: in colour (a
// terminal that wants it), and in ASCII (a locale that is not UTF-8). The
// zero Style is plain UTF-8 text.
type Style struct {
	Color bool // ANSI colours for + ~ - !, ✓ ✗ and "Error:"
	ASCII bool // ASCII in place of ✓ ✗ → … (see asciiReplacer)
}

// ANSI colours (SGR parameters).
const (
	green   = "32"
	yellow  = "33"
	red     = "31"
	magenta = "35"
	boldRed = "1;31"
)

// paint wraps s in colour c when the style has colour.
func (st Style) paint(c, s string) string {
	if !st.Color || s == "" {
		return s
	}
	return "\x1b[" + c + "m" + s + "\x1b[0m"
}

// asciiReplacer turns the non-ASCII symbols sfprov prints into ASCII.
var asciiReplacer = strings.NewReplacer("✓", "ok", "✗", "FAIL", "→", "->", "…", "...", "—", "-")

// Text is s as the style prints it: ASCII symbols when the style is ASCII.
func (st Style) Text(s string) string {
	if st.ASCII {
		return asciiReplacer.Replace(s)
	}
	return s
}

// ErrorPrefix is "Error: ", in red on a colour terminal.
func (st Style) ErrorPrefix() string { return st.paint(boldRed, "Error:") + " " }

// symbol is an action's or outcome's marker, coloured.
func (st Style) symbol(sym string) string {
	switch sym {
	case "+", "✓":
		return st.paint(green, sym)
	case "~":
		return st.paint(yellow, sym)
	case "-", "✗":
		return st.paint(red, sym)
	case SetupSymbol:
		return st.paint(magenta, sym)
	}
	return sym
}

// writer is w through the style: ASCII symbols when the style is ASCII.
func (st Style) writer(w io.Writer) io.Writer {
	if !st.ASCII {
		return w
	}
	return asciiWriter{w}
}

type asciiWriter struct{ w io.Writer }

func (a asciiWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(a.w, asciiReplacer.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
