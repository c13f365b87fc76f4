package state

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/salesforce"
	"github.com/sfprov/sfprov/internal/spec"
)

// RemoteSite is a Remote Site Setting (Tooling RemoteProxy).
type RemoteSite struct {
	ID, Name, URL, Description string
	Active                     bool
}

// RecordSet is what the org holds for one spec `records:` entry: the rows the
// spec wants and the existing records that match their keys.
type RecordSet struct {
	Rows     []map[string]spec.Value
	Existing map[string]salesforce.Record // KeyOf(row) → record
	// Duplicates are the keys that more than one org record matches, with
	// the Ids of all of them in the order the org returned them: an upsert
	// by such a key would pick one at random.
	Duplicates map[string][]string
	Err        error // the rows could not be read, or the org refused the query
}

// KeyOf renders a record's key values as one string (case-insensitive, as
// Salesforce compares text).
func KeyOf(key []string, get func(field string) string) string {
	parts := make([]string, len(key))
	for i, k := range key {
		parts[i] = strings.ToLower(get(k))
	}
	return strings.Join(parts, "\x00")
}

// ValueOf looks a field up in a spec row, ignoring case.
func ValueOf(row map[string]spec.Value, field string) (spec.Value, bool) {
	if v, ok := row[field]; ok {
		return v, true
	}
	for k, v := range row {
		if strings.EqualFold(k, field) {
			return v, true
		}
	}
	return spec.Value{}, false
}

// readRecords adds one query per record set: the records whose keys the spec
// names, with every field the spec sets.
func readRecords(r *round, s *spec.Spec, st *State) {
	for _, rs := range s.Records {
		set := &RecordSet{Existing: map[string]salesforce.Record{}}
		st.RecordSets = append(st.RecordSets, set)
		rows, err := rs.Rows()
		if err != nil {
			set.Err = err
			continue
		}
		set.Rows = rows
		if len(rows) == 0 {
			continue
		}
		fields := map[string]bool{"Id": true}
		for _, k := range rs.Key {
			fields[k] = true
		}
		for _, row := range rows {
			for f := range row {
				fields[f] = true
			}
		}
		// Only fields the object has: the planner names the others, with their
		// position in the spec, instead of the whole query failing.
		d := st.Describes[strings.ToLower(rs.Object)]
		if d == nil {
			continue
		}
		cols := make([]string, 0, len(fields))
		for f := range fields {
			if !strings.EqualFold(f, "Id") && d.HasField(f) {
				cols = append(cols, f)
			}
		}
		sort.Strings(cols)
		var where string
		if len(rs.Key) == 1 {
			var vals []string
			for _, row := range rows {
				v, _ := ValueOf(row, rs.Key[0])
				vals = append(vals, v.Value)
			}
			where = rs.Key[0] + " IN " + inList(vals)
		} else {
			var ors []string
			for _, row := range rows {
				var ands []string
				for _, k := range rs.Key {
					v, _ := ValueOf(row, k)
					ands = append(ands, k+" = "+quote(v.Value))
				}
				ors = append(ors, "("+strings.Join(ands, " AND ")+")")
			}
			where = strings.Join(ors, " OR ")
		}
		key := rs.Key
		soql := fmt.Sprintf("SELECT Id, %s FROM %s WHERE %s", strings.Join(cols, ", "), rs.Object, where)
		r.queryOr("records of "+rs.Object, soql, func(recs []salesforce.Record) {
			for _, rec := range recs {
				k := KeyOf(key, rec.String)
				if prev, dup := set.Existing[k]; dup {
					if set.Duplicates == nil {
						set.Duplicates = map[string][]string{}
					}
					if len(set.Duplicates[k]) == 0 {
						set.Duplicates[k] = []string{prev.String("Id")}
					}
					set.Duplicates[k] = append(set.Duplicates[k], rec.String("Id"))
					continue
				}
				set.Existing[k] = rec
			}
		}, func(err error) error {
			set.Err = err
			return nil
		})
	}
}

// readRemoteSites reads the org's Remote Site Settings through the Tooling API
// (salesforce-api-facts.md §8), only when the spec has some.
func readRemoteSites(ctx context.Context, c *salesforce.Client, s *spec.Spec, st *State) error {
	if len(s.RemoteSites) == 0 {
		return nil
	}
	recs, err := c.ToolingQuery(ctx, "SELECT Id, SiteName, EndpointUrl, IsActive, Description FROM RemoteProxy")
	if err != nil {
		return fmt.Errorf("read remote site settings: %w", err)
	}
	for _, r := range recs {
		st.RemoteSites[strings.ToLower(r.String("SiteName"))] = &RemoteSite{ID: r.String("Id"), Name: r.String("SiteName"), URL: r.String("EndpointUrl"), Description: r.String("Description"), Active: r.Bool("IsActive")}
	}
	return nil
}
