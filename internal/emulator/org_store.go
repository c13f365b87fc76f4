package emulator

import (
	"sort"

	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// store holds the org's records. Records are keyed by their 18-character Id;
// 15-character Ids are accepted on lookup. Mutations go through insert, set
// and remove so that a transaction (allOrNone) can undo them.
type store struct {
	recs  map[string]soql.Record // id18 → record
	typ   map[string]string      // id18 → object name
	order map[string][]string    // object → ids in insertion order
	// bin holds the Recycle Bin: deleted records of objects that can be
	// undeleted, kept (with IsDeleted true) for queryAll and /deleted.
	bin      map[string]bool     // id18 → in the bin
	binOrder map[string][]string // object → ids in deletion order
	undo     *[]func()           // non-nil inside a transaction
	// byParent indexes the live records of the objects in indexedParent by
	// their ParentId (object → ParentId → ids in insertion order): the
	// permission rules look rows up by permission set on every insert, and a
	// scan of every row made large applies quadratic.
	byParent map[string]map[string][]string
}

// indexedParent lists the objects whose records are indexed by ParentId.
var indexedParent = map[string]bool{"FieldPermissions": true, "ObjectPermissions": true, "SetupEntityAccess": true}

func newStore() *store {
	return &store{recs: map[string]soql.Record{}, typ: map[string]string{}, order: map[string][]string{},
		bin: map[string]bool{}, binOrder: map[string][]string{}, byParent: map[string]map[string][]string{}}
}

// index adds a live record to the ParentId index.
func (s *store) index(object, id string) {
	if !indexedParent[object] {
		return
	}
	p, _ := s.recs[id]["ParentId"].(string)
	m := s.byParent[object]
	if m == nil {
		m = map[string][]string{}
		s.byParent[object] = m
	}
	m[p] = append(m[p], id)
}

// unindex removes a record from the ParentId index (under the ParentId it
// has now).
func (s *store) unindex(object, id string) {
	if !indexedParent[object] {
		return
	}
	p, _ := s.recs[id]["ParentId"].(string)
	ids := s.byParent[object][p]
	for i, x := range ids {
		if x == id {
			s.byParent[object][p] = append(ids[:i:i], ids[i+1:]...)
			return
		}
	}
}

// children returns the live records of object whose ParentId is parent, in
// insertion order; object must be one of indexedParent.
func (s *store) children(object, parent string) []soql.Record {
	ids := s.byParent[object][parent]
	out := make([]soql.Record, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.recs[id])
	}
	return out
}

var _ soql.Store = (*store)(nil)

// All implements soql.Store.
func (s *store) All(object string) []soql.Record {
	ids := s.order[object]
	out := make([]soql.Record, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.recs[id])
	}
	return out
}

// Get implements soql.Store. Records in the Recycle Bin are not found.
func (s *store) Get(id string) (string, soql.Record, bool) {
	c := sfid.Canonical(id)
	if c == "" || s.bin[c] {
		return "", nil, false
	}
	r, ok := s.recs[c]
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
	out := w.s.All(object)
	for _, id := range w.s.binOrder[object] {
		out = append(out, w.s.recs[id])
	}
	return out
}

func (w withDeleted) Get(id string) (string, soql.Record, bool) {
	c := sfid.Canonical(id)
	r, ok := w.s.recs[c]
	if c == "" || !ok {
		return "", nil, false
	}
	return w.s.typ[c], r, true
}

// recycle moves a record to the Recycle Bin (IsDeleted true).
func (s *store) recycle(id string, fields map[string]any) {
	object := s.typ[id]
	s.set(id, fields)
	s.unindex(object, id)
	idx := -1
	for i, x := range s.order[object] {
		if x == id {
			idx = i
			break
		}
	}
	if idx >= 0 {
		ids := s.order[object]
		s.order[object] = append(ids[:idx:idx], ids[idx+1:]...)
	}
	s.bin[id] = true
	s.binOrder[object] = append(s.binOrder[object], id)
	s.logUndo(func() {
		s.unbin(object, id)
		ids := s.order[object]
		if idx < 0 || idx > len(ids) {
			idx = len(ids)
		}
		ids = append(ids, "")
		copy(ids[idx+1:], ids[idx:])
		ids[idx] = id
		s.order[object] = ids
		s.index(object, id)
	})
}

// unbin takes a record out of the Recycle Bin's lists (not out of the store).
func (s *store) unbin(object, id string) {
	delete(s.bin, id)
	s.binOrder[object] = removeID(s.binOrder[object], id)
}

// removeID returns ids less the first id, in a new backing array where it
// changes (undo closures may still hold the old one).
func removeID(ids []string, id string) []string {
	for i, x := range ids {
		if x == id {
			return append(ids[:i:i], ids[i+1:]...)
		}
	}
	return ids
}

// deleted lists the Recycle Bin records of object.
func (s *store) deleted(object string) []soql.Record {
	out := make([]soql.Record, 0, len(s.binOrder[object]))
	for _, id := range s.binOrder[object] {
		out = append(out, s.recs[id])
	}
	return out
}

func (s *store) count(object string) int { return len(s.order[object]) }

func (s *store) logUndo(f func()) {
	if s.undo != nil {
		*s.undo = append(*s.undo, f)
	}
}

func (s *store) insert(object string, r soql.Record) {
	id := r["Id"].(string)
	s.recs[id] = r
	s.typ[id] = object
	s.order[object] = append(s.order[object], id)
	s.index(object, id)
	s.logUndo(func() { s.drop(object, id) })
}

// set changes fields of a stored record.
func (s *store) set(id string, fields map[string]any) {
	r := s.recs[id]
	object := s.typ[id]
	_, reparent := fields["ParentId"]
	live := reparent && indexedParent[object] && !s.bin[id]
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
	object, r := s.typ[id], s.recs[id]
	idx := -1
	for i, x := range s.order[object] {
		if x == id {
			idx = i
			break
		}
	}
	s.drop(object, id)
	s.logUndo(func() {
		s.recs[id] = r
		s.typ[id] = object
		s.index(object, id)
		ids := s.order[object]
		if idx < 0 || idx > len(ids) {
			idx = len(ids)
		}
		ids = append(ids, "")
		copy(ids[idx+1:], ids[idx:])
		ids[idx] = id
		s.order[object] = ids
	})
}

func (s *store) drop(object, id string) {
	if !s.bin[id] {
		s.unindex(object, id)
	}
	delete(s.recs, id)
	delete(s.typ, id)
	s.order[object] = removeID(s.order[object], id)
}

// find returns the records of object for which match is true.
func (s *store) find(object string, match func(soql.Record) bool) []soql.Record {
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
	var out []string
	for o, ids := range s.order {
		if len(ids) > 0 {
			out = append(out, o)
		}
	}
	sort.Strings(out)
	return out
}
