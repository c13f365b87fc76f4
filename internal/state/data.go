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
	Existing map[string]Record // KeyOf(row) → record
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

// recordRead is the read of one `records:` entry. Its query goes out with
// the first round, before the object's describe is known, with every field
// the spec names; settle keeps the answer when the describe has them all,
// and asks again without the others when it has not.
type recordRead struct {
	set    *RecordSet
	object string
	key    []string
	rows   []map[string]spec.Value
	fields []string // sorted, Id left out
	recs   []salesforce.Record
	err    error
}

// readRecords adds one query per record set to r: the records whose keys the
// rows name, with every field they set.
func readRecords(r *round, need []RecordsNeed, st *State) []*recordRead {
	var reads []*recordRead
	for _, rs := range need {
		set := &RecordSet{Existing: map[string]Record{}}
		st.RecordSets = append(st.RecordSets, set)
		if rs.Err != nil {
			set.Err = rs.Err
			continue
		}
		rows := rs.Rows
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
		rd := &recordRead{set: set, object: rs.Object, key: rs.Key, rows: rows}
		for f := range fields {
			if !strings.EqualFold(f, "Id") {
				rd.fields = append(rd.fields, f)
			}
		}
		sort.Strings(rd.fields)
		reads = append(reads, rd)
		r.queryOr("records of "+rs.Object, rd.soql(rd.fields), func(recs []salesforce.Record) { rd.recs = recs }, func(err error) error {
			rd.err = err
			return nil
		})
	}
	return reads
}

func (rd *recordRead) soql(cols []string) string {
	var where string
	if len(rd.key) == 1 {
		var vals []string
		for _, row := range rd.rows {
			v, _ := ValueOf(row, rd.key[0])
			vals = append(vals, v.Value)
		}
		where = rd.key[0] + " IN " + inList(vals)
	} else {
		var ors []string
		for _, row := range rd.rows {
			var ands []string
			for _, k := range rd.key {
				v, _ := ValueOf(row, k)
				ands = append(ands, k+" = "+quote(v.Value))
			}
			ors = append(ors, "("+strings.Join(ands, " AND ")+")")
		}
		where = strings.Join(ors, " OR ")
	}
	return fmt.Sprintf("SELECT Id, %s FROM %s WHERE %s", strings.Join(cols, ", "), rd.object, where)
}

// settle files what the first round read, once the describes are known:
// only fields the object has are asked for (the planner names the others,
// with their position in the spec, instead of the whole query failing), so
// a set that names a field the object lacks is read again, in r, without it.
// An object the org lacks is not read at all.
func (rd *recordRead) settle(r *round, st *State) {
	d := st.Describes[strings.ToLower(rd.object)]
	if d == nil {
		return
	}
	var cols []string
	for _, f := range rd.fields {
		if d.HasField(f) {
			cols = append(cols, f)
		}
	}
	if len(cols) == len(rd.fields) {
		rd.file()
		return
	}
	rd.recs, rd.err = nil, nil
	r.queryOr("records of "+rd.object, rd.soql(cols), func(recs []salesforce.Record) { rd.recs = recs; rd.file() }, func(err error) error {
		rd.err = err
		rd.file()
		return nil
	})
}

func (rd *recordRead) file() {
	set := rd.set
	if rd.err != nil {
		set.Err = rd.err
		return
	}
	for _, rec := range rd.recs {
		k := KeyOf(rd.key, rec.String)
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
		set.Existing[k] = Record(rec)
	}
}

// readRemoteSites reads the org's Remote Site Settings through the Tooling API
// (salesforce-api-facts.md §8), only when they are needed.
func readRemoteSites(ctx context.Context, c *salesforce.Client, need bool, st *State) error {
	if !need {
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
