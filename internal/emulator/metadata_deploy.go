package emulator

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
)

// The Metadata API's REST deploy: POST /services/data/vXX.X/metadata/deployRequest
// (a multipart body: the deploy options and a zip), then GET
// .../deployRequest/{id}[?includeDetails=true] until the deploy is done, and
// PATCH .../deployRequest/{id} to cancel it. Sources:
//   - the resources: Metadata API Developer Guide, "Deploy Metadata with Apex
//     Testing Using REST" (meta_rest_deploy.htm), "Check the Status of Your
//     Deployment Using REST Resources" (meta_rest_deploy_checkstatus.htm),
//     "Cancel a Deployment in Progress Using REST" (meta_rest_deploy_cancel.htm);
//     integration-metadata-facts.md §3.3;
//   - the part names: CumulusCI rest_deploy.py sends "json" and "file"
//     (filename metadata.zip), jsforce 3 metadata.deployRest "file"
//     (filename package.xml) and "entity_content"; which the server requires
//     is UNCONFIRMED, so both are accepted;
//   - the result's fields: the Metadata API's DeployResult, DeployDetails and
//     DeployMessage types (meta_deployresult.htm; jsforce
//     src/api/metadata/schema.ts), keys in that alphabetical order. The
//     reference's REST samples write booleans and numbers as strings
//     ("checkOnly" : "false", "numberComponentsDeployed" : "10"); typed
//     clients (rustsf's DeployResult: check_only bool) read JSON booleans and
//     numbers, which the emulator writes (UNCONFIRMED which a live org sends).
//
// A deploy is a job: its status reads Pending in the create answer, then
// InProgress for Options.DeployPolls reads (default 1), then its final
// status (Succeeded, SucceededPartial, Failed or Canceled); the components
// are checked and applied when that final read comes, so a client that does
// not poll sees nothing change. Deploys run one at a time in the order they
// were created (an earlier deploy ends before a later one). Jobs are kept in
// memory only, like Bulk API jobs: after a restart the ids are unknown (the
// changes they made stay).

// deployJobs are the org's deploys.
type deployJobs struct {
	byID  map[string]*deployJob
	order []string
}

// deployJob is one deploy request.
type deployJob struct {
	id       string
	opts     deployOptions
	zip      []byte
	userID   string
	created  time.Time
	started  time.Time
	reads    int
	canceled bool // a PATCH asked to cancel it
	outcome  *deployOutcome
	// validated is the checkOnly deploy a quick deploy repeats ("" = none).
	validated string
}

// deployOptions are the documented deployOptions (meta_rest_deploy.htm:
// allowMissingFiles, autoUpdatePackage, checkOnly, ignoreWarnings,
// performRetrieve, purgeOnDelete, rollbackOnError, runTests,
// singlePackage, testLevel). rollbackOnError defaults to true ("Defaults
// to true", Metadata API DeployOptions; a failure then commits nothing).
type deployOptions struct {
	AllowMissingFiles, AutoUpdatePackage, CheckOnly, IgnoreWarnings bool
	PerformRetrieve, PurgeOnDelete, RollbackOnError, SinglePackage  bool
	RunTests                                                        []string
	TestLevel                                                       string
}

// deployOutcome is a finished deploy.
type deployOutcome struct {
	status    string // Succeeded, SucceededPartial, Failed, Canceled
	total     int    // components named (package.xml not counted)
	failures  []deployMessage
	successes []deployMessage
	completed time.Time
}

// deployMessage is one DeployMessage of the details.
type deployMessage struct {
	changed, created, deleted, success bool
	componentType, fullName, fileName  string
	id                                 string
	problem                            string
	line, col                          int // 0 = null
}

func (o *Org) deployJobs() *deployJobs {
	if o.deploys == nil {
		o.deploys = &deployJobs{byID: map[string]*deployJob{}}
	}
	return o.deploys
}

// serveMetadata handles /metadata/... (data API only).
func (o *Org) serveMetadata(c *reqCtx, parts []string) *apiError {
	if c.tooling || len(parts) == 0 || parts[0] != "deployRequest" || len(parts) > 2 {
		return errNotFound()
	}
	if len(parts) == 1 {
		if c.r.Method != http.MethodPost {
			return errMethod(c.r.Method, "POST")
		}
		return o.createDeploy(c)
	}
	j, ok := o.deployJobs().byID[sfid.Canonical(parts[1])]
	if !ok {
		return errNotFound()
	}
	switch c.r.Method {
	case http.MethodGet, http.MethodHead:
		o.readDeploy(c, j)
		writeJSON(c.w, http.StatusOK, o.deployBody(c, j, c.r.URL.Query().Get("includeDetails") == "true"))
		return nil
	case http.MethodPatch:
		return o.cancelDeploy(c, j)
	}
	return errMethod(c.r.Method, "GET", "HEAD", "PATCH")
}

// errDeployRequest is a deploy the org cannot even start; the wording and
// code are UNCONFIRMED (no recorded answer to a malformed deployRequest).
func errDeployRequest(msg string) *apiError {
	return errMsg(http.StatusBadRequest, "INVALID_MULTIPART_REQUEST", msg)
}

// createDeploy answers the POST: 201 with the new job, status Pending.
func (o *Org) createDeploy(c *reqCtx) *apiError {
	mt, params, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	j := &deployJob{userID: c.user.ID, created: o.now()}
	if j.userID == "" {
		j.userID = o.meta.AdminID
	}
	switch {
	case mt == "application/json":
		// A quick deploy of a validation: {"validatedDeployRequestId": id}
		// (jsforce deployRecentValidation, rest: true).
		var body struct {
			ID string `json:"validatedDeployRequestId"`
		}
		raw, aerr := readJSONBody(c.r)
		if aerr != nil {
			return aerr
		}
		if err := json.Unmarshal(raw, &body); err != nil || body.ID == "" {
			return errDeployRequest("validatedDeployRequestId is required")
		}
		v, ok := o.deployJobs().byID[sfid.Canonical(body.ID)]
		if !ok {
			return errNotFound()
		}
		if !v.quickDeployable() {
			return errDeployRequest(errNotValidation(v))
		}
		j.repeat(v)
	case mt == "multipart/form-data":
		opts, zipped, aerr := readDeployParts(multipart.NewReader(c.r.Body, params["boundary"]))
		if aerr != nil {
			return aerr
		}
		j.opts, j.zip = opts, zipped
	default:
		return errDeployRequest("A deploy request is multipart/form-data with the deploy options and a zip file.")
	}
	o.addDeployJob(j)
	c.mutated = true // the counter moved
	writeJSON(c.w, http.StatusCreated, o.deployBody(c, j, false))
	return nil
}

// addDeployJob gives a new job its id and queues it (the REST resource and
// the SOAP deploy() call, metadata_soap.go, both start deploys here).
func (o *Org) addDeployJob(j *deployJob) {
	// Deploy ids start 0Af (the reference's samples, 0Afxx00000000lWCAQ;
	// recorded ids 0AfKN00000DUK210AH, 0AfgK000004tszxSAA).
	o.meta.Counter++
	j.id = sfid.New("0Af", o.meta.Counter)
	jobs := o.deployJobs()
	jobs.byID[j.id] = j
	jobs.order = append(jobs.order, j.id)
}

// quickDeployable reports whether a deploy can be quick-deployed: a
// checkOnly deploy that succeeded (deployRecentValidation(): "a validation
// that was recently run"; how recent is not checked).
func (v *deployJob) quickDeployable() bool {
	return v.outcome != nil && v.opts.CheckOnly && v.outcome.status == "Succeeded"
}

// errNotValidation is the refusal of a quick deploy of anything else
// (UNCONFIRMED wording).
func errNotValidation(v *deployJob) string {
	return "The deploy request " + v.id + " is not a successful validation."
}

// repeat makes j the quick deploy of the validation v: its zip and
// options, committed this time.
func (j *deployJob) repeat(v *deployJob) {
	j.opts, j.zip, j.validated = v.opts, v.zip, v.id
	j.opts.CheckOnly = false
}

// readDeployParts reads the multipart body: the options from the part
// named "json" or "entity_content", the zip from "file".
func readDeployParts(mr *multipart.Reader) (deployOptions, []byte, *apiError) {
	opts := deployOptions{RollbackOnError: true}
	var zipped []byte
	gotZip := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return opts, nil, errDeployRequest("Cannot read the multipart body: " + err.Error())
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return opts, nil, errDeployRequest("Cannot read the multipart body: " + err.Error())
		}
		switch p.FormName() {
		case "json", "entity_content":
			o, aerr := parseDeployOptions(data)
			if aerr != nil {
				return opts, nil, aerr
			}
			opts = o
		case "file":
			zipped, gotZip = data, true
		}
	}
	if !gotZip {
		return opts, nil, errDeployRequest("The deploy request has no part named file with the zip.")
	}
	return opts, zipped, nil
}

// parseDeployOptions reads {"deployOptions":{…}}. Booleans may come as
// JSON booleans or as the strings "true"/"false" (CumulusCI sends checkOnly
// and purgeOnDelete as strings); unknown options are ignored (UNCONFIRMED).
func parseDeployOptions(data []byte) (deployOptions, *apiError) {
	opts := deployOptions{RollbackOnError: true}
	var body struct {
		DeployOptions map[string]any `json:"deployOptions"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return opts, errMsg(http.StatusBadRequest, "JSON_PARSER_ERROR", "The deploy options are not JSON: "+err.Error())
	}
	return deployOptionsFrom(body.DeployOptions), nil
}

// deployOptionsFrom reads the DeployOptions fields of m (booleans as JSON
// booleans or strings, runTests a list of strings); the SOAP deploy() call
// gives its <DeployOptions> children the same way (metadata_soap.go).
func deployOptionsFrom(m map[string]any) deployOptions {
	opts := deployOptions{RollbackOnError: true}
	flag := func(k string, dst *bool) {
		switch v := m[k].(type) {
		case bool:
			*dst = v
		case string:
			*dst = strings.EqualFold(v, "true")
		}
	}
	flag("allowMissingFiles", &opts.AllowMissingFiles)
	flag("autoUpdatePackage", &opts.AutoUpdatePackage)
	flag("checkOnly", &opts.CheckOnly)
	flag("ignoreWarnings", &opts.IgnoreWarnings)
	flag("performRetrieve", &opts.PerformRetrieve)
	flag("purgeOnDelete", &opts.PurgeOnDelete)
	flag("rollbackOnError", &opts.RollbackOnError)
	flag("singlePackage", &opts.SinglePackage)
	if list, ok := m["runTests"].([]any); ok {
		for _, t := range list {
			if s, ok := t.(string); ok {
				opts.RunTests = append(opts.RunTests, s)
			}
		}
	}
	opts.TestLevel, _ = m["testLevel"].(string)
	return opts
}

// polls is how many reads answer InProgress before the final one.
func polls(n int) int {
	switch {
	case n == 0:
		return 1
	case n < 0:
		return 0
	}
	return n
}

// readDeploy counts a status read and ends the job when its reads are spent.
func (o *Org) readDeploy(c *reqCtx, j *deployJob) {
	if j.outcome != nil {
		return
	}
	j.reads++
	if j.reads == 1 {
		j.started = o.now()
	}
	if j.reads <= polls(o.opts.DeployPolls) && !j.canceled {
		return
	}
	// Deploys run in order: the earlier ones end first.
	for _, id := range o.deployJobs().order {
		e := o.deployJobs().byID[id]
		if e.outcome == nil {
			o.finishDeploy(e)
		}
		if e == j {
			break
		}
	}
	c.mutated = true
}

// cancelDeploy answers PATCH {"deployResult":{"status":"Canceling"}}: 202
// with the job; a running deploy reads Canceling, then Canceled on its next
// read, having changed nothing; a finished one is left as it ended (the
// reference: "the status shown in the response body can be either
// Canceling or Canceled"; that a finished deploy answers 202 unchanged is
// UNCONFIRMED).
func (o *Org) cancelDeploy(c *reqCtx, j *deployJob) *apiError {
	var body struct {
		DeployResult struct {
			Status string `json:"status"`
		} `json:"deployResult"`
	}
	raw, aerr := readJSONBody(c.r)
	if aerr != nil {
		return aerr
	}
	if err := json.Unmarshal(raw, &body); err != nil || body.DeployResult.Status != "Canceling" {
		return errMsg(http.StatusBadRequest, "INVALID_INPUT", `A cancel request is {"deployResult":{"status":"Canceling"}}.`) // UNCONFIRMED wording
	}
	if j.outcome == nil {
		j.canceled = true
	}
	writeJSON(c.w, http.StatusAccepted, o.deployBody(c, j, false))
	return nil
}

// deployStatus is the job's status as a read sees it now.
func (o *Org) deployStatus(j *deployJob) string {
	switch {
	case j.outcome != nil:
		return j.outcome.status
	case j.canceled:
		return "Canceling"
	case j.reads == 0:
		return "Pending"
	}
	return "InProgress"
}

// metadataTime writes a time as the Metadata API does ("2021-04-09T20:23:05.000Z").
func metadataTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// deployBody is the resource's answer: id, validatedDeployRequestId,
// deployOptions, deployResult, url (the create answer and the status
// answer have the same shape, "similar to that returned by the original
// deployment request"; the key order is UNCONFIRMED). Without
// includeDetails, deployResult.details is null (UNCONFIRMED).
func (o *Org) deployBody(c *reqCtx, j *deployJob, details bool) schema.OrderedMap {
	url := c.base + "/services/data/v" + c.ver + "/metadata/deployRequest/" + j.id
	if details {
		url += "?includeDetails=true"
	}
	var validated any
	if j.validated != "" {
		validated = j.validated
	}
	runTests := j.opts.RunTests
	if runTests == nil {
		runTests = []string{}
	}
	var testLevel any
	if j.opts.TestLevel != "" {
		testLevel = j.opts.TestLevel
	}
	return schema.OrderedMap{
		{Key: "id", Value: j.id},
		{Key: "validatedDeployRequestId", Value: validated},
		{Key: "deployOptions", Value: schema.OrderedMap{
			{Key: "allowMissingFiles", Value: j.opts.AllowMissingFiles},
			{Key: "autoUpdatePackage", Value: j.opts.AutoUpdatePackage},
			{Key: "checkOnly", Value: j.opts.CheckOnly},
			{Key: "ignoreWarnings", Value: j.opts.IgnoreWarnings},
			{Key: "performRetrieve", Value: j.opts.PerformRetrieve},
			{Key: "purgeOnDelete", Value: j.opts.PurgeOnDelete},
			{Key: "rollbackOnError", Value: j.opts.RollbackOnError},
			{Key: "runTests", Value: runTests},
			{Key: "singlePackage", Value: j.opts.SinglePackage},
			{Key: "testLevel", Value: testLevel},
		}},
		{Key: "deployResult", Value: o.deployResult(j, details)},
		{Key: "url", Value: url},
	}
}

// deployResult is the job's DeployResult (the REST resource's deployResult
// and the SOAP checkDeployStatus() result): the Metadata API's DeployResult
// fields in the WSDL's (alphabetical) order, nil where a value is absent.
func (o *Org) deployResult(j *deployJob, details bool) schema.OrderedMap {
	status := o.deployStatus(j)
	out := j.outcome
	done := out != nil
	var completed, started, errCode, errMsgV, stateDetail any
	deployed, errs, total := 0, 0, 0
	var failures, successes []deployMessage
	if out != nil {
		completed = metadataTime(out.completed)
		for _, m := range out.successes {
			if m.componentType != "" { // package.xml is listed but not counted
				deployed++
			}
		}
		errs, total = len(out.failures), out.total
		failures, successes = out.failures, out.successes
	}
	if !j.started.IsZero() {
		started = metadataTime(j.started)
	}
	userName := ""
	if _, u, ok := o.st.Get(j.userID); ok {
		userName = str(u, "Name")
	}
	createdBy := j.userID
	if len(createdBy) == 18 {
		createdBy = createdBy[:15] // DeployResult.createdBy is a 15-character Id (recorded SOAP results: 005KN000001GovT)
	}
	var det any
	if details {
		det = schema.OrderedMap{
			{Key: "componentFailures", Value: renderMessages(failures, j.created)},
			{Key: "componentSuccesses", Value: renderMessages(successes, j.created)},
			{Key: "retrieveResult", Value: nil},
			{Key: "runTestResult", Value: schema.OrderedMap{
				{Key: "codeCoverage", Value: []any{}}, {Key: "codeCoverageWarnings", Value: []any{}},
				{Key: "failures", Value: []any{}}, {Key: "flowCoverage", Value: []any{}},
				{Key: "flowCoverageWarnings", Value: []any{}}, {Key: "numFailures", Value: 0},
				{Key: "numTestsRun", Value: 0}, {Key: "successes", Value: []any{}}, {Key: "totalTime", Value: 0.0}}},
		}
	}
	var canceledBy, canceledByName any
	if status == "Canceled" {
		canceledBy, canceledByName = createdBy, userName
	}
	result := schema.OrderedMap{
		{Key: "canceledBy", Value: canceledBy},
		{Key: "canceledByName", Value: canceledByName},
		{Key: "checkOnly", Value: j.opts.CheckOnly},
		{Key: "completedDate", Value: completed},
		{Key: "createdBy", Value: createdBy},
		{Key: "createdByName", Value: userName},
		{Key: "createdDate", Value: metadataTime(j.created)},
		{Key: "details", Value: det},
		{Key: "done", Value: done},
		{Key: "errorMessage", Value: errMsgV},
		{Key: "errorStatusCode", Value: errCode},
		{Key: "id", Value: j.id},
		{Key: "ignoreWarnings", Value: j.opts.IgnoreWarnings},
		{Key: "lastModifiedDate", Value: metadataTime(o.now())},
		{Key: "numberComponentErrors", Value: errs},
		{Key: "numberComponentsDeployed", Value: deployed},
		{Key: "numberComponentsTotal", Value: total},
		{Key: "numberTestErrors", Value: 0},
		{Key: "numberTestsCompleted", Value: 0},
		{Key: "numberTestsTotal", Value: 0},
		{Key: "rollbackOnError", Value: j.opts.RollbackOnError},
		{Key: "runTestsEnabled", Value: false},
		{Key: "startDate", Value: started},
		{Key: "stateDetail", Value: stateDetail},
		{Key: "status", Value: status},
		{Key: "success", Value: done && (status == "Succeeded")},
	}
	return result
}

// renderMessages writes DeployMessages: changed, columnNumber,
// componentType, created, createdDate, deleted, fileName, fullName, id,
// lineNumber, problem, problemType, success (DeployMessage; a failure's
// problemType is "Error", a success's null).
func renderMessages(msgs []deployMessage, created time.Time) []any {
	out := []any{}
	for _, m := range msgs {
		num := func(n int) any {
			if n == 0 {
				return nil
			}
			return n
		}
		var id, problem, problemType any
		if m.id != "" {
			id = m.id
		}
		if !m.success {
			problem, problemType = m.problem, "Error"
		}
		out = append(out, schema.OrderedMap{
			{Key: "changed", Value: m.changed},
			{Key: "columnNumber", Value: num(m.col)},
			{Key: "componentType", Value: m.componentType},
			{Key: "created", Value: m.created},
			{Key: "createdDate", Value: metadataTime(created)},
			{Key: "deleted", Value: m.deleted},
			{Key: "fileName", Value: m.fileName},
			{Key: "fullName", Value: m.fullName},
			{Key: "id", Value: id},
			{Key: "lineNumber", Value: num(m.line)},
			{Key: "problem", Value: problem},
			{Key: "problemType", Value: problemType},
			{Key: "success", Value: m.success},
		})
	}
	return out
}

// ---- Running a deploy --------------------------------------------------------

// component is one file of the deploy named by package.xml.
type component struct {
	typ      *mdType
	fullName string
	fileName string // its path in the zip, as failures name it
	data     []byte
	root     *xnode
}

// compResult is what applying one component did.
type compResult struct {
	created, changed bool
	id               string
	problem          string // "" = success
	line, col        int
}

func failAt(n *xnode, problem string) *compResult {
	r := &compResult{problem: problem}
	if n != nil {
		r.line, r.col = n.line, n.col
	}
	return r
}

func fail(problem string) *compResult { return &compResult{problem: problem} }

// deployCtx is one running deploy.
type deployCtx struct {
	o          *Org
	job        *deployJob
	userID     string
	apiVersion float64
	comps      []*component
	// catalog says a component changed what the catalog is built from.
	catalog bool
	// forceRollback: a rule says the whole deploy rolls back whatever
	// rollbackOnError says (the ECA partial bundle, metadata_eca.go).
	forceRollback bool
	// extra are failures a rule adds besides its component's own.
	extra []deployMessage
}

// finishDeploy runs a job to its end.
func (o *Org) finishDeploy(j *deployJob) {
	if j.started.IsZero() {
		j.started = o.now()
	}
	if j.canceled {
		j.outcome = &deployOutcome{status: "Canceled", completed: o.now()}
		return
	}
	out := &deployOutcome{}
	rollback, commit := o.st.begin()
	snap := o.md().clone()
	dc := &deployCtx{o: o, job: j, userID: j.userID}
	o.runComponents(dc, out)
	failed := len(out.failures) > 0
	keep := !j.opts.CheckOnly && !(failed && (j.opts.RollbackOnError || dc.forceRollback))
	if keep {
		commit()
	} else {
		rollback()
		o.meta.Metadata = snap
		if dc.catalog {
			if err := o.rebuildCatalog(); err != nil {
				panic("emulator: rebuild the catalog after a rollback: " + err.Error()) // it was built from this state before
			}
		}
	}
	switch {
	case !failed:
		out.status = "Succeeded"
	case keep && len(out.successes) > 1: // more than package.xml
		out.status = "SucceededPartial"
	default:
		out.status = "Failed"
	}
	out.completed = o.now()
	j.outcome = out
}

// runComponents reads the zip and package.xml and applies each component,
// each on its own (a failed one leaves nothing behind), in the order of
// deployOrder.
func (o *Org) runComponents(dc *deployCtx, out *deployOutcome) {
	j := dc.job
	files, prefix, ok := zipFiles(j.zip, j.opts.SinglePackage)
	if !ok {
		// Source: "No package.xml found" for a deploy whose zip the org could
		// not read as a package (a REST deploy that sent the zip base64-encoded,
		// techqa.club q/75122348); the rest of the failure is UNCONFIRMED.
		out.failures = append(out.failures, deployMessage{fileName: "package.xml", fullName: "package.xml", problem: "No package.xml found"})
		return
	}
	manifest := prefix + "package.xml"
	pkg, xerr := parsePackageXML(files[manifest])
	if xerr != nil {
		out.failures = append(out.failures, deployMessage{fileName: manifest, fullName: "package.xml", problem: "Error parsing file: " + xerr.msg, line: xerr.line, col: xerr.col})
		return
	}
	if v, err := strconv.ParseFloat(pkg.version, 64); err == nil {
		dc.apiVersion = v
	} else {
		dc.apiVersion, _ = strconv.ParseFloat(o.lastVersion(), 64)
	}
	named := map[string]bool{manifest: true}
	for _, t := range pkg.types {
		typ, known := mdTypes[t.name]
		if !known {
			if knownUnemulated[t.name] {
				for _, m := range t.members {
					out.total++
					out.failures = append(out.failures, deployMessage{componentType: t.name, fullName: m, fileName: manifest,
						problem: "The emulator does not deploy " + t.name + " components."})
				}
				continue
			}
			// Source: "Unknown type name 'duplicateRules' specified in
			// package.xml" (ForceCLI/force#506), "Unknown type name
			// 'IndustriesManufacturingSettings' specified in package.xml" on
			// the file sdx_sourceDeploy_pkg_…/package.xml (forcedotcom/cli#866).
			// componentType "" and fullName package.xml are UNCONFIRMED.
			out.failures = append(out.failures, deployMessage{fileName: manifest, fullName: "package.xml",
				problem: "Unknown type name '" + t.name + "' specified in package.xml"})
			continue
		}
		var members []string
		for _, m := range t.members {
			if m == "*" {
				members = append(members, typ.wildcard(files, prefix)...)
			} else {
				members = append(members, m)
			}
		}
		for _, m := range members {
			out.total++
			fn := prefix + typ.folder + "/" + m + "." + typ.suffix
			named[fn] = true
			data, present := files[fn]
			if !present {
				if j.opts.AllowMissingFiles {
					continue
				}
				// Source: "unpackaged/package.xml: An object 'APITCClientLocation'
				// of type ApexClass was named in package.xml, but was not found
				// in zipped directory" (joeferraro/MavensMate-SublimeText#298).
				out.failures = append(out.failures, deployMessage{componentType: typ.name, fullName: m, fileName: manifest,
					problem: "An object '" + m + "' of type " + typ.name + " was named in package.xml, but was not found in zipped directory"})
				continue
			}
			dc.comps = append(dc.comps, &component{typ: typ, fullName: m, fileName: fn, data: data})
		}
	}
	// A component file package.xml does not name fails. Source: Ant
	// deploys' "classes/X.cls(X):Not in package.xml" among the failures
	// (hicham-elmansouri/SFRelatedListEditor#16).
	var stray []string
	strayType := map[string]string{}
	for fn := range files {
		if named[fn] || strings.HasSuffix(fn, "/") || strings.HasSuffix(fn, "-meta.xml") {
			continue
		}
		rel := strings.TrimPrefix(fn, prefix)
		folder, file, ok := strings.Cut(rel, "/")
		if !ok {
			continue
		}
		for _, t := range mdTypes {
			if t.folder == folder && strings.HasSuffix(file, "."+t.suffix) {
				stray = append(stray, fn)
				strayType[fn] = t.name
			}
		}
	}
	sort.Strings(stray)
	for _, fn := range stray {
		base := path.Base(fn)
		out.failures = append(out.failures, deployMessage{componentType: strayType[fn], fileName: fn, fullName: base[:strings.LastIndex(base, ".")], problem: "Not in package.xml"})
	}
	sort.SliceStable(dc.comps, func(a, b int) bool { return dc.comps[a].typ.order < dc.comps[b].typ.order })
	out.successes = append(out.successes, deployMessage{success: true, changed: true, fileName: manifest, fullName: "package.xml"})
	for _, comp := range dc.comps {
		res := o.applyComponent(dc, comp)
		m := deployMessage{componentType: comp.typ.name, fullName: comp.fullName, fileName: comp.fileName, id: res.id,
			created: res.created, changed: res.changed || res.created, problem: res.problem, line: res.line, col: res.col}
		if res.problem == "" {
			m.success = true
			out.successes = append(out.successes, m)
		} else {
			m.created, m.changed, m.id = false, false, ""
			out.failures = append(out.failures, m)
		}
	}
	out.failures = append(out.failures, dc.extra...)
}

// applyComponent parses a component and applies it on its own: a failure
// undoes what it had done.
func (o *Org) applyComponent(dc *deployCtx, comp *component) *compResult {
	root, xerr := parseXML(comp.data)
	if xerr != nil {
		// The "Error parsing file: " prefix: recorded deploy failures
		// ("Error parsing file: Element {…}fieldPermissions invalid at this
		// location in type ProfileFieldLevelSecurity", ebikes-lwc#458; "Error
		// parsing file: 'Hidden' is not a valid value for the enum
		// 'PermissionSetTabVisibility'", mshanemc/shane-sfdx-plugins#26); the
		// parser's own sentence after it is the emulator's (UNCONFIRMED).
		return &compResult{problem: "Error parsing file: " + xerr.msg, line: xerr.line, col: xerr.col}
	}
	if comp.typ.root != "*" && root.name != comp.typ.root {
		return failAt(root, "Error parsing file: Element {"+mdNamespace+"}"+root.name+" invalid at this location")
	}
	comp.root = root
	rollback, commit := o.st.begin()
	snap := o.md().clone()
	catalog := dc.catalog
	res := comp.typ.apply(o, dc, comp)
	if res.problem != "" {
		rollback()
		o.meta.Metadata = snap
		if dc.catalog && !catalog {
			if err := o.rebuildCatalog(); err != nil {
				panic("emulator: rebuild the catalog after a rollback: " + err.Error())
			}
			dc.catalog = catalog
		}
		return res
	}
	commit()
	return res
}

// lastVersion is the newest API version the org serves.
func (o *Org) lastVersion() string { return apiVersions[len(apiVersions)-1] }

// zipFiles reads the zip: its files by path, and the prefix under which
// package.xml sits. package.xml at the root is a single package; a zip
// whose package.xml is inside one top folder (CumulusCI puts every entry
// under metadata/, "Choice of name for parent directory is irrelevant",
// rest_deploy.py; jsforce's test suite deploys JSforceTestSuite/…) is read
// as that package when singlePackage is false (the DeployOptions reference:
// singlePackage "Indicates whether the specified .zip file points to a
// directory structure with a single package (true) or a set of packages
// (false)"; that a set of one such folder is read this way, and that
// singlePackage=true then finds no package.xml, is UNCONFIRMED).
func zipFiles(data []byte, single bool) (map[string][]byte, string, bool) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, "", false
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, "", false
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, "", false
		}
		files[strings.TrimPrefix(f.Name, "./")] = b
	}
	if _, ok := files["package.xml"]; ok {
		return files, "", true
	}
	if single {
		return nil, "", false
	}
	var found []string
	for name := range files {
		if dir, file, ok := strings.Cut(name, "/"); ok && file == "package.xml" {
			found = append(found, dir+"/")
		}
	}
	if len(found) != 1 {
		return nil, "", false
	}
	return files, found[0], true
}

// mdType is a Metadata type the emulator deploys: its folder and suffix in
// the zip, its root element, when it runs, and what it does.
type mdType struct {
	name, folder, suffix, root string
	order                      int
	apply                      func(o *Org, dc *deployCtx, comp *component) *compResult
}

// wildcard lists the members a "*" names: the type's files in the zip.
func (t *mdType) wildcard(files map[string][]byte, prefix string) []string {
	var out []string
	for name := range files {
		rel := strings.TrimPrefix(name, prefix)
		if dir, file, ok := strings.Cut(rel, "/"); ok && dir == t.folder && strings.HasSuffix(file, "."+t.suffix) {
			out = append(out, strings.TrimSuffix(file, "."+t.suffix))
		}
	}
	sort.Strings(out)
	return out
}

// deployerID is the user the deploy runs as.
func (dc *deployCtx) deployerID() string { return dc.userID }

// String is for test failures.
func (m deployMessage) String() string {
	return fmt.Sprintf("%s %s %s: %s", m.componentType, m.fullName, m.fileName, m.problem)
}
