package emulator

import "strings"

// suggest returns the choice nearest to s for a "did you mean" hint, or ""
// when none is within a third of the longer string's length in edits
// (insertions, deletions, substitutions; case ignored). A choice that
// differs from s only in case wins.
func suggest(s string, choices []string) string {
	ls := strings.ToLower(s)
	best, bestD := "", -1
	for _, c := range choices {
		lc := strings.ToLower(c)
		if lc == ls {
			return c
		}
		d := editDistance(ls, lc)
		limit := max(len([]rune(ls)), len([]rune(lc))) / 3
		if d <= max(limit, 1) && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	if best != "" || len([]rune(ls)) < 4 {
		return best
	}
	// An abbreviation ("permsets" for "permissionSets"): a choice with the
	// same first three letters holding every letter of s in order; the
	// shortest such choice.
	for _, c := range choices {
		lc := strings.ToLower(c)
		if strings.HasPrefix(lc, string([]rune(ls)[:3])) && inOrder(ls, lc) && (best == "" || len(c) < len(best)) {
			best = c
		}
	}
	return best
}

// inOrder reports whether the runes of s appear in t in the same order.
func inOrder(s, t string) bool {
	rs := []rune(s)
	i := 0
	for _, r := range t {
		if i < len(rs) && rs[i] == r {
			i++
		}
	}
	return i == len(rs)
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
