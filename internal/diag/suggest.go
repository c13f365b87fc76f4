package diag

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the choice nearest to s, or "" when none is reasonably close.
// A choice equal to s ignoring case always wins. Otherwise the distance is the
// Levenshtein distance between the lower-cased strings, and a choice counts as
// close when that distance is at most a third of the longer string (at least 1,
// at most 4): "raed" → "read". When nothing is close by distance, an
// abbreviation is accepted (see below).
func Suggest(s string, choices []string) string {
	if s == "" || len(choices) == 0 {
		return ""
	}
	ls := strings.ToLower(s)
	for _, c := range choices {
		if strings.ToLower(c) == ls {
			return c
		}
	}
	best, bestD := "", -1
	n := utf8.RuneCountInString(ls)
	for _, c := range choices {
		lc := strings.ToLower(c)
		// Lengths further apart than the largest threshold cannot be close;
		// skipping them keeps long inputs against long lists cheap.
		if m := utf8.RuneCountInString(lc); m-n > maxThreshold || n-m > maxThreshold {
			continue
		}
		d := Levenshtein(ls, lc)
		if d <= threshold(ls, lc) && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	if bestD >= 0 {
		return best
	}
	// No close spelling: try abbreviations such as "permsets" for
	// "permissionSets" or "View Setup" for "View Setup and Configuration":
	// the choice must start with the same three letters and contain every
	// letter of s in order. Ties go to the shortest choice, the least
	// surprising expansion.
	rs := []rune(ls)
	if len(rs) < 4 {
		return ""
	}
	prefix := string(rs[:3])
	best = ""
	for _, c := range choices {
		lc := strings.ToLower(c)
		if strings.HasPrefix(lc, prefix) && isSubsequence(ls, lc) {
			if best == "" || len(c) < len(best) {
				best = c
			}
		}
	}
	return best
}

// maxThreshold is the largest edit distance that still counts as close.
const maxThreshold = 4

func threshold(a, b string) int {
	n := utf8.RuneCountInString(a)
	if m := utf8.RuneCountInString(b); m > n {
		n = m
	}
	t := n / 3
	if t < 1 {
		t = 1
	}
	if t > maxThreshold {
		t = maxThreshold
	}
	return t
}

func isSubsequence(s, of string) bool {
	i := 0
	rs := []rune(s)
	for _, r := range of {
		if i < len(rs) && rs[i] == r {
			i++
		}
	}
	return i == len(rs)
}

// Levenshtein is the edit distance between a and b, counted in runes:
// insertions, deletions, substitutions and, because typing mistakes are so
// often swapped neighbours ("raed", "usres"), transpositions of two adjacent
// runes (the optimal-string-alignment variant of Damerau-Levenshtein).
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	if n == 0 {
		return m
	}
	if m == 0 {
		return n
	}
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[n][m]
}
