package emulator

import (
	"fmt"
	"sort"

	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// store holds the org's records. Records are keyed by their 18-character Id;
// 15-character Ids are accepted on lookup. Mutations go through insert, set
// and remove so that a transaction (allOrNone) can undo them, and so that
// the indexes (org_index.go) follow every change.
type store struct {
	recs map[string]soql.Record // id18 → record
	typ  map[string]string      // id18 → object name
	// seq is each record's place in insertion order: order and the index
	// lists are sorted by it, so that a record taken out and put back (an
	// undone delete) returns to where it was, and a lookup answers in the
	// order a scan would.
	seq     map[string]uint64
	nextSeq uint64
	order   map[string][]string // object → live ids in insertion order
	// bin holds the Recycle Bin: deleted records of objects that can be
	// undeleted, kept (with IsDeleted true) for queryAll and /deleted.
	bin      map[string]bool     // id18 → in the bin
	binOrder map[string][]string // object → ids in deletion order
	undo     *[]func()           // non-nil inside a transaction
	// ix holds the live records by index key (index → key → ids in
	// insertion order); Recycle Bin records are in no index.
	ix map[*index]map[string][]string

	// With a bbolt store (org_db.go; nil for an org in memory or in a
	// JSON state file) the maps above hold the records read so far, and:
	db       *orgDB
	dirty    map[string]bool     // ids changed since the last flush
	full     map[string]bool     // lazy objects read whole
	diskKeys map[string][]string // index entries on disk, per lazy record read
	binSeq   map[string]uint64   // Recycle Bin records' deletion sequence
	diskBin  map[string]uint64   // the same, as on disk
	readErr  error               // the first failed read, reported by the next flush
}

func newStore() *store {
	return &store{recs: map[string]soql.Record{}, typ: map[string]string{}, seq: map[string]uint64{}, order: map[string][]string{},
		bin: map[string]bool{}, binOrder: map[string][]string{}, ix: map[*index]map[string][]string{},
		dirty: map[string]bool{}, full: map[string]bool{}, diskKeys: map[string][]string{}, binSeq: map[string]uint64{}, diskBin: map[string]uint64{}}
}

// touch marks a record as changed, for the next flush to write.
func (s *store) touch(id string) {
	if s.db != nil && !derived[s.typ[id]] {
		s.dirty[id] = true
	}
}

// lazy reports whether records of object may still be only on disk.
func (s *store) lazy(object string) bool {
	return s.db != nil && lazyObjects[object] && !s.full[object]
}

// ensureFull reads every record of a lazy object.
func (s *store) ensureFull(object string) {
	if !s.lazy(object) {
		return
	}
	if err := s.db.fetchAll(s, object); err != nil && s.readErr == nil {
		s.readErr = fmt.Errorf("emulator: read %s: %w", object, err)
	}
	s.full[object] = true
}

// rec is the stored record of a canonical Id, live or in the bin, read
// from disk when it is there only.
func (s *store) rec(id string) (soql.Record, bool) {
	if r, ok := s.recs[id]; ok {
		return r, true
	}
	if s.db == nil || s.dirty[id] {
		return nil, false
	}
	return s.db.fetch(s, id)
}

// records are the records of ids, in their order.
func (s *store) records(ids []string) []soql.Record {
	out := make([]soql.Record, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.recs[id])
	}
	return out
}

// addSorted puts id into ids (sorted by seq) at its place.
func (s *store) addSorted(ids []string, id string) []string {
	q := s.seq[id]
	if n := len(ids); n == 0 || s.seq[ids[n-1]] < q {
		return append(ids, id)
	}
	i := sort.Search(len(ids), func(i int) bool { return s.seq[ids[i]] >= q })
	ids = append(ids, "")
	copy(ids[i+1:], ids[i:])
	ids[i] = id
	return ids
}

// dropSorted takes id out of ids (sorted by seq).
func (s *store) dropSorted(ids []string, id string) []string {
	q := s.seq[id]
	i := sort.Search(len(ids), func(i int) bool { return s.seq[ids[i]] >= q })
	if i < len(ids) && ids[i] == id {
		return append(ids[:i], ids[i+1:]...)
	}
	return ids
}

// index adds a live record to its object's indexes, under the values it
// has now.
func (s *store) index(object, id string) {
	for _, ix := range indexes[object] {
		m := s.ix[ix]
		if m == nil {
			m = map[string][]string{}
			s.ix[ix] = m
		}
		k := ix.key(s.recs[id])
		m[k] = s.addSorted(m[k], id)
	}
}

// unindex takes a record out of its object's indexes (under the values it
// has now).
func (s *store) unindex(object, id string) {
	for _, ix := range indexes[object] {
		k := ix.key(s.recs[id])
		if ids := s.dropSorted(s.ix[ix][k], id); len(ids) > 0 {
			s.ix[ix][k] = ids
		} else {
			delete(s.ix[ix], k)
		}
	}
}

// indexed reports whether a change of fields moves a record of object in
// one of its indexes.
func indexed(object string, fields map[string]any) bool {
	for _, ix := range indexes[object] {
		for _, f := range ix.fields {
			if _, ok := fields[f]; ok {
				return true
			}
		}
	}
	return false
}

// lookup returns the live records of ix's object whose key is that of vals
// (one value per field), in insertion order. Callers still test each one
// as their rule says: the key only narrows the records down.
func (s *store) lookup(ix *index, vals ...any) []soql.Record {
	key := ix.keyOf(vals...)
	if s.lazy(ix.object) {
		// Read the records the disk index lists that are not in memory;
		// from then on the memory index has them.
		var missing []string
		s.db.scanKey(ix, key, func(id string, _ []byte) {
			if _, ok := s.recs[id]; !ok && !s.dirty[id] {
				missing = append(missing, id)
			}
		})
		for _, id := range missing {
			s.db.fetch(s, id)
		}
	}
	return s.records(s.ix[ix][key])
}

// countKey is len(lookup(ix, vals...)), without the records.
func (s *store) countKey(ix *index, vals ...any) int {
	key := ix.keyOf(vals...)
	n := len(s.ix[ix][key])
	if s.lazy(ix.object) {
		// Those on disk only: a record in memory is counted above under
		// the key it has now.
		s.db.scanKey(ix, key, func(id string, _ []byte) {
			if _, ok := s.recs[id]; !ok && !s.dirty[id] {
				n++
			}
		})
	}
	return n
}

// children returns the live records of object whose ParentId is parent, in
// insertion order; object must be one of parentIndex.
func (s *store) children(object, parent string) []soql.Record {
	return s.lookup(parentIndex[object], parent)
}

var _ soql.Store = (*store)(nil)

// All implements soql.Store.
func (s *store) All(object string) []soql.Record {
	s.ensureFull(object)
	return s.records(s.order[object])
}

// Get implements soql.Store. Records in the Recycle Bin are not found.
func (s *store) Get(id string) (string, soql.Record, bool) {
	c := sfid.Canonical(id)
	if c == "" || s.bin[c] {
		return "", nil, false
	}
	r, ok := s.rec(c)
	if !ok {
		return "", nil, false
	}
	return s.typ[c], r, true
}

// inBin reports whether id names a record of object in the Recycle Bin.
func (s *store) inBin(id, object string) bool {
	c := sfid.Canonical(id)
	return c != "" && s.bin[c] && s.typ[c] == object
}

// withDeleted is the store as queryAll sees it: the Recycle Bin included.
type withDeleted struct{ s *store }

func (w withDeleted) All(object string) []soql.Record {
	return append(w.s.All(object), w.s.deleted(object)...)
}

func (w withDeleted) Get(id string) (string, soql.Record, bool) {
	c := sfid.Canonical(id)
	if c == "" {
		return "", nil, false
	}
	r, ok := w.s.rec(c)
	if !ok {
		return "", nil, false
	}
	return w.s.typ[c], r, true
}

// recycle moves a record to the Recycle Bin (IsDeleted true).
func (s *store) recycle(id string, fields map[string]any) {
	object := s.typ[id]
	s.set(id, fields)
	s.unindex(object, id)
	s.order[object] = s.dropSorted(s.order[object], id)
	s.bin[id] = true
	s.binOrder[object] = append(s.binOrder[object], id)
	s.nextSeq++
	s.binSeq[id] = s.nextSeq
	s.touch(id)
	s.logUndo(func() {
		s.unbin(object, id)
		s.order[object] = s.addSorted(s.order[object], id)
		s.index(object, id)
	})
}

// unbin takes a record out of the Recycle Bin's lists (not out of the store).
func (s *store) unbin(object, id string) {
	s.touch(id)
	delete(s.bin, id)
	delete(s.binSeq, id)
	ids := s.binOrder[object]
	for i, x := range ids {
		if x == id {
			s.binOrder[object] = append(ids[:i], ids[i+1:]...)
			break
		}
	}
}

// deleted lists the Recycle Bin records of object.
func (s *store) deleted(object string) []soql.Record { return s.records(s.binOrder[object]) }

func (s *store) count(object string) int {
	s.ensureFull(object)
	return len(s.order[object])
}

func (s *store) logUndo(f func()) {
	if s.undo != nil {
		*s.undo = append(*s.undo, f)
	}
}

func (s *store) insert(object string, r soql.Record) {
	id := r["Id"].(string)
	s.nextSeq++
	s.put(object, r, s.nextSeq)
	s.touch(id)
	s.logUndo(func() { s.drop(object, id) })
}

// put stores a live record at its place in insertion order.
func (s *store) put(object string, r soql.Record, seq uint64) {
	id := r["Id"].(string)
	s.recs[id], s.typ[id], s.seq[id] = r, object, seq
	s.order[object] = s.addSorted(s.order[object], id)
	s.index(object, id)
}

// set changes fields of a stored record.
func (s *store) set(id string, fields map[string]any) {
	r := s.recs[id]
	object := s.typ[id]
	s.touch(id)
	live := !s.bin[id] && indexed(object, fields)
	if live {
		s.unindex(object, id)
	}
	old := make(map[string]any, len(fields))
	missing := []string{}
	for k, v := range fields {
		if ov, ok := r[k]; ok {
			old[k] = ov
		} else {
			missing = append(missing, k)
		}
		r[k] = v
	}
	if live {
		s.index(object, id)
	}
	s.logUndo(func() {
		s.touch(id)
		if live {
			s.unindex(object, id)
		}
		for k, v := range old {
			r[k] = v
		}
		for _, k := range missing {
			delete(r, k)
		}
		if live {
			s.index(object, id)
		}
	})
}

func (s *store) remove(id string) {
	object, r, seq := s.typ[id], s.recs[id], s.seq[id]
	s.drop(object, id)
	s.logUndo(func() {
		s.put(object, r, seq)
		s.touch(id)
	})
}

func (s *store) drop(object, id string) {
	s.touch(id)
	if !s.bin[id] {
		s.unindex(object, id)
		s.order[object] = s.dropSorted(s.order[object], id)
	}
	delete(s.recs, id)
	delete(s.typ, id)
	delete(s.seq, id)
}

// putDerived stores a record the org computes rather than keeps
// (EntityDefinition, PermissionDependency: org_state.go derived), outside
// any transaction.
func (s *store) putDerived(object string, r soql.Record) {
	s.nextSeq++
	s.put(object, r, s.nextSeq)
}

// putDeleted stores a Recycle Bin record read from a state file.
func (s *store) putDeleted(object string, r soql.Record) {
	id := r["Id"].(string)
	s.nextSeq++
	s.recs[id], s.typ[id], s.seq[id], s.bin[id] = r, object, s.nextSeq, true
	s.binOrder[object] = append(s.binOrder[object], id)
	s.binSeq[id] = s.nextSeq
}

// find returns the records of object for which match is true.
func (s *store) find(object string, match func(soql.Record) bool) []soql.Record {
	s.ensureFull(object)
	var out []soql.Record
	for _, id := range s.order[object] {
		if r := s.recs[id]; match(r) {
			out = append(out, r)
		}
	}
	return out
}

// begin starts a transaction (possibly inside another one); rollback undoes
// every change made since begin, commit keeps them (an enclosing transaction
// can still undo them).
func (s *store) begin() (rollback func(), commit func()) {
	outer := s.undo
	if outer == nil {
		log := []func(){}
		s.undo = &log
	}
	start := len(*s.undo)
	done := func() {
		if outer == nil {
			s.undo = nil
		}
	}
	return func() {
		log := *s.undo
		for i := len(log) - 1; i >= start; i-- {
			log[i]()
		}
		*s.undo = log[:start]
		done()
	}, done
}

// objects lists object names with at least one record, sorted.
func (s *store) objects() []string {
	for object := range lazyObjects {
		s.ensureFull(object)
	}
	var out []string
	for o, ids := range s.order {
		if len(ids) > 0 {
			out = append(out, o)
		}
	}
	sort.Strings(out)
	return out
}
