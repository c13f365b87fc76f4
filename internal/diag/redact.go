package diag

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Hidden is what a secret is replaced with, whatever the secret.
const Hidden = "(secret)"

// shortSecret is the length (in bytes) under which a secret is hidden only
// where it stands as a whole word: hiding "ab" inside "table" would garble
// the text and show where the secret is.
const shortSecret = 4

// Redact replaces every occurrence of each secret in s with Hidden. A
// secret of shortSecret bytes or more is hidden wherever it appears, and
// with it the rest of the word it is part of (letters, digits and '_'),
// so that what is left does not depend on the secret: with the secret
// "TOKEN", "SF_ACCESS_TOKEN=x" becomes "(secret)=x", not
// "SF_ACCESS_(secret)=x". A shorter one is hidden only as a whole word.
func Redact(s string, secrets []string) string {
	type span struct{ a, b int }
	var spans []span
	for _, v := range secrets {
		if v == "" {
			continue
		}
		for i := 0; i <= len(s)-len(v); {
			j := strings.Index(s[i:], v)
			if j < 0 {
				break
			}
			a, b := i+j, i+j+len(v)
			i = a + 1
			inWordBefore := a > 0 && isWord(lastRune(s[:a])) && isWord(firstRune(v))
			inWordAfter := b < len(s) && isWord(firstRune(s[b:])) && isWord(lastRune(v))
			if len(v) < shortSecret && (inWordBefore || inWordAfter) {
				continue
			}
			for a > 0 && isWord(lastRune(s[:a])) {
				_, n := utf8.DecodeLastRuneInString(s[:a])
				a -= n
			}
			for b < len(s) && isWord(firstRune(s[b:])) {
				_, n := utf8.DecodeRuneInString(s[b:])
				b += n
			}
			spans = append(spans, span{a, b})
		}
	}
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].a < spans[j].a })
	var out strings.Builder
	last := 0
	for k := 0; k < len(spans); {
		a, b := spans[k].a, spans[k].b
		for k++; k < len(spans) && spans[k].a <= b; k++ {
			b = max(b, spans[k].b)
		}
		out.WriteString(s[last:a])
		out.WriteString(Hidden)
		last = b
	}
	out.WriteString(s[last:])
	return out.String()
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

func lastRune(s string) rune { r, _ := utf8.DecodeLastRuneInString(s); return r }
