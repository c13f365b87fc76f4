package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// pageSize is the default batch of a query page. Source: fixtures
// query-last-page-v60.json (locator "<queryId>-2000"); INDEX.md.
const pageSize = 2000

// maxCursors bounds the open query cursors kept for query-more; the oldest
// is dropped first (Salesforce also expires locators, after a timeout).
const maxCursors = 100

// cursor is the rest of a query's result, for nextRecordsUrl.
type cursor struct {
	id      string
	rows    []soql.Row
	total   int
	batch   int
	object  string
	tooling bool
	seq     uint64
}

// queryPage is a data API query result page (fixtures query-*.json: totalSize,
// done, nextRecordsUrl when not done, records).
type queryPage struct {
	TotalSize      int        `json:"totalSize"`
	Done           bool       `json:"done"`
	NextRecordsURL string     `json:"nextRecordsUrl,omitempty"`
	Records        []soql.Row `json:"records"`
}

// toolingPage is a Tooling query page. Source: fixtures
// tooling-query-InstalledSubscriberPackage.json (size, totalSize, done,
// queryLocator, entityTypeName, records).
type toolingPage struct {
	Size           int        `json:"size"`
	TotalSize      int        `json:"totalSize"`
	Done           bool       `json:"done"`
	QueryLocator   *string    `json:"queryLocator"`
	EntityTypeName *string    `json:"entityTypeName"`
	NextRecordsURL string     `json:"nextRecordsUrl,omitempty"`
	Records        []soql.Row `json:"records"`
}

// serveQuery handles /query?q=, /queryAll?q= and /query/<locator>-<offset>.
func (o *Org) serveQuery(c *reqCtx, all bool, parts []string) *apiError {
	if c.r.Method != http.MethodGet && c.r.Method != http.MethodHead {
		return errMethod(c.r.Method)
	}
	if len(parts) == 1 {
		return o.serveQueryMore(c, parts[0])
	}
	if len(parts) > 1 {
		return errNotFound()
	}
	if ex := c.r.URL.Query().Get("explain"); ex != "" && !all {
		return o.serveExplain(c, ex)
	}
	q := c.r.URL.Query().Get("q")
	if q == "" {
		// UNCONFIRMED wording.
		return errMsg(http.StatusBadRequest, "MALFORMED_QUERY", "A query string has to be specified")
	}
	body, aerr := o.runQuery(c, q, all)
	if aerr != nil {
		return aerr
	}
	writeJSON(c.w, http.StatusOK, body)
	return nil
}

// runQuery executes a query and returns its first page (or, with
// columns=true, its column metadata).
func (o *Org) runQuery(c *reqCtx, q string, all bool) (any, *apiError) {
	parsed, err := soql.Parse(q)
	if err != nil {
		return nil, soqlError(err)
	}
	view := o.view(c)
	if c.r != nil && c.r.URL.Query().Get("columns") == "true" {
		return o.columns(parsed, view)
	}
	var st soql.Store = o.st
	if all {
		// queryAll also returns the Recycle Bin (REST API guide, QueryAll).
		st = withDeleted{o.st}
	}
	if c.tooling {
		st = toolingStore{o, st} // Profile's FullName and Metadata (realorg.go)
	} else if auditObject(parsed.Object()) {
		st = auditStore{o, st, c.user.ID, c.ver} // who sees which rows (audit.go)
	}
	res, err := soql.Execute(parsed, view, st, soql.Options{APIVersion: c.ver, Tooling: c.tooling, Now: o.now().UTC()})
	if err != nil {
		return nil, soqlError(err)
	}
	batch := pageSize
	if c.r != nil {
		batch = batchSize(c.r.Header.Get("Sforce-Query-Options"))
	}
	if aerr := metadataRowLimit(res.Rows, batch); aerr != nil {
		return nil, aerr
	}
	cur := &cursor{rows: res.Rows, total: res.TotalSize, batch: batch, object: res.Object, tooling: c.tooling}
	return o.page(c, cur, 0), nil
}

// metadataRowLimit refuses a query that selects Metadata or FullName (the
// Tooling compound and name fields, e.g. RemoteProxy's and Profile's) and
// returns more than one row. Sources: Tooling API object reference ("Query
// this field only if the query result contains no more than one record.
// Otherwise, an error is returned", Profile FullName and Metadata, 204.0 to
// 264.0); the answer a real org gave, 400 [{"message":"When retrieving
// results with Metadata or FullName fields, the query qualifications must
// specify no more than one row for retrieval. Result size: 2000",
// "errorCode":"MALFORMED_QUERY"}] (sorenkrabbe/Chrome-Salesforce-inspector#39,
// which also shows "Result size: 356"; "Result size: 10" for an IN list of
// ten Ids in a staging run quoted in code-search results). The size is the
// rows of the first batch: that it stops at the batch size (2,000) is read
// from the recorded 2000, UNCONFIRMED. Only the queried object's own fields
// count here (FullName of a parent relationship is UNCONFIRMED); the data
// API has no such fields in this org.
func metadataRowLimit(rows []soql.Row, batch int) *apiError {
	if len(rows) < 2 {
		return nil
	}
	selected := false
	for _, f := range rows[0].Fields {
		selected = selected || f.Name == "Metadata" || f.Name == "FullName"
	}
	if !selected {
		return nil
	}
	return errMsg(http.StatusBadRequest, "MALFORMED_QUERY", fmt.Sprintf("When retrieving results with Metadata or FullName fields, "+
		"the query qualifications must specify no more than one row for retrieval. Result size: %d", min(len(rows), batch)))
}

// batchSize reads "batchSize=N" from Sforce-Query-Options (200..2000,
// default 2000; Salesforce "Query Options Header").
func batchSize(h string) int {
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "batchSize") {
			if n, err := strconv.Atoi(v); err == nil && n >= 200 && n <= pageSize {
				return n
			}
		}
	}
	return pageSize
}

func (o *Org) columns(q *soql.Query, view schema.View) (any, *apiError) {
	cols, err := soql.Columns(q, view)
	if err != nil {
		return nil, soqlError(err)
	}
	obj, _ := view.Lookup(q.Object())
	entity, prefix := q.Object(), ""
	if obj != nil {
		entity, prefix = obj.Name, obj.KeyPrefix
	}
	idSelected := false
	for _, col := range cols {
		idSelected = idSelected || col.ColumnName == "Id"
	}
	if cols == nil {
		cols = []soql.Column{}
	}
	// Keys of the columns=true answer (an undocumented Salesforce feature that
	// sf data query needs, real-clients.md §3.4).
	return schema.OrderedMap{{Key: "columnMetadata", Value: cols}, {Key: "entityName", Value: entity},
		{Key: "groupBy", Value: q.Grouped()}, {Key: "idSelected", Value: idSelected}, {Key: "keyPrefix", Value: prefix}}, nil
}

// page returns rows [offset, offset+batch) of a cursor, registering the
// cursor for query-more when rows remain.
func (o *Org) page(c *reqCtx, cur *cursor, offset int) any {
	end := min(offset+cur.batch, len(cur.rows))
	rows := cur.rows[offset:end]
	if rows == nil {
		rows = []soql.Row{}
	}
	done := end >= len(cur.rows)
	next := ""
	var locator *string
	if !done {
		if cur.id == "" {
			o.nextCur++
			cur.id = sfid.New("01g", o.nextCur)
			cur.seq = o.nextCur
			o.cursors[cur.id] = cur
			o.trimCursors()
		}
		loc := fmt.Sprintf("%s-%d", cur.id, end)
		locator = &loc
		prefix := "/services/data/v" + c.ver
		if cur.tooling {
			prefix += "/tooling"
		}
		next = prefix + "/query/" + loc
	} else if cur.id != "" {
		delete(o.cursors, cur.id)
	}
	if cur.tooling {
		var ent *string
		if cur.object != "" {
			e := cur.object
			ent = &e
		}
		return toolingPage{Size: len(rows), TotalSize: cur.total, Done: done, QueryLocator: locator, EntityTypeName: ent, NextRecordsURL: next, Records: rows}
	}
	return queryPage{TotalSize: cur.total, Done: done, NextRecordsURL: next, Records: rows}
}

func (o *Org) trimCursors() {
	for len(o.cursors) > maxCursors {
		var oldest *cursor
		for _, c := range o.cursors {
			if oldest == nil || c.seq < oldest.seq {
				oldest = c
			}
		}
		delete(o.cursors, oldest.id)
	}
}

func (o *Org) serveQueryMore(c *reqCtx, locator string) *apiError {
	id, off, ok := strings.Cut(locator, "-")
	n, err := strconv.Atoi(off)
	cur := o.cursors[id]
	if !ok || err != nil || cur == nil || n < 0 || n > len(cur.rows) || cur.tooling != c.tooling {
		// UNCONFIRMED wording; INVALID_QUERY_LOCATOR is an ExceptionCode (facts §12 enumerations).
		return errMsg(http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
	}
	writeJSON(c.w, http.StatusOK, o.page(c, cur, n))
	return nil
}

// soqlError turns a SOQL engine error into Salesforce's 400 answer
// (message then errorCode, no fields: fixtures error-INVALID_TYPE-query-v50.json).
func soqlError(err error) *apiError {
	var se *soql.Error
	if errors.As(err, &se) {
		return errMsg(http.StatusBadRequest, se.Code, se.Message)
	}
	return errMsg(http.StatusBadRequest, "MALFORMED_QUERY", err.Error())
}

// serveExplain answers /query?explain=SOQL (REST API guide, "Get Feedback on
// Query Performance"; jsforce query(...).explain()): {"plans":[{cardinality,
// fields, leadingOperationType, notes, relativeCost, sobjectCardinality,
// sobjectType}]}. The emulator has no indexes, so its one plan is a table
// scan; cardinality is the rows the query matches, sobjectCardinality the
// object's rows, relativeCost their ratio (the cost model is UNCONFIRMED).
func (o *Org) serveExplain(c *reqCtx, q string) *apiError {
	parsed, err := soql.Parse(q)
	if err != nil {
		return soqlError(err)
	}
	res, err := soql.Execute(parsed, o.view(c), o.st, soql.Options{APIVersion: c.ver, Tooling: c.tooling, Now: o.now().UTC()})
	if err != nil {
		return soqlError(err)
	}
	total := o.st.count(res.Object)
	cost := 0.0
	if total > 0 {
		cost = float64(res.TotalSize) / float64(total)
	}
	plan := schema.OrderedMap{{Key: "cardinality", Value: res.TotalSize}, {Key: "fields", Value: []string{}},
		{Key: "leadingOperationType", Value: "TableScan"}, {Key: "notes", Value: []any{}}, {Key: "relativeCost", Value: cost},
		{Key: "sobjectCardinality", Value: total}, {Key: "sobjectType", Value: res.Object}}
	writeJSON(c.w, http.StatusOK, map[string]any{"plans": []any{plan}})
	return nil
}
