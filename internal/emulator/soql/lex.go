package soql

import (
	"strings"
	"unicode/utf8"
)

// tokKind is the lexical class of a token.
type tokKind int

const (
	tokEOF      tokKind = iota
	tokIdent            // Name, Profile.Name, SELECT, TODAY, LAST_N_DAYS (keywords are idents; the parser decides)
	tokString           // 'quoted', Text holds the unescaped value, Raw the source
	tokNumber           // 42, -1.5
	tokDate             // 2024-01-31
	tokDateTime         // 2024-01-31T10:00:00Z
	tokPunct            // ( ) , :
	tokOp               // = != <> < <= > >=
	tokBad              // a character SOQL has no use for, or an unterminated string
)

// token is one lexeme. Pos and End are byte offsets into the query.
type token struct {
	Kind tokKind
	Text string // identifier or operator as written; unescaped value for strings
	Raw  string // the source text
	Pos  int
	End  int
}

// is reports whether t is the keyword kw (SOQL keywords are case-insensitive).
func (t token) is(kw string) bool {
	return t.Kind == tokIdent && strings.EqualFold(t.Text, kw)
}

// display is how an error message quotes the token.
func (t token) display() string {
	if t.Kind == tokEOF {
		// Source: soql-tooling and CumulusCI-style test fixtures of real errors,
		// e.g. "unexpected token: '<EOF>'" for a query that ends after WHERE.
		return "<EOF>"
	}
	return t.Raw
}

// lex splits q into tokens. It never fails: characters it cannot use become
// tokBad tokens, which the parser reports as unexpected, so error positions
// stay exact. The last token is always tokEOF.
func lex(q string) []token {
	var toks []token
	i := 0
	for {
		for i < len(q) && isSpace(q[i]) {
			i++
		}
		if i >= len(q) {
			toks = append(toks, token{Kind: tokEOF, Pos: len(q), End: len(q)})
			return toks
		}
		start := i
		c := q[i]
		switch {
		case isIdentStart(c):
			i = scanIdent(q, i)
			// A dotted path (Profile.Name, Assignee.Profile.Name) is one token:
			// SOQL allows no spaces around the dot.
			for i+1 < len(q) && q[i] == '.' && isIdentStart(q[i+1]) {
				i = scanIdent(q, i+1)
			}
			toks = append(toks, token{Kind: tokIdent, Text: q[start:i], Raw: q[start:i], Pos: start, End: i})
		case isDigit(c) || ((c == '-' || c == '+') && i+1 < len(q) && isDigit(q[i+1])):
			kind, end := scanNumberOrDate(q, i)
			i = end
			toks = append(toks, token{Kind: kind, Text: q[start:i], Raw: q[start:i], Pos: start, End: i})
		case c == '\'':
			val, end, ok := scanString(q, i)
			i = end
			kind := tokString
			if !ok {
				kind = tokBad
			}
			toks = append(toks, token{Kind: kind, Text: val, Raw: q[start:i], Pos: start, End: i})
		case c == '(' || c == ')' || c == ',' || c == ':':
			i++
			toks = append(toks, token{Kind: tokPunct, Text: q[start:i], Raw: q[start:i], Pos: start, End: i})
		case c == '=':
			i++
			toks = append(toks, token{Kind: tokOp, Text: "=", Raw: "=", Pos: start, End: i})
		case c == '!' && i+1 < len(q) && q[i+1] == '=':
			i += 2
			toks = append(toks, token{Kind: tokOp, Text: "!=", Raw: "!=", Pos: start, End: i})
		case c == '<' || c == '>':
			i++
			if i < len(q) && (q[i] == '=' || (c == '<' && q[i] == '>')) {
				i++
			}
			op := q[start:i]
			if op == "<>" {
				op = "!="
			}
			toks = append(toks, token{Kind: tokOp, Text: op, Raw: q[start:i], Pos: start, End: i})
		default:
			// One whole UTF-8 character, so the caret and the quoted token stay readable.
			_, size := utf8.DecodeRuneInString(q[i:])
			i += size
			toks = append(toks, token{Kind: tokBad, Text: q[start:i], Raw: q[start:i], Pos: start, End: i})
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) }

func scanIdent(q string, i int) int {
	for i < len(q) && isIdentChar(q[i]) {
		i++
	}
	return i
}

func scanDigits(q string, i int) int {
	for i < len(q) && isDigit(q[i]) {
		i++
	}
	return i
}

// scanNumberOrDate reads a number (-12, 3.5) or, when the digits take the
// shape YYYY-MM-DD, a date literal with an optional time part
// (2024-01-31T10:00:00Z, 2024-01-31T10:00:00.000+01:00).
// Source: SOQL "Date Formats and Date Literals" (date yyyy-MM-dd; dateTime
// yyyy-MM-ddTHH:mm:ss(.SSS)?(Z|[+-]HH:mm|[+-]HHmm)).
func scanNumberOrDate(q string, i int) (tokKind, int) {
	start := i
	if q[i] == '-' || q[i] == '+' {
		i++
	}
	d := scanDigits(q, i)
	if i == start && d-i == 4 && d < len(q) && q[d] == '-' {
		if end, ok := scanDatePart(q, start); ok {
			if end < len(q) && (q[end] == 'T' || q[end] == 't') {
				if tend, ok := scanTimePart(q, end+1); ok {
					return tokDateTime, tend
				}
			}
			return tokDate, end
		}
	}
	i = d
	if i+1 < len(q) && q[i] == '.' && isDigit(q[i+1]) {
		i = scanDigits(q, i+1)
	}
	return tokNumber, i
}

func scanDatePart(q string, i int) (int, bool) {
	if i+10 > len(q) {
		return 0, false
	}
	s := q[i : i+10]
	for k, c := range []byte(s) {
		if k == 4 || k == 7 {
			if c != '-' {
				return 0, false
			}
		} else if !isDigit(c) {
			return 0, false
		}
	}
	return i + 10, true
}

func scanTimePart(q string, i int) (int, bool) {
	// HH:mm:ss
	if i+8 > len(q) {
		return 0, false
	}
	s := q[i : i+8]
	for k, c := range []byte(s) {
		if k == 2 || k == 5 {
			if c != ':' {
				return 0, false
			}
		} else if !isDigit(c) {
			return 0, false
		}
	}
	i += 8
	if i+1 < len(q) && q[i] == '.' && isDigit(q[i+1]) {
		i = scanDigits(q, i+1)
	}
	if i < len(q) && (q[i] == 'Z' || q[i] == 'z') {
		return i + 1, true
	}
	if i < len(q) && (q[i] == '+' || q[i] == '-') {
		j := scanDigits(q, i+1)
		if j-(i+1) == 4 {
			return j, true
		}
		if j-(i+1) == 2 && j < len(q) && q[j] == ':' {
			k := scanDigits(q, j+1)
			if k-(j+1) == 2 {
				return k, true
			}
		}
		return 0, false
	}
	return 0, false
}

// scanString reads a single-quoted literal whose opening quote is q[i]. The escapes
// are SOQL's: \' \" \\ \n \r \t \b \f, and \_ \% which keep their backslash so
// that LIKE can tell a literal wildcard from a pattern one.
// Source: SOQL "Quoted String Escape Sequences".
func scanString(q string, i int) (string, int, bool) {
	var b strings.Builder
	i++ // opening quote
	for i < len(q) {
		c := q[i]
		switch c {
		case '\'':
			return b.String(), i + 1, true
		case '\\':
			if i+1 >= len(q) {
				return b.String(), len(q), false
			}
			switch e := q[i+1]; e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case '_', '%':
				b.WriteByte('\\')
				b.WriteByte(e)
			default:
				b.WriteByte(e)
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), len(q), false
}
