package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
	"github.com/sfprov/sfprov/internal/emulator/soql"
)

// Bulk API 2.0: ingest jobs (/jobs/ingest) and query jobs (/jobs/query).
//
// Sources (cited below as "guide, <page>"): the Bulk API 2.0 and Bulk API
// Developer Guide (developer.salesforce.com/docs/atlas.en-us.api_asynch.meta),
// pages "Create a Job", "Upload Job Data", "Close or Abort a Job", "Get
// Information About an Ingest Job", "Get All Jobs", "Get Job Successful /
// Failed / Unprocessed Record Results", "Delete a Job", "Job States", "Create
// a Query Job", "Get Results for a Query Job", "Errors"; the clients' own
// code: jsforce 3 src/api/bulk2.ts (what it sends and reads back) and its
// integration test test/bulk2.test.ts (run against a live org: the sf__Error
// text, empty jobs completing, sf__Created "true"/"false"), and
// @salesforce/plugin-data 4 lib/bulkIngest.js, lib/bulkUtils.js and
// lib/commands/data/export/bulk.js.
//
// The emulator processes a job synchronously: an ingest job runs when it is
// closed (UploadComplete) and a query job when it is created, so the first
// poll already sees JobComplete (allowed by the guide's job states: a client
// must poll until an outcome state, however soon it comes). Jobs live in
// memory only; a restarted emulator has none (records they wrote are saved
// like any other change).

// bulkIngestSince and bulkQuerySince are the versions the resources appeared
// in (guide, "Create a Job": "available in API version 41.0 and later";
// "Get Results for a Query Job": 47.0). Earlier, the generic 404.
const (
	bulkIngestSince = 41.0
	bulkQuerySince  = 47.0
)

// Job states (guide, "Job States").
const (
	jobOpen           = "Open"
	jobUploadComplete = "UploadComplete"
	jobComplete       = "JobComplete"
	jobFailed         = "Failed"
	jobAborted        = "Aborted"
)

// bulkJob is one Bulk API 2.0 job.
type bulkJob struct {
	id, kind            string // kind: "ingest" or "query"
	operation, object   string
	externalID          string
	state               string
	lineEnding, delim   string
	apiVersion          string
	createdBy           string
	created, modstamp   string
	errorMessage        string
	assignmentRuleID    string
	data                []byte // uploaded CSV (ingest)
	uploaded            bool
	header              []string   // input columns (ingest)
	rows                [][]string // input rows (ingest)
	results             []bulkRow  // one per processed row (ingest)
	processed, failed   int
	query               string
	qHeader             []string   // result columns (query)
	qRows               [][]string // result rows (query)
	unprocessedFromData bool       // aborted before processing: every row is unprocessed
}

// bulkRow is the outcome of one input row.
type bulkRow struct {
	ok      bool
	id      string
	created bool
	err     string
}

// bulkJobs is the org's jobs, in creation order.
type bulkJobs struct {
	byID  map[string]*bulkJob
	order []string
}

func (o *Org) jobs() *bulkJobs {
	if o.bulk == nil {
		o.bulk = &bulkJobs{byID: map[string]*bulkJob{}}
	}
	return o.bulk
}

// serveJobs handles /jobs/ingest[...] and /jobs/query[...].
func (o *Org) serveJobs(c *reqCtx, parts []string) *apiError {
	if c.tooling || len(parts) == 0 {
		return errNotFound()
	}
	ver, _ := strconv.ParseFloat(c.ver, 64)
	switch parts[0] {
	case "ingest":
		if ver < bulkIngestSince {
			return errNotFound()
		}
		return o.serveIngest(c, parts[1:])
	case "query":
		if ver < bulkQuerySince {
			return errNotFound()
		}
		return o.serveQueryJobs(c, parts[1:])
	}
	return errNotFound()
}

// errBulk is a Bulk API 2.0 request error: errorCode first, then message,
// as jsforce's BulkApiV2.parseError reads it (body[0].errorCode,
// body[0].message). The codes are the guide's ("Errors": InvalidJob,
// InvalidJobState, FeatureNotEnabled...) written upper-case, as the sf CLI
// expects them (plugin-data bulkIngest.js compares err.name with
// 'FEATURENOTENABLED'); a client's test double answers INVALIDJOB the same
// way. Each message is UNCONFIRMED unless its caller says otherwise.
func errBulk(status int, code, msg string) *apiError {
	return &apiError{status, []codeFirst{{code, msg}}}
}

// lookupJob finds a job of the given kind; an unknown Id (or one of the other
// kind) is the generic 404 NOT_FOUND (the answer to any unknown resource;
// that Bulk 2.0 words it the same is UNCONFIRMED).
func (o *Org) lookupJob(kind, id string) (*bulkJob, *apiError) {
	j := o.jobs().byID[sfid.Canonical(id)]
	if j == nil || j.kind != kind {
		return nil, errNotFound()
	}
	return j, nil
}

var (
	columnDelimiters = map[string]rune{"COMMA": ',', "TAB": '\t', "PIPE": '|', "SEMICOLON": ';', "CARET": '^', "BACKQUOTE": '`'}
	ingestOps        = map[string]bool{"insert": true, "update": true, "upsert": true, "delete": true, "hardDelete": true}
)

type jobRequest struct {
	Object              string `json:"object"`
	Operation           string `json:"operation"`
	ExternalIDFieldName string `json:"externalIdFieldName"`
	ContentType         string `json:"contentType"`
	LineEnding          string `json:"lineEnding"`
	ColumnDelimiter     string `json:"columnDelimiter"`
	AssignmentRuleID    string `json:"assignmentRuleId"`
	Query               string `json:"query"`
	State               string `json:"state"`
}

// formatOptions checks contentType, lineEnding and columnDelimiter, with the
// guide's defaults (CSV, LF, COMMA; "Create a Job" request body).
func formatOptions(req *jobRequest) *apiError {
	if req.ContentType == "" {
		req.ContentType = "CSV"
	}
	if req.LineEnding == "" {
		req.LineEnding = "LF"
	}
	if req.ColumnDelimiter == "" {
		req.ColumnDelimiter = "COMMA"
	}
	if req.ContentType != "CSV" {
		// "The only valid value (and the default) is CSV" (guide, "Create a Job").
		return errBulk(http.StatusBadRequest, "INVALIDJOB", "Invalid content type: "+req.ContentType)
	}
	if req.LineEnding != "LF" && req.LineEnding != "CRLF" {
		return errBulk(http.StatusBadRequest, "INVALIDJOB", "Invalid line ending: "+req.LineEnding)
	}
	if _, ok := columnDelimiters[req.ColumnDelimiter]; !ok {
		return errBulk(http.StatusBadRequest, "INVALIDJOB", "Invalid column delimiter: "+req.ColumnDelimiter)
	}
	return nil
}

func (o *Org) newJob(c *reqCtx, kind string, req *jobRequest) *bulkJob {
	now := timestamp(o.now())
	o.meta.Counter++
	// Job Ids have key prefix 750: the Bulk API guide's JobInfo example
	// (750D00000004SkLIAU), job Ids logged from live orgs in public notes
	// found by code search (7503h00000CV7GpAAL), and salesforcer's docs ("It
	// will start with '750'"). From the org's one Id counter.
	j := &bulkJob{id: sfid.New("750", o.meta.Counter), kind: kind, operation: req.Operation, object: req.Object,
		externalID: req.ExternalIDFieldName, lineEnding: req.LineEnding, delim: req.ColumnDelimiter, apiVersion: c.ver,
		createdBy: c.user.ID, created: now, modstamp: now, assignmentRuleID: req.AssignmentRuleID, query: req.Query}
	bj := o.jobs()
	bj.byID[j.id] = j
	bj.order = append(bj.order, j.id)
	return j
}

func (j *bulkJob) touch(o *Org, state string) {
	j.state = state
	j.modstamp = timestamp(o.now())
}

// serveIngest handles /jobs/ingest[/{id}[/batches|successfulResults|failedResults|unprocessedrecords]].
func (o *Org) serveIngest(c *reqCtx, parts []string) *apiError {
	m := c.r.Method
	switch len(parts) {
	case 0:
		switch m {
		case http.MethodPost:
			return o.createIngestJob(c)
		case http.MethodGet, http.MethodHead:
			return o.listJobs(c, "ingest")
		}
		return errMethod(m, "GET", "HEAD", "POST")
	case 1:
		j, aerr := o.lookupJob("ingest", parts[0])
		if aerr != nil {
			return aerr
		}
		switch m {
		case http.MethodGet, http.MethodHead:
			writeJSON(c.w, http.StatusOK, j.ingestInfo(true))
			return nil
		case http.MethodPatch:
			return o.patchIngestJob(c, j)
		case http.MethodDelete:
			return o.deleteJob(c, j)
		}
		return errMethod(m, "GET", "HEAD", "PATCH", "DELETE")
	case 2:
		j, aerr := o.lookupJob("ingest", parts[0])
		if aerr != nil {
			return aerr
		}
		switch parts[1] {
		case "batches":
			if m != http.MethodPut {
				return errMethod(m, "PUT")
			}
			return o.uploadJobData(c, j)
		case "successfulResults", "failedResults", "unprocessedrecords":
			if m != http.MethodGet && m != http.MethodHead {
				return errMethod(m)
			}
			writeCSV(c.w, j.resultsCSV(parts[1]))
			return nil
		}
	}
	return errNotFound()
}

// createIngestJob answers POST /jobs/ingest (guide, "Create a Job"): 200
// with the job in state Open.
func (o *Org) createIngestJob(c *reqCtx) *apiError {
	var req jobRequest
	if aerr := decodeInto(c.r, &req); aerr != nil {
		return aerr
	}
	if req.Object == "" || req.Operation == "" {
		// object and operation are Required (guide, "Create a Job"); wording UNCONFIRMED.
		return errBulk(http.StatusBadRequest, "INVALIDJOB", "InvalidJob : Required fields are missing: [object, operation]")
	}
	if !ingestOps[req.Operation] {
		// Valid operations: insert, delete, hardDelete, update, upsert (guide, "Create a Job").
		return errBulk(http.StatusBadRequest, "INVALIDJOB", "InvalidJob : Invalid operation: "+req.Operation)
	}
	if aerr := formatOptions(&req); aerr != nil {
		return aerr
	}
	obj, ok := o.view(c).Lookup(req.Object)
	if !ok {
		return errBulk(http.StatusBadRequest, "INVALIDJOB", "InvalidJob : Unable to find object: "+req.Object)
	}
	req.Object = obj.Name
	if req.Operation == "upsert" {
		// externalIdFieldName is "Required for upsert operations" (guide,
		// "Create a Job"); it must be an external Id field, or Id (wording UNCONFIRMED).
		if req.ExternalIDFieldName == "" {
			return errBulk(http.StatusBadRequest, "INVALIDJOB", "InvalidJob : External ID was blank for "+obj.Name+". An External ID must be specified for upsert.")
		}
		f, ok := obj.Field(req.ExternalIDFieldName)
		if !ok || !(f.ExternalID || f.IDLookup) {
			return errBulk(http.StatusBadRequest, "INVALIDJOB", "InvalidJob : Field name provided, "+req.ExternalIDFieldName+" is not an External ID or indexed field for "+obj.Name)
		}
		req.ExternalIDFieldName = f.Name
	} else {
		req.ExternalIDFieldName = ""
	}
	if req.Operation == "hardDelete" && !o.userHasPermission(c.user.ID, "PermissionsBulkApiHardDelete") {
		// hardDelete needs "Bulk API Hard Delete" (facts: PermissionsBulkApiHardDelete;
		// System Administrator lacks it by default). The sf CLI maps the
		// FEATURENOTENABLED error name to its own hint (plugin-data
		// bulkIngest.js createIngestJob); the message is UNCONFIRMED.
		return errBulk(http.StatusBadRequest, "FEATURENOTENABLED", "hardDelete operation requires special user profile permission, please contact your system administrator")
	}
	j := o.newJob(c, "ingest", &req)
	j.state = jobOpen
	writeJSON(c.w, http.StatusOK, j.ingestInfo(false))
	return nil
}

// uploadJobData answers PUT /jobs/ingest/{id}/batches with 201 and no body
// (guide, "Upload Job Data"). Only an Open job takes data. A second upload
// is appended after the first, without its header (UNCONFIRMED: the guide
// allows one upload per job in some versions).
func (o *Org) uploadJobData(c *reqCtx, j *bulkJob) *apiError {
	if j.state != jobOpen {
		return errBulk(http.StatusConflict, "INVALIDJOBSTATE", "Unable to upload data, job "+j.id+" is in state "+j.state+" (expected Open)")
	}
	// The guide's limit is 150 MB per upload ("Upload Job Data"); the emulator reads up to it.
	const maxUpload = 150 << 20
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxUpload+1))
	if err != nil {
		return errBulk(http.StatusBadRequest, "CLIENTINPUTERROR", "Unable to read the request body")
	}
	if len(data) > maxUpload {
		return errBulk(http.StatusRequestEntityTooLarge, "CLIENTINPUTERROR", "The upload is larger than 150 MB")
	}
	if j.uploaded && len(data) > 0 {
		// Drop the repeated header line.
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		} else {
			data = nil
		}
	}
	j.data = append(j.data, data...)
	j.uploaded = true
	j.modstamp = timestamp(o.now())
	c.w.WriteHeader(http.StatusCreated)
	return nil
}

// patchIngestJob closes (UploadComplete) or aborts (Aborted) a job (guide,
// "Close or Abort a Job"). The answer is the job with the state asked for;
// closing also runs the job, so the next GET shows JobComplete or Failed.
// Other changes, and any change to a job already at an outcome, are refused
// (400 INVALIDJOBSTATE, wording UNCONFIRMED).
func (o *Org) patchIngestJob(c *reqCtx, j *bulkJob) *apiError {
	var req jobRequest
	if aerr := decodeInto(c.r, &req); aerr != nil {
		return aerr
	}
	switch {
	case req.State == jobUploadComplete && j.state == jobOpen:
		j.touch(o, jobUploadComplete)
		answer := j.ingestInfo(false)
		o.processIngest(c, j)
		writeJSON(c.w, http.StatusOK, answer)
		return nil
	case req.State == jobAborted && (j.state == jobOpen || j.state == jobUploadComplete):
		if j.state == jobOpen {
			j.unprocessedFromData = true
		}
		j.touch(o, jobAborted)
		writeJSON(c.w, http.StatusOK, j.ingestInfo(false))
		return nil
	case req.State != jobUploadComplete && req.State != jobAborted:
		return errBulk(http.StatusBadRequest, "INVALIDJOBSTATE", "Invalid state: "+req.State+". A job can only be set to UploadComplete or Aborted")
	}
	return errBulk(http.StatusBadRequest, "INVALIDJOBSTATE", "Job "+j.id+" is in state "+j.state+" and cannot be set to "+req.State)
}

// deleteJob answers DELETE /jobs/{ingest|query}/{id}: 204, allowed once the
// job is UploadComplete, JobComplete, Aborted or Failed (guide, "Delete a
// Job": "The job must have a state of UploadComplete, JobComplete, Aborted,
// or Failed"); an Open job is refused (wording UNCONFIRMED).
func (o *Org) deleteJob(c *reqCtx, j *bulkJob) *apiError {
	if j.state == jobOpen {
		return errBulk(http.StatusBadRequest, "INVALIDJOBSTATE", "Job "+j.id+" is Open; close or abort it before deleting it")
	}
	bj := o.jobs()
	delete(bj.byID, j.id)
	for i, id := range bj.order {
		if id == j.id {
			bj.order = append(bj.order[:i:i], bj.order[i+1:]...)
			break
		}
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// listJobs answers GET /jobs/ingest and /jobs/query (guide, "Get All Jobs",
// "Get Information About All Query Jobs"): {done, records, nextRecordsUrl},
// all in one page.
func (o *Org) listJobs(c *reqCtx, kind string) *apiError {
	records := []schema.OrderedMap{}
	for _, id := range o.jobs().order {
		if j := o.jobs().byID[id]; j.kind == kind {
			records = append(records, j.listEntry())
		}
	}
	writeJSON(c.w, http.StatusOK, schema.OrderedMap{{Key: "done", Value: true}, {Key: "records", Value: records}, {Key: "nextRecordsUrl", Value: nil}})
	return nil
}

// apiVersionNumber is the job's apiVersion as the guide's examples write it,
// a JSON number with its decimal ("apiVersion" : 58.0).
func (j *bulkJob) apiVersionNumber() json.Number { return json.Number(j.apiVersion) }

// head is the first keys of every job answer, in the order of the guide's
// examples ("Create a Job", "Create a Query Job" response bodies).
func (j *bulkJob) head() schema.OrderedMap {
	m := schema.OrderedMap{{Key: "id", Value: j.id}, {Key: "operation", Value: j.operation}, {Key: "object", Value: j.object},
		{Key: "createdById", Value: j.createdBy}, {Key: "createdDate", Value: j.created}, {Key: "systemModstamp", Value: j.modstamp},
		{Key: "state", Value: j.state}}
	if j.externalID != "" {
		m = append(m, schema.KV{Key: "externalIdFieldName", Value: j.externalID})
	}
	if j.assignmentRuleID != "" {
		m = append(m, schema.KV{Key: "assignmentRuleId", Value: j.assignmentRuleID})
	}
	return append(m, schema.KV{Key: "concurrencyMode", Value: "Parallel"}, schema.KV{Key: "contentType", Value: "CSV"},
		schema.KV{Key: "apiVersion", Value: j.apiVersionNumber()})
}

// ingestInfo is an ingest job as created, closed or aborted (full=false:
// the "Create a Job" response, contentUrl while Open) or as GET shows it
// (full=true: "Get Information About an Ingest Job", with jobType, the
// record counts, retries and the processing times; errorMessage when Failed).
func (j *bulkJob) ingestInfo(full bool) schema.OrderedMap {
	m := j.head()
	if full {
		m = append(m, schema.KV{Key: "jobType", Value: "V2Ingest"})
	} else if j.state == jobOpen {
		m = append(m, schema.KV{Key: "contentUrl", Value: "services/data/v" + j.apiVersion + "/jobs/ingest/" + j.id + "/batches"})
	}
	m = append(m, schema.KV{Key: "lineEnding", Value: j.lineEnding}, schema.KV{Key: "columnDelimiter", Value: j.delim})
	if full {
		m = append(m, schema.KV{Key: "numberRecordsProcessed", Value: j.processed}, schema.KV{Key: "numberRecordsFailed", Value: j.failed},
			schema.KV{Key: "retries", Value: 0}, schema.KV{Key: "totalProcessingTime", Value: 0},
			schema.KV{Key: "apiActiveProcessingTime", Value: 0}, schema.KV{Key: "apexProcessingTime", Value: 0})
		if j.state == jobFailed {
			m = append(m, schema.KV{Key: "errorMessage", Value: j.errorMessage})
		}
	}
	return m
}

// queryInfo is a query job (guide, "Create a Query Job" and "Get Information
// About a Query Job": jobType V2Query, numberRecordsProcessed, retries,
// totalProcessingTime, isPkChunkingSupported).
func (j *bulkJob) queryInfo(full bool) schema.OrderedMap {
	m := j.head()
	if full {
		m = append(m, schema.KV{Key: "jobType", Value: "V2Query"})
	}
	m = append(m, schema.KV{Key: "lineEnding", Value: j.lineEnding}, schema.KV{Key: "columnDelimiter", Value: j.delim})
	if full {
		m = append(m, schema.KV{Key: "numberRecordsProcessed", Value: j.processed}, schema.KV{Key: "retries", Value: 0},
			schema.KV{Key: "totalProcessingTime", Value: 0}, schema.KV{Key: "isPkChunkingSupported", Value: false})
		if j.state == jobFailed {
			m = append(m, schema.KV{Key: "errorMessage", Value: j.errorMessage})
		}
	}
	return m
}

// listEntry is a job in the Get All Jobs list (guide, "Get All Jobs": the
// job's keys with jobType, lineEnding and columnDelimiter, no counts).
func (j *bulkJob) listEntry() schema.OrderedMap {
	m := j.head()
	jobType := "V2Ingest"
	if j.kind == "query" {
		jobType = "V2Query"
	}
	return append(m, schema.KV{Key: "jobType", Value: jobType}, schema.KV{Key: "lineEnding", Value: j.lineEnding},
		schema.KV{Key: "columnDelimiter", Value: j.delim})
}

// failJob ends a job in Failed with a reason for errorMessage (guide, "Get
// Information About an Ingest Job": errorMessage, "the message for a job
// that failed").
func (j *bulkJob) failJob(o *Org, msg string) {
	j.errorMessage = msg
	j.touch(o, jobFailed)
}

// processIngest runs a closed job: it parses the CSV and applies each row
// through the org's DML (insert, update, upsert by writeOne, delete by
// remove), with the rules of the REST API, row by row: a failed row does not
// stop the others (jsforce's live-org test: 200 good rows and one without
// Name give 200 successful results and one failed result).
func (o *Org) processIngest(c *reqCtx, j *bulkJob) {
	if !j.uploaded || len(bytes.TrimSpace(j.data)) == 0 {
		// A job closed without data completes with no records (jsforce's
		// test "should bulk update with empty input and not raise client
		// input error" against a live org).
		j.touch(o, jobComplete)
		return
	}
	if j.lineEnding == "LF" && bytes.Contains(j.data, []byte("\r\n")) {
		// CRLF data in an LF job fails the job: the failure sf users on
		// Windows report (forcedotcom/cli#3113, "--line-ending"); wording
		// UNCONFIRMED.
		j.failJob(o, "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF")
		return
	}
	// A UTF-8 byte order mark (as spreadsheet programs write) is not part of
	// the first column's name (UNCONFIRMED that Salesforce strips it too).
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(j.data, []byte("\xef\xbb\xbf"))))
	r.Comma = columnDelimiters[j.delim]
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	if err != nil {
		var pe *csv.ParseError
		line := 0
		if errors.As(err, &pe) {
			line = pe.Line
		}
		// UNCONFIRMED wording.
		j.failJob(o, "ClientInputError : Failed to parse the CSV data at line "+strconv.Itoa(line))
		return
	}
	if len(all) == 0 {
		j.touch(o, jobComplete)
		return
	}
	obj, _ := o.cat.Object(j.object)
	j.header, j.rows = all[0], all[1:]
	// Each column is a field, or a relationship column
	// [ObjectType:]RelationshipName.IndexedFieldName naming the parent by an
	// indexed field (guide, "Relationship Fields in a Header Row (2.0)": a
	// child-to-parent relationship one level up, an External ID field or
	// one whose idLookup is true; ObjectType: for polymorphic fields). A
	// column that is neither fails the whole job (Bulk API's batch error
	// "InvalidBatch : Field name not found : X"; that Bulk 2.0 uses the same
	// text is UNCONFIRMED).
	rels := map[int]*relColumn{}
	for k, h := range j.header {
		if _, ok := obj.Field(h); ok {
			continue
		}
		rc := o.relationColumn(obj, h)
		if rc == nil {
			j.failJob(o, "InvalidBatch : Field name not found : "+h)
			j.header, j.rows = nil, nil
			return
		}
		rels[k] = rc
	}
	d := o.dmlOf(c)
	var extField *schema.Field
	if j.externalID != "" {
		extField, _ = obj.Field(j.externalID)
	}
	j.results = make([]bulkRow, len(j.rows))
	for i, row := range j.rows {
		rec := map[string]any{}
		var relErr *DMLError
		for k, h := range j.header {
			val := ""
			if k < len(row) {
				val = row[k]
			}
			name := h
			if rc := rels[k]; rc != nil {
				name = rc.field.Name
				if val != "" && val != "#N/A" && relErr == nil {
					val, relErr = o.resolveParent(rc, val)
				}
			}
			switch val {
			case "":
				// An empty value leaves the field as it is (guide, "Prepare
				// CSV Files": use #N/A to set a field to null).
			case "#N/A":
				rec[name] = nil
			default:
				rec[name] = val
			}
		}
		if relErr != nil {
			j.results[i] = bulkFailure(relErr, "")
		} else {
			j.results[i] = o.ingestRow(d, j, obj, extField, rec)
		}
		j.processed++
		if j.results[i].ok {
			c.mutated = true
		} else {
			j.failed++
		}
	}
	j.touch(o, jobComplete)
}

// ingestRow applies one row. A failure carries Salesforce's bulk error text,
// "CODE:message:fields --" (fields joined by ","): jsforce's live-org test
// expects "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --"
// for an Account without Name, and the guide's Bulk API result example has
// "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --";
// with no fields, "CODE:message:--" (as quoted in user reports,
// "INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--").
func (o *Org) ingestRow(d dml, j *bulkJob, obj *schema.Object, extField *schema.Field, rec map[string]any) bulkRow {
	fail := bulkFailure
	// A failed update/delete row keeps the Id it named when that record
	// exists (UNCONFIRMED; inserts have none).
	existing := func() string {
		id, _ := recordID(rec)
		if id != "" && sfid.Valid(id) {
			if typ, _, ok := o.st.Get(id); ok && typ == obj.Name {
				return sfid.Canonical(id)
			}
		}
		return ""
	}
	switch j.operation {
	case "insert":
		res, err := o.writeOne(d, "create", obj, nil, rec)
		if err != nil {
			return fail(err, "")
		}
		return bulkRow{ok: true, id: res.ID, created: true}
	case "update":
		res, err := o.writeOne(d, "update", obj, nil, rec)
		if err != nil {
			return fail(err, existing())
		}
		return bulkRow{ok: true, id: res.ID}
	case "upsert":
		res, err := o.writeOne(d, "upsert", obj, extField, rec)
		if err != nil {
			return fail(err, existing())
		}
		return bulkRow{ok: true, id: res.ID, created: res.Created != nil && *res.Created}
	}
	// delete, hardDelete: only the Id column counts.
	id, _ := recordID(rec)
	if id == "" {
		return fail(dmlErr("MISSING_ARGUMENT", "Id not specified in a delete call"), "") // wording UNCONFIRMED
	}
	if !sfid.Valid(id) {
		// As the collections delete answers (MALFORMED_ID "malformed id X").
		return fail(dmlErr("MALFORMED_ID", "malformed id "+id), "")
	}
	canon := sfid.Canonical(id)
	if typ, _, ok := o.st.Get(canon); ok && typ != obj.Name {
		return fail(errCrossRef(), "")
	}
	if err := o.remove(d, canon); err != nil {
		return fail(err, existing())
	}
	if j.operation == "hardDelete" {
		// hardDelete skips the Recycle Bin (the guide's operation list:
		// hard-deleted records are not stored in the Recycle Bin; the
		// "Bulk API Hard Delete" permission exists for that reason).
		o.purge(obj.Name, canon)
	}
	return bulkRow{ok: true, id: canon}
}

// bulkFailure is a failed row with its error text (see ingestRow).
func bulkFailure(e *DMLError, id string) bulkRow {
	text := e.Code + ":" + e.Message + ":"
	if len(e.Fields) > 0 {
		text += strings.Join(e.Fields, ",") + " "
	}
	return bulkRow{id: id, err: text + "--"}
}

// relColumn is a relationship column: the reference field it sets, the
// parent object and the parent's indexed field the values name.
type relColumn struct {
	field  *schema.Field
	parent *schema.Object
	key    *schema.Field
}

// relationColumn resolves a [ObjectType:]RelationshipName.IndexedFieldName
// header on obj, or returns nil.
func (o *Org) relationColumn(obj *schema.Object, h string) *relColumn {
	rel, keyName, ok := strings.Cut(h, ".")
	if !ok || strings.Contains(keyName, ".") {
		return nil
	}
	typ := ""
	if t, r, ok := strings.Cut(rel, ":"); ok {
		typ, rel = t, r
	}
	for _, f := range obj.Fields {
		if f.Type != "reference" || !strings.EqualFold(f.RelationshipName, rel) || len(f.ReferenceTo) == 0 {
			continue
		}
		target := f.ReferenceTo[0]
		if typ != "" {
			target = ""
			for _, t := range f.ReferenceTo {
				if strings.EqualFold(t, typ) {
					target = t
				}
			}
		} else if len(f.ReferenceTo) > 1 {
			return nil // a polymorphic field needs ObjectType:
		}
		parent, ok := o.cat.Object(target)
		if !ok {
			return nil
		}
		key, ok := parent.Field(keyName)
		if !ok || !(key.ExternalID || key.IDLookup || key.Name == "Id") {
			return nil
		}
		return &relColumn{field: f, parent: parent, key: key}
	}
	return nil
}

// resolveParent finds the parent record a relationship column's value names
// and returns its Id. No match and several matches are row errors; the
// wordings are those Salesforce gives for foreign external Ids as quoted in
// integrators' reports ("Foreign key external ID: X not found for field Y
// in entity Z"; UNCONFIRMED for Bulk 2.0, and the duplicate one is the
// emulator's).
func (o *Org) resolveParent(rc *relColumn, val string) (string, *DMLError) {
	if rc.key.Name == "Id" {
		if sfid.Valid(val) {
			if typ, _, ok := o.st.Get(val); ok && typ == rc.parent.Name {
				return sfid.Canonical(val), nil
			}
		}
		return "", dmlErr("INVALID_FIELD", "Foreign key external ID: "+val+" not found for field Id in entity "+rc.parent.Name, rc.field.Name)
	}
	ms := o.st.find(rc.parent.Name, func(r soql.Record) bool {
		s, _ := r[rc.key.Name].(string)
		return strings.EqualFold(s, val)
	})
	switch len(ms) {
	case 0:
		return "", dmlErr("INVALID_FIELD", "Foreign key external ID: "+val+" not found for field "+rc.key.Name+" in entity "+rc.parent.Name, rc.field.Name)
	case 1:
		return ms[0]["Id"].(string), nil
	}
	return "", dmlErr("DUPLICATE_EXTERNAL_ID", "Foreign key external ID: "+val+" matches more than one "+rc.parent.Name+" by "+rc.key.Name, rc.field.Name)
}

// purge removes a record from the Recycle Bin for good.
func (o *Org) purge(object, id string) {
	s := o.st
	if !s.bin[id] {
		return
	}
	s.unbin(object, id)
	delete(s.recs, id)
	delete(s.typ, id)
}

// bulkCSV is a CSV answer: a header (with the names to quote marked) and rows.
type bulkCSV struct {
	header       []string
	quotedHeader int // the first quotedHeader names are quoted
	rows         [][]string
	delim        rune
	eol          string
}

// resultsCSV is one of the three result files of an ingest job:
//
//   - successfulResults: "sf__Id","sf__Created", then the input columns
//     (guide, "Get Job Successful Record Results");
//   - failedResults: "sf__Id","sf__Error", then the input columns (guide,
//     "Get Job Failed Record Results");
//   - unprocessedrecords: the input columns, for rows never processed
//     (an aborted job's data; guide, "Get Job Unprocessed Record Results").
//
// The sf__ names are quoted and the input names written as uploaded, every
// value quoted: the form of result files quoted from live orgs
// ("sf__Id","sf__Error",Id,Phone in public notes found by code search).
// Rows keep the input order (the guide does not promise an order). The
// job's delimiter and line ending are used (UNCONFIRMED).
func (j *bulkJob) resultsCSV(which string) bulkCSV {
	out := bulkCSV{delim: columnDelimiters[j.delim], eol: "\n"}
	if j.lineEnding == "CRLF" {
		out.eol = "\r\n"
	}
	header := j.header
	if header == nil && j.unprocessedFromData {
		header, _ = splitCSVHeader(j.data, out.delim)
	}
	switch which {
	case "successfulResults":
		out.header = append([]string{"sf__Id", "sf__Created"}, header...)
		out.quotedHeader = 2
		for i, r := range j.results {
			if r.ok {
				out.rows = append(out.rows, append([]string{r.id, strconv.FormatBool(r.created)}, j.rows[i]...))
			}
		}
	case "failedResults":
		out.header = append([]string{"sf__Id", "sf__Error"}, header...)
		out.quotedHeader = 2
		for i, r := range j.results {
			if !r.ok {
				out.rows = append(out.rows, append([]string{r.id, r.err}, j.rows[i]...))
			}
		}
	default:
		out.header = header
		if j.unprocessedFromData {
			rd := csv.NewReader(bytes.NewReader(j.data))
			rd.Comma = out.delim
			rd.FieldsPerRecord = -1
			if all, err := rd.ReadAll(); err == nil && len(all) > 1 {
				out.rows = all[1:]
			}
		}
	}
	return out
}

func splitCSVHeader(data []byte, delim rune) ([]string, error) {
	rd := csv.NewReader(bytes.NewReader(data))
	rd.Comma = delim
	rd.FieldsPerRecord = -1
	return rd.Read()
}

func quoteCSV(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (b bulkCSV) String() string {
	var sb strings.Builder
	if len(b.header) > 0 {
		for i, h := range b.header {
			if i > 0 {
				sb.WriteRune(b.delim)
			}
			if i < b.quotedHeader {
				sb.WriteString(quoteCSV(h))
			} else {
				sb.WriteString(h)
			}
		}
		sb.WriteString(b.eol)
	}
	for _, r := range b.rows {
		for i, v := range r {
			if i > 0 {
				sb.WriteRune(b.delim)
			}
			sb.WriteString(quoteCSV(v))
		}
		sb.WriteString(b.eol)
	}
	return sb.String()
}

// writeCSV answers 200 text/csv (guide: the results' format is CSV).
func writeCSV(w http.ResponseWriter, b bulkCSV) {
	w.Header().Set("Content-Type", "text/csv")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, b.String())
}

// serveQueryJobs handles /jobs/query[/{id}[/results]].
func (o *Org) serveQueryJobs(c *reqCtx, parts []string) *apiError {
	m := c.r.Method
	switch len(parts) {
	case 0:
		switch m {
		case http.MethodPost:
			return o.createQueryJob(c)
		case http.MethodGet, http.MethodHead:
			return o.listJobs(c, "query")
		}
		return errMethod(m, "GET", "HEAD", "POST")
	case 1:
		j, aerr := o.lookupJob("query", parts[0])
		if aerr != nil {
			return aerr
		}
		switch m {
		case http.MethodGet, http.MethodHead:
			writeJSON(c.w, http.StatusOK, j.queryInfo(true))
			return nil
		case http.MethodPatch:
			return o.abortQueryJob(c, j)
		case http.MethodDelete:
			return o.deleteJob(c, j)
		}
		return errMethod(m, "GET", "HEAD", "PATCH", "DELETE")
	case 2:
		if parts[1] != "results" {
			return errNotFound()
		}
		j, aerr := o.lookupJob("query", parts[0])
		if aerr != nil {
			return aerr
		}
		if m != http.MethodGet && m != http.MethodHead {
			return errMethod(m)
		}
		return o.queryResults(c, j)
	}
	return errNotFound()
}

// createQueryJob answers POST /jobs/query (guide, "Create a Query Job"):
// operation query or queryAll, the SOQL in query. The query runs at once;
// the answer shows UploadComplete as the guide's example does, and the next
// GET shows JobComplete with numberRecordsProcessed. A query that does not
// compile is refused with the REST query's error body (UNCONFIRMED for Bulk).
func (o *Org) createQueryJob(c *reqCtx) *apiError {
	var req jobRequest
	if aerr := decodeInto(c.r, &req); aerr != nil {
		return aerr
	}
	if req.Operation != "query" && req.Operation != "queryAll" {
		return errBulk(http.StatusBadRequest, "INVALIDJOB", "InvalidJob : Invalid operation: "+req.Operation+". Valid operations are query and queryAll")
	}
	if strings.TrimSpace(req.Query) == "" {
		return errBulk(http.StatusBadRequest, "INVALIDJOB", "InvalidJob : The query is missing")
	}
	if aerr := formatOptions(&req); aerr != nil {
		return aerr
	}
	parsed, err := soql.Parse(req.Query)
	if err != nil {
		return soqlError(err)
	}
	view := o.view(c)
	cols, err := soql.Columns(parsed, view)
	if err != nil {
		return soqlError(err)
	}
	if parsed.Grouped() {
		return errBulk(http.StatusBadRequest, "FEATURENOTENABLED", "GROUP BY is not supported by Bulk API 2.0")
	}
	if clause := unsupportedClause(req.Query); clause != "" {
		return errBulk(http.StatusBadRequest, "FEATURENOTENABLED", clause+" is not supported by Bulk API 2.0")
	}
	header, datetimes, aerr := bulkColumns(cols)
	if aerr != nil {
		return aerr
	}
	var st soql.Store = o.st
	if req.Operation == "queryAll" {
		st = withDeleted{o.st}
	}
	res, err := soql.Execute(parsed, view, st, soql.Options{APIVersion: c.ver, Now: o.now().UTC()})
	if err != nil {
		return soqlError(err)
	}
	req.Object = res.Object
	j := o.newJob(c, "query", &req)
	j.qHeader = header
	for i := range res.Rows {
		row := &res.Rows[i]
		line := make([]string, 0, len(header))
		for k, h := range header {
			line = append(line, csvValue(rowValue(row, strings.Split(h, ".")), datetimes[k]))
		}
		j.qRows = append(j.qRows, line)
	}
	j.processed = len(j.qRows)
	j.state = jobUploadComplete
	answer := j.queryInfo(false)
	j.state = jobComplete
	writeJSON(c.w, http.StatusOK, answer)
	return nil
}

// unsupportedBulkRE finds the clauses that Bulk API 2.0 queries do not take
// (guide, "Create a Query Job": "GROUP BY, OFFSET, or TYPEOF clauses",
// aggregate functions, date functions in GROUP BY, compound fields and
// FIELDS(), parent-to-child relationship queries), outside string literals.
var unsupportedBulkRE = regexp.MustCompile(`(?i)\b(OFFSET|TYPEOF)\b|\bFIELDS\s*\(`)

// unsupportedClause names the first such clause of q, or "". The parsed
// query does not expose OFFSET or FIELDS(), hence the scan of the text with
// its string literals blanked.
func unsupportedClause(q string) string {
	var sb strings.Builder
	in := false
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case in && ch == '\\' && i+1 < len(q):
			i++
			sb.WriteString("  ")
			continue
		case ch == '\'':
			in = !in
		case in:
			ch = ' '
		}
		sb.WriteByte(ch)
	}
	m := unsupportedBulkRE.FindString(sb.String())
	if m == "" {
		return ""
	}
	if strings.HasPrefix(strings.ToUpper(m), "FIELDS") {
		return "FIELDS()"
	}
	return strings.ToUpper(m)
}

// bulkColumns flattens the result columns to CSV headers ("Account.Name"
// for a parent field), refusing what Bulk API 2.0 queries do not take (see
// unsupportedBulkRE): aggregates, child subqueries, TYPEOF and compound
// address or location fields. The refusals' wording is UNCONFIRMED.
//
// datetimes marks the Datetime columns (see csvValue).
func bulkColumns(cols []soql.Column) (header []string, datetimes []bool, aerr *apiError) {
	if len(cols) == 0 {
		return nil, nil, errBulk(http.StatusBadRequest, "FEATURENOTENABLED", "Aggregate queries are not supported by Bulk API 2.0")
	}
	var walk func(prefix string, cs []soql.Column) *apiError
	walk = func(prefix string, cs []soql.Column) *apiError {
		for _, col := range cs {
			if col.Aggregate && col.ForeignKey == nil && len(col.JoinColumns) > 0 {
				// A child subquery's column (soql.columnsOf: aggregate, joinColumns).
				return errBulk(http.StatusBadRequest, "FEATURENOTENABLED", "Parent-to-child relationship queries are not supported by Bulk API 2.0")
			}
			if col.Aggregate {
				return errBulk(http.StatusBadRequest, "FEATURENOTENABLED", "Aggregate queries are not supported by Bulk API 2.0")
			}
			if col.ApexType != nil && (*col.ApexType == "Address" || *col.ApexType == "Location") {
				return errBulk(http.StatusBadRequest, "FEATURENOTENABLED", "Compound field "+prefix+col.ColumnName+" is not supported by Bulk API 2.0; query its components")
			}
			if len(col.JoinColumns) > 0 {
				if err := walk(prefix+col.ColumnName+".", col.JoinColumns); err != nil {
					return err
				}
				continue
			}
			header = append(header, prefix+col.ColumnName)
			datetimes = append(datetimes, col.ApexType != nil && *col.ApexType == "Datetime")
		}
		return nil
	}
	if aerr := walk("", cols); aerr != nil {
		return nil, nil, aerr
	}
	return header, datetimes, nil
}

// rowValue follows path through a result row (parent relationships are
// nested rows; a null parent gives an empty value).
func rowValue(r *soql.Row, path []string) any {
	if r == nil {
		return nil
	}
	for _, f := range r.Fields {
		if !strings.EqualFold(f.Name, path[0]) {
			continue
		}
		if len(path) == 1 {
			return f.Value
		}
		if child, ok := f.Value.(*soql.Row); ok {
			return rowValue(child, path[1:])
		}
		return nil
	}
	return nil
}

// csvValue writes a value as Bulk query results do: null as empty, booleans
// as true/false, numbers without exponent, datetimes in UTC with "Z"
// (2026-11-23T12:00:00.000Z, where REST JSON writes +0000) (UNCONFIRMED
// beyond the guide's example, which has only strings).
func csvValue(v any, datetime bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if datetime && strings.HasSuffix(x, "+0000") {
			return strings.TrimSuffix(x, "+0000") + "Z"
		}
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case *soql.Row:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// abortQueryJob answers PATCH {"state":"Aborted"} (guide, "Abort a Query
// Job"). The emulator's query jobs have already completed, so the change is
// refused like any change to a finished job (wording UNCONFIRMED).
func (o *Org) abortQueryJob(c *reqCtx, j *bulkJob) *apiError {
	var req jobRequest
	if aerr := decodeInto(c.r, &req); aerr != nil {
		return aerr
	}
	if req.State != jobAborted {
		return errBulk(http.StatusBadRequest, "INVALIDJOBSTATE", "Invalid state: "+req.State+". A query job can only be set to Aborted")
	}
	if j.state != jobUploadComplete {
		return errBulk(http.StatusBadRequest, "INVALIDJOBSTATE", "Job "+j.id+" is in state "+j.state+" and cannot be set to Aborted")
	}
	j.touch(o, jobAborted)
	writeJSON(c.w, http.StatusOK, j.queryInfo(false))
	return nil
}

// queryResults answers GET /jobs/query/{id}/results[?locator=&maxRecords=]
// (guide, "Get Results for a Query Job"): CSV, every name and value quoted
// ("Id","Name" in the guide's example), with the headers
// Sforce-NumberOfRecords (rows in this set) and Sforce-Locator (the next
// set's locator, or the string "null" after the last: jsforce's result()
// and plugin-data's exportRecords loop until they read "null"). Without
// maxRecords every remaining row comes in one set. Locators are the
// base64 form of the next row's offset (the form seen in live answers,
// e.g. "MTAwMDA"; UNCONFIRMED). A job read with another API version than
// it was created in answers 409 (guide: "Use the same API version to get
// query results that you used to create the query. Otherwise, the call
// returns a 409 error"; body UNCONFIRMED).
func (o *Org) queryResults(c *reqCtx, j *bulkJob) *apiError {
	if j.state != jobComplete {
		return errBulk(http.StatusBadRequest, "INVALIDJOBSTATE", "Job "+j.id+" is in state "+j.state+"; results are available once it is JobComplete")
	}
	if c.ver != j.apiVersion {
		return errBulk(http.StatusConflict, "INVALIDJOBSTATE", "The job was created in API version "+j.apiVersion+"; get its results with the same version")
	}
	q := c.r.URL.Query()
	offset := 0
	if loc := q.Get("locator"); loc != "" && loc != "null" {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(loc, "="))
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > len(j.qRows) {
			return errBulk(http.StatusBadRequest, "INVALIDLOCATOR", "Invalid locator: "+loc)
		}
		offset = n
	}
	end := len(j.qRows)
	if s := q.Get("maxRecords"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return errBulk(http.StatusBadRequest, "INVALIDMAXRECORDS", "maxRecords must be a positive integer: "+s)
		}
		end = min(offset+n, len(j.qRows))
	}
	next := "null"
	if end < len(j.qRows) {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	out := bulkCSV{header: j.qHeader, quotedHeader: len(j.qHeader), rows: j.qRows[offset:end], delim: columnDelimiters[j.delim], eol: "\n"}
	if j.lineEnding == "CRLF" {
		out.eol = "\r\n"
	}
	c.w.Header().Set("Sforce-Locator", next)
	c.w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(end-offset))
	writeCSV(c.w, out)
	return nil
}
