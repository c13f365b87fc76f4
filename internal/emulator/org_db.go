package emulator

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// The org's state in an embedded transactional store (bbolt), for an org
// that has to open fast however large it is (the local org, issue 10).
// Each mutating request is written as one transaction holding only the
// records it changed, so a crash leaves the state of the last request
// that ended, never half of one (bbolt's copy-on-write pages and
// meta-page switch).
//
// Records of the objects that grow with the org's users (lazyObjects) are
// read when a request needs them: by Id, through an index kept in the
// store beside them, or all of them when a request scans the object. The
// other objects, a few thousand rows at most, are read when the org opens.
//
// Layout: bucket "meta" (format, orgMeta as JSON, the insertion sequence);
// "ids" (Id → object NUL seq); "rec:<object>" (seq → Id then the record as
// JSON), so that a scan is in insertion order; "bin" (deletion seq →
// {object, record}); "ix:<index>" for lazy objects (index key NUL seq → Id).

// dbFormat is the layout version of the bbolt store.
const dbFormat = "1"

// lazyObjects are the objects read on demand. Every rule that looks their
// records up goes through an index (org_index.go), which the store keeps
// on disk for them.
var lazyObjects = map[string]bool{"User": true, "PermissionSetAssignment": true, "PermissionSetLicenseAssign": true}

// keySeedUsers holds the seed's users in the meta bucket.
var keySeedUsers = []byte("seedUsers")

var (
	bMeta = []byte("meta")
	bIDs  = []byte("ids")
	bBin  = []byte("bin")
)

// orgDB is an open bbolt store of one org.
type orgDB struct {
	db   *bolt.DB
	path string
}

// openDB opens (creating) the store at path. A second process opening the
// same file waits for bbolt's file lock up to a short timeout; the local
// org's own lock (internal/target) keeps that from happening.
func openDB(path string) (*orgDB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("emulator: open store %s: %w", path, err)
	}
	return &orgDB{db: db, path: path}, nil
}

// Close closes the store.
func (d *orgDB) Close() error {
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("emulator: close store %s: %w", d.path, err)
	}
	return nil
}

func seqKey(seq uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, seq)
	return b
}

func recBucket(object string) []byte { return []byte("rec:" + object) }
func ixBucket(ix *index) []byte      { return []byte("ix:" + ix.name()) }

// name names an index in the store.
func (ix *index) name() string {
	n := ix.object
	for _, f := range ix.fields {
		n += "." + f
	}
	return n
}

// decodeRecord reads a stored record, numbers as float64 as the org keeps them.
func decodeRecord(data []byte) (soql.Record, error) {
	var r soql.Record
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if err := numbers(r); err != nil {
		return nil, err
	}
	return r, nil
}

// loadMeta reads the org's meta; ok is false for an empty store.
func (d *orgDB) loadMeta() (m *orgMeta, next uint64, ok bool, err error) {
	err = d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bMeta)
		if b == nil {
			return nil
		}
		if f := string(b.Get([]byte("format"))); f != dbFormat {
			return fmt.Errorf("unsupported format %q (want %s); reset the org to start a fresh one", f, dbFormat)
		}
		m = &orgMeta{}
		if err := json.Unmarshal(b.Get([]byte("meta")), m); err != nil {
			return fmt.Errorf("meta: %w", err)
		}
		if s := b.Get([]byte("seq")); len(s) == 8 {
			next = binary.BigEndian.Uint64(s)
		}
		ok = true
		return nil
	})
	if err != nil {
		return nil, 0, false, fmt.Errorf("emulator: store %s: %w", d.path, err)
	}
	return m, next, ok, nil
}

// seedUsers reads the seed's users (none when the seed had none).
func (d *orgDB) seedUsers() ([]SeedUser, error) {
	var users []SeedUser
	err := d.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bMeta); b != nil {
			if v := b.Get(keySeedUsers); v != nil {
				return json.Unmarshal(v, &users)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("emulator: store %s: the seed's users: %w", d.path, err)
	}
	return users, nil
}

// loadEager reads every record of the objects that are not lazy, and the
// Recycle Bin, into s.
func (d *orgDB) loadEager(s *store) error {
	return d.db.View(func(tx *bolt.Tx) error {
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			object, ok := bytes.CutPrefix(name, []byte("rec:"))
			if !ok || lazyObjects[string(object)] {
				return nil
			}
			return b.ForEach(func(k, v []byte) error {
				_, err := s.decodeLive(string(object), k, v)
				return err
			})
		})
		if err != nil {
			return err
		}
		bin := tx.Bucket(bBin)
		if bin == nil {
			return nil
		}
		return bin.ForEach(func(k, v []byte) error {
			var e struct {
				Object string          `json:"object"`
				Rec    json.RawMessage `json:"rec"`
			}
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("recycle bin: %w", err)
			}
			r, err := decodeRecord(e.Rec)
			if err != nil {
				return fmt.Errorf("recycle bin: %w", err)
			}
			s.putDeleted(e.Object, r)
			s.binSeq[str(r, "Id")] = binary.BigEndian.Uint64(k)
			return nil
		})
	})
}

// decodeLive puts a live record read from the store (key seq, value Id
// then JSON) into s's memory, unless s holds it already.
func (s *store) decodeLive(object string, k, v []byte) (soql.Record, error) {
	if len(v) < 18 || len(k) != 8 {
		return nil, fmt.Errorf("%s: a malformed record", object)
	}
	id := string(v[:18])
	if r, ok := s.recs[id]; ok || s.dirty[id] {
		return r, nil
	}
	r, err := decodeRecord(v[18:])
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", object, id, err)
	}
	s.put(object, r, binary.BigEndian.Uint64(k))
	if lazyObjects[object] {
		s.diskKeys[id] = s.keysOf(object, r)
	}
	return r, nil
}

// keysOf lists a record's index entries as the store keeps them.
func (s *store) keysOf(object string, r soql.Record) []string {
	var out []string
	for _, ix := range indexes[object] {
		out = append(out, ix.name()+"\x00"+ix.key(r))
	}
	return out
}

// fetch reads one live record by Id from the store into s's memory.
func (d *orgDB) fetch(s *store, id string) (soql.Record, bool) {
	var r soql.Record
	d.db.View(func(tx *bolt.Tx) error {
		ids := tx.Bucket(bIDs)
		if ids == nil {
			return nil
		}
		loc := ids.Get([]byte(id))
		i := bytes.IndexByte(loc, 0)
		if i < 0 {
			return nil
		}
		object := string(loc[:i])
		b := tx.Bucket(recBucket(object))
		if b == nil {
			return nil
		}
		k := loc[i+1:]
		if v := b.Get(k); v != nil {
			r, _ = s.decodeLive(object, k, v)
		}
		return nil
	})
	return r, r != nil
}

// fetchAll reads every live record of object into s's memory.
func (d *orgDB) fetchAll(s *store, object string) error {
	return d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(recBucket(object))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			_, err := s.decodeLive(object, k, v)
			return err
		})
	})
}

// scanKey calls f with the Id of every record the store indexes under key
// of ix (as of the last write), in insertion order.
func (d *orgDB) scanKey(ix *index, key string, f func(id string, seq []byte)) {
	prefix := []byte(key + "\x00")
	d.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(ixBucket(ix))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, v = c.Next() {
			f(string(v), k[len(prefix):])
		}
		return nil
	})
}

// flush writes what changed since the last flush, and the meta, in one
// transaction.
func (d *orgDB) flush(s *store, meta *orgMeta) error {
	if err := d.db.Update(func(tx *bolt.Tx) error { return s.write(tx, meta) }); err != nil {
		return fmt.Errorf("emulator: write store %s: %w", d.path, err)
	}
	s.dirty = map[string]bool{}
	return nil
}

// write puts the changed records of s and meta into tx.
func (s *store) write(tx *bolt.Tx, meta *orgMeta) error {
	mb, err := tx.CreateBucketIfNotExists(bMeta)
	if err != nil {
		return err
	}
	m := withoutSeedPasswords(meta)
	if m.Seed != nil && len(m.Seed.Users) > 0 {
		// The seed's users are made once, with the org; they are kept
		// apart from the meta, which every request rewrites and every
		// open reads, and written once (an opened org's seed has none).
		if mb.Get(keySeedUsers) == nil {
			uj, err := json.Marshal(m.Seed.Users)
			if err != nil {
				return fmt.Errorf("encode the seed's users: %w", err)
			}
			if err := mb.Put(keySeedUsers, uj); err != nil {
				return err
			}
		}
		cp, seed := *m, *m.Seed
		seed.Users = nil
		cp.Seed = &seed
		m = &cp
	}
	mj, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode meta: %w", err)
	}
	if err := mb.Put([]byte("format"), []byte(dbFormat)); err != nil {
		return err
	}
	if err := mb.Put([]byte("meta"), mj); err != nil {
		return err
	}
	if err := mb.Put([]byte("seq"), seqKey(s.nextSeq)); err != nil {
		return err
	}
	ids, err := tx.CreateBucketIfNotExists(bIDs)
	if err != nil {
		return err
	}
	bin, err := tx.CreateBucketIfNotExists(bBin)
	if err != nil {
		return err
	}
	dirty := make([]string, 0, len(s.dirty))
	for id := range s.dirty {
		dirty = append(dirty, id)
	}
	sort.Strings(dirty) // the same writes in the same order, for the same requests
	for _, id := range dirty {
		if err := s.writeOne(tx, ids, bin, id); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
	}
	return nil
}

// writeOne replaces what the store holds of one record by what s holds.
func (s *store) writeOne(tx *bolt.Tx, ids, bin *bolt.Bucket, id string) error {
	// Out with the stored version: its row, its index entries, its bin entry.
	if loc := ids.Get([]byte(id)); loc != nil {
		if i := bytes.IndexByte(loc, 0); i >= 0 {
			object := string(loc[:i])
			seq := append([]byte(nil), loc[i+1:]...)
			if b := tx.Bucket(recBucket(object)); b != nil {
				if err := b.Delete(seq); err != nil {
					return err
				}
			}
			for _, k := range s.diskKeys[id] {
				name, key, _ := strings.Cut(k, "\x00")
				if b := tx.Bucket([]byte("ix:" + name)); b != nil {
					if err := b.Delete(append([]byte(key+"\x00"), seq...)); err != nil {
						return err
					}
				}
			}
		}
		if err := ids.Delete([]byte(id)); err != nil {
			return err
		}
	}
	delete(s.diskKeys, id)
	if q, ok := s.diskBin[id]; ok {
		if err := bin.Delete(seqKey(q)); err != nil {
			return err
		}
		delete(s.diskBin, id)
	}
	r, ok := s.recs[id]
	object := s.typ[id]
	if !ok || derived[object] {
		return nil // deleted, or computed again when the org opens
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if s.bin[id] {
		e, err := json.Marshal(struct {
			Object string          `json:"object"`
			Rec    json.RawMessage `json:"rec"`
		}{object, data})
		if err != nil {
			return fmt.Errorf("encode: %w", err)
		}
		q := s.binSeq[id]
		s.diskBin[id] = q
		return bin.Put(seqKey(q), e)
	}
	b, err := tx.CreateBucketIfNotExists(recBucket(object))
	if err != nil {
		return err
	}
	seq := seqKey(s.seq[id])
	if err := b.Put(seq, append([]byte(id), data...)); err != nil {
		return err
	}
	if err := ids.Put([]byte(id), append([]byte(object+"\x00"), seq...)); err != nil {
		return err
	}
	if !lazyObjects[object] {
		return nil
	}
	for _, ix := range indexes[object] {
		ib, err := tx.CreateBucketIfNotExists(ixBucket(ix))
		if err != nil {
			return err
		}
		if err := ib.Put(append([]byte(ix.key(r)+"\x00"), seq...), []byte(id)); err != nil {
			return err
		}
	}
	s.diskKeys[id] = s.keysOf(object, r)
	return nil
}
