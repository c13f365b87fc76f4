package emulator

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// The store's secondary indexes. Every uniqueness and lookup rule of the
// org (a username, a nickname, a user's assignments, a set's rows, the
// seats of a licence) looks records up by the values of a few fields; a
// scan of every record of the object per check makes large inserts
// quadratic (issue 10: 10,000 users through the API took 180 s). An index
// narrows the records to those whose key matches; the rules still apply
// their own comparison to what it finds, so an index decides only how fast
// a rule is, never what it says.

// index is one secondary index: the records of object by the values of
// fields, compared case-insensitively (strings.EqualFold) when fold is set.
type index struct {
	object string
	fields []string
	fold   bool
}

// The indexes, by the rule that uses them.
var (
	ixUsername     = &index{object: "User", fields: []string{"Username"}, fold: true}          // DUPLICATE_USERNAME, logins
	ixNickname     = &index{object: "User", fields: []string{"CommunityNickname"}, fold: true} // DUPLICATE_COMM_NICKNAME
	ixUserProfile  = &index{object: "User", fields: []string{"ProfileId", "IsActive"}}         // seats per licence
	ixProfileUsers = &index{object: "User", fields: []string{"ProfileId"}}                     // a profile in use
	ixPSAAssignee  = &index{object: "PermissionSetAssignment", fields: []string{"AssigneeId"}} // API Enabled, a user's sets
	ixPSASet       = &index{object: "PermissionSetAssignment", fields: []string{"PermissionSetId"}}
	ixPSAPair      = &index{object: "PermissionSetAssignment", fields: []string{"AssigneeId", "PermissionSetId"}} // duplicate assignment
	ixPSLAPair     = &index{object: "PermissionSetLicenseAssign", fields: []string{"AssigneeId", "PermissionSetLicenseId"}}
	ixPSLALicense  = &index{object: "PermissionSetLicenseAssign", fields: []string{"PermissionSetLicenseId"}} // seats per licence
	ixPSGCGroup    = &index{object: "PermissionSetGroupComponent", fields: []string{"PermissionSetGroupId"}}
	ixPSGCSet      = &index{object: "PermissionSetGroupComponent", fields: []string{"PermissionSetId"}}
	ixPSProfile    = &index{object: "PermissionSet", fields: []string{"ProfileId"}}            // a profile's own set
	ixPSGroup      = &index{object: "PermissionSet", fields: []string{"PermissionSetGroupId"}} // a group's own set
	ixPSName       = &index{object: "PermissionSet", fields: []string{"Name"}, fold: true}
	ixProfileName  = &index{object: "Profile", fields: []string{"Name"}, fold: true}
	ixObjectParent = &index{object: "ObjectPermissions", fields: []string{"ParentId"}} // rows per set
	ixFieldParent  = &index{object: "FieldPermissions", fields: []string{"ParentId"}}
	ixSEAParent    = &index{object: "SetupEntityAccess", fields: []string{"ParentId"}}
)

// indexes lists every index by object.
var indexes = func() map[string][]*index {
	m := map[string][]*index{}
	for _, ix := range []*index{ixUsername, ixNickname, ixUserProfile, ixProfileUsers, ixPSAAssignee, ixPSASet, ixPSAPair, ixPSLAPair, ixPSLALicense,
		ixPSGCGroup, ixPSGCSet, ixPSProfile, ixPSGroup, ixPSName, ixProfileName, ixObjectParent, ixFieldParent, ixSEAParent} {
		m[ix.object] = append(m[ix.object], ix)
	}
	return m
}()

// parentIndex is the ParentId index of the objects whose rows hang off a
// permission set (store.children).
var parentIndex = map[string]*index{"ObjectPermissions": ixObjectParent, "FieldPermissions": ixFieldParent, "SetupEntityAccess": ixSEAParent}

// key is the index key of a record.
func (ix *index) key(r soql.Record) string {
	vals := make([]any, len(ix.fields))
	for i, f := range ix.fields {
		vals[i] = r[f]
	}
	return ix.keyOf(vals...)
}

// keyOf is the key of field values, one per field. Values that compare
// equal (==, or EqualFold for a fold index) have equal keys: each value is
// written with its type, so that the string "true" and the boolean true
// differ as they do under ==.
func (ix *index) keyOf(vals ...any) string {
	var sb strings.Builder
	for i, v := range vals {
		if i > 0 {
			sb.WriteByte(0)
		}
		switch x := v.(type) {
		case nil:
			sb.WriteByte('n')
		case string:
			sb.WriteByte('s')
			if ix.fold {
				foldInto(&sb, x)
			} else {
				sb.WriteString(x)
			}
		case bool:
			sb.WriteString(strconv.FormatBool(x)[:1])
		case float64:
			sb.WriteByte('f')
			sb.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		default:
			// No indexed field holds other values; they share one key, so
			// the index stays a superset and the rule's own test decides.
			sb.WriteByte('?')
		}
	}
	return sb.String()
}

// foldInto writes s with every rune replaced by the smallest rune of its
// case-folding orbit, so that two strings have the same folded form exactly
// when strings.EqualFold says they are equal (EqualFold compares runes by
// their simple folding orbits; invalid bytes read as utf8.RuneError, as
// there).
func foldInto(sb *strings.Builder, s string) {
	for _, r := range s {
		if r < utf8.RuneSelf {
			// An ASCII letter's orbit is its two cases (and for k and s a
			// rune above ASCII): the upper-case letter is the smallest.
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			sb.WriteRune(r)
			continue
		}
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		sb.WriteRune(min)
	}
}

var _ soql.Indexed = (*store)(nil)

// Candidates implements soql.Indexed through the object's case-insensitive
// index of field, when it has one: a fold index finds every EqualFold match.
func (s *store) Candidates(object, field string, values []string) ([]soql.Record, bool) {
	for _, ix := range indexes[object] {
		if !ix.fold || len(ix.fields) != 1 || ix.fields[0] != field {
			continue
		}
		if len(values) == 1 {
			return s.lookup(ix, values[0]), true
		}
		seen := map[string]bool{}
		var ids []string
		for _, v := range values {
			for _, r := range s.lookup(ix, v) {
				if id := r["Id"].(string); !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		sort.Slice(ids, func(i, j int) bool { return s.seq[ids[i]] < s.seq[ids[j]] })
		return s.records(ids), true
	}
	return nil, false
}

// Children implements soql.Indexed through the object's index of the
// reference field alone, when it has one. The org stores references as
// 18-character Ids, so the parent's own Id is the key.
func (s *store) Children(object, field, parentID string) ([]soql.Record, bool) {
	for _, ix := range indexes[object] {
		if !ix.fold && len(ix.fields) == 1 && ix.fields[0] == field {
			return s.lookup(ix, sfid.Canonical(parentID)), true
		}
	}
	return nil, false
}
