package emulator

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/schema"
	"github.com/sfprov/sfprov/internal/emulator/sfid"
)

// The Metadata API over SOAP, for its deploy calls: POST
// /services/Soap/m/{version}[/{orgId}] with a SOAP 1.1 envelope whose header
// carries the session (SessionHeader/sessionId) and whose body is one call
// in the namespace http://soap.sforce.com/2006/04/metadata. The sf CLI
// deploys this way unless org-metadata-rest-deploy is set (source-deploy-
// retrieve MetadataApiDeploy.pre: connection.metadata.deploy, then
// checkDeployStatus(id, true) until done; jsforce api/metadata.js builds the
// envelopes). The calls served:
//
//   - deploy(ZipFile base64Binary, DeployOptions) → AsyncResult
//     (meta_deploy.htm; the element names are the Metadata WSDL's: ZipFile,
//     DeployOptions and its fields as in the REST deployOptions);
//   - checkDeployStatus(asyncProcessId, includeDetails) → DeployResult
//     (meta_checkdeploystatus.htm);
//   - cancelDeploy(String) → CancelDeployResult {done, id}
//     (meta_canceldeploy.htm);
//   - deployRecentValidation(validationId) → string, the new deploy's id
//     (meta_deployRecentValidation.htm).
//
// These start and read the same jobs as the REST resource
// (metadata_deploy.go): a deploy begun over SOAP can be read over REST and
// the other way round. listMetadata and readMetadata are in
// metadata_soap_read.go; other Metadata calls (describeMetadata, retrieve,
// ...) are not served.

// maxSOAPBody bounds a Metadata SOAP request. The documented limit is on
// the zip: "The maximum size of the deployed .zip file is 39 MB" (Metadata
// API Developer Guide, "Metadata API Limits"), about 52 MB once base64
// encoded in the envelope; the emulator's bound and its fault are its own
// (UNCONFIRMED how a real org refuses a larger request).
const maxSOAPBody = 64 << 20

// serveSOAPMetadata answers a Metadata API SOAP call. rest is the path
// after /services/Soap/m/: the version, and the org id that
// metadataServerUrl appends (login(): .../services/Soap/m/62.0/00D...).
func (o *Org) serveSOAPMetadata(w http.ResponseWriter, r *http.Request, rest string) {
	ver, _, _ := strings.Cut(rest, "/")
	if r.Method != http.MethodPost {
		writeError(w, errMethod(r.Method, "POST"))
		return
	}
	if !knownVersion(ver) {
		// The versions the REST API serves (facts §12); an unknown one is
		// 404 as there (UNCONFIRMED for SOAP).
		writeError(w, errNotFound())
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxSOAPBody+1))
	if err != nil || len(data) > maxSOAPBody {
		mdFault(w, "soapenv:Client", "The emulator reads Metadata API requests of up to 64 MB.") // the emulator's own
		return
	}
	env, xerr := parseXML(data)
	if xerr != nil || env.name != "Envelope" || env.child("Body") == nil || len(env.child("Body").kids) == 0 {
		// A request that is not a SOAP envelope: Axis's client fault
		// (UNCONFIRMED wording).
		mdFault(w, "soapenv:Client", "Unable to parse the SOAP request: not a SOAP envelope with a Body.")
		return
	}
	call := env.child("Body").kids[0]
	token := ""
	if h := env.child("Header"); h != nil {
		if sh := h.child("SessionHeader"); sh != nil {
			token = sh.value("sessionId")
		}
	}
	// A missing, expired or revoked session: "INVALID_SESSION_ID: Invalid
	// Session ID found in SessionHeader: Illegal Session", faultcode
	// sf:INVALID_SESSION_ID with HTTP 500 (a recorded Metadata API fault in
	// a Salesforce client's test fixtures; jsforce soap.js isSessionExpired
	// looks for exactly this faultcode with status 500).
	user, aerr := o.auth.Authenticate(token)
	if aerr != nil {
		mdFault(w, "sf:INVALID_SESSION_ID", "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session")
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.apiEnabled(user.ID) {
		// As on REST (serve.go): "API is disabled for this User", the
		// fault form UNCONFIRMED.
		mdFault(w, "sf:API_CURRENTLY_DISABLED", "API_CURRENTLY_DISABLED: API is disabled for this User")
		return
	}
	// DailyApiRequests: deploy, cancelDeploy and deployRecentValidation
	// count like other API calls (UNCONFIRMED for the Metadata API);
	// checkDeployStatus does not: "checkDeployStatus() へのコールは、API
	// 要求の制限と割り当てには含まれません" (calls to checkDeployStatus() do
	// not count against API request limits; meta_checkdeploystatus.htm,
	// ja-jp 234.0).
	if call.name != "checkDeployStatus" {
		o.rollAPIDay()
		if o.meta.APICalls >= o.dailyLimit() {
			mdFault(w, "sf:REQUEST_LIMIT_EXCEEDED", "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.") // REST's body (serve.go count) as a fault: UNCONFIRMED
			return
		}
		o.count(w)
		// Sforce-Limit-Info is the REST API's header (facts §12); a SOAP
		// answer does not carry it (UNCONFIRMED for the Metadata API).
		w.Header().Del("Sforce-Limit-Info")
	}
	o.refreshGroups()
	o.syncRecordTypeFields()
	c := &reqCtx{w: w, r: r, user: user, ver: ver, base: instanceURL(r)}
	switch call.name {
	case "deploy":
		o.soapDeploy(c, call)
	case "checkDeployStatus":
		o.soapCheckDeployStatus(c, call)
	case "cancelDeploy":
		o.soapCancelDeploy(c, call)
	case "deployRecentValidation":
		o.soapDeployRecentValidation(c, call)
	case "listMetadata":
		o.soapListMetadata(c, call) // metadata_soap_read.go
	case "readMetadata":
		o.soapReadMetadata(c, call)
	default:
		// The emulator's own fault (a real org serves these calls).
		mdFault(w, "soapenv:Client", "The emulator does not serve the Metadata API call "+call.name+"; it serves deploy, checkDeployStatus, cancelDeploy, deployRecentValidation, listMetadata and readMetadata.")
		return
	}
	if c.mutated {
		o.saveLogged()
	}
}

// saveLogged saves the state after a change, as serve does for REST.
func (o *Org) saveLogged() {
	if err := o.save(); err != nil {
		// The response is already written; the operator sees the failure.
		fmt.Fprintln(os.Stderr, err)
	}
}

// soapDeploy answers deploy(): a new job, and its AsyncResult. From API
// 31.0 "only the id field in AsyncResult is used ... All fields in
// AsyncResult other than id are deprecated ... These fields exist but are
// no longer in use" (meta_asyncresult.htm); a recorded retrieve()
// AsyncResult still carries <done>false</done><id>…</id><state>Queued</state>
// (API 65.0, a Salesforce client's test fixtures), which the deploy answer
// copies (UNCONFIRMED for deploy()).
func (o *Org) soapDeploy(c *reqCtx, call *xnode) {
	zipText := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, call.value("ZipFile"))
	zipped, err := base64.StdEncoding.DecodeString(zipText)
	if err != nil {
		mdFault(c.w, "soapenv:Client", "Unable to decode ZipFile as base64Binary: "+err.Error()) // UNCONFIRMED wording
		return
	}
	j := &deployJob{userID: c.user.ID, created: o.now(), zip: zipped, opts: soapDeployOptions(call.child("DeployOptions"))}
	if j.userID == "" {
		j.userID = o.meta.AdminID
	}
	o.addDeployJob(j)
	c.mutated = true // the counter moved
	writeMetadataResponse(c.w, "deployResponse", schema.OrderedMap{
		{Key: "done", Value: false}, {Key: "id", Value: j.id}, {Key: "state", Value: "Queued"},
	})
}

// soapDeployOptions reads <DeployOptions>: each field an element, runTests
// repeated (DeployOptions, meta_deploy.htm; jsforce writes an array as
// repeated elements). Absent options take their defaults (rollbackOnError
// true).
func soapDeployOptions(n *xnode) deployOptions {
	m := map[string]any{}
	if n != nil {
		var tests []any
		for _, k := range n.kids {
			v := strings.TrimSpace(k.text)
			if k.name == "runTests" {
				if v != "" {
					tests = append(tests, v)
				}
				continue
			}
			m[k.name] = v
		}
		if tests != nil {
			m["runTests"] = tests
		}
	}
	return deployOptionsFrom(m)
}

// soapJob finds the job a call names; an unknown id is the fault a real
// org answered checkDeployStatus with for an id it did not know:
// "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id"
// (forcedotcom/salesforcedx-vscode#1529, force:source:deploy:report).
func (o *Org) soapJob(c *reqCtx, id string) *deployJob {
	if j, ok := o.deployJobs().byID[sfid.Canonical(strings.TrimSpace(id))]; ok {
		return j
	}
	mdFault(c.w, "sf:INVALID_CROSS_REFERENCE_KEY", "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id")
	return nil
}

// soapCheckDeployStatus answers checkDeployStatus(): the DeployResult, with
// DeployDetails when includeDetails is true ("The default is false",
// meta_checkdeploystatus.htm). Each read counts towards the job's
// InProgress reads as the REST status read does.
func (o *Org) soapCheckDeployStatus(c *reqCtx, call *xnode) {
	j := o.soapJob(c, call.value("asyncProcessId"))
	if j == nil {
		return
	}
	o.readDeploy(c, j)
	writeMetadataResponse(c.w, "checkDeployStatusResponse", o.deployResult(j, call.boolValue("includeDetails")))
}

// soapCancelDeploy answers cancelDeploy(): CancelDeployResult {done, id}
// (meta_canceldeploy.htm: done is false while the cancel is under way,
// then checkDeployStatus reads Canceling and Canceled). The WSDL names the
// argument String; jsforce sends it as <id>.
func (o *Org) soapCancelDeploy(c *reqCtx, call *xnode) {
	id := call.value("String")
	if id == "" {
		id = call.value("id")
	}
	j := o.soapJob(c, id)
	if j == nil {
		return
	}
	done := j.outcome != nil // a finished deploy is left as it ended (UNCONFIRMED, as for REST)
	if !done {
		j.canceled = true
	}
	writeMetadataResponse(c.w, "cancelDeployResponse", schema.OrderedMap{{Key: "done", Value: done}, {Key: "id", Value: j.id}})
}

// soapDeployRecentValidation answers deployRecentValidation(validationId):
// the id of the quick deploy it starts, as a string.
func (o *Org) soapDeployRecentValidation(c *reqCtx, call *xnode) {
	v := o.soapJob(c, call.value("validationId"))
	if v == nil {
		return
	}
	if !v.quickDeployable() {
		mdFault(c.w, "sf:INVALID_ID_FIELD", "INVALID_ID_FIELD: "+errNotValidation(v)) // UNCONFIRMED code and wording
		return
	}
	j := &deployJob{userID: c.user.ID, created: o.now()}
	if j.userID == "" {
		j.userID = o.meta.AdminID
	}
	j.repeat(v)
	o.addDeployJob(j)
	c.mutated = true
	writeMetadataResponse(c.w, "deployRecentValidationResponse", j.id)
}

// writeMetadataResponse writes <op><result>…</result></op> in the envelope
// a real org answers with: default namespace the Metadata one on the
// Envelope, no XML header namespaces beyond soapenv (recorded
// checkDeployStatusResponse bodies, simple-salesforce tests/aio/test_api.py
// DEPLOY_SUCCESS, DEPLOY_IN_PROGRESS, DEPLOY_PENDING, 2020).
func writeMetadataResponse(w http.ResponseWriter, op string, result any) {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="` + mdNamespace + `"><soapenv:Body><`)
	sb.WriteString(op)
	sb.WriteString(">")
	writeSOAPElement(&sb, "result", result)
	sb.WriteString("</" + op + "></soapenv:Body></soapenv:Envelope>")
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, sb.String())
}

// writeSOAPElement writes a value as the Metadata API's SOAP answers do
// (the recorded bodies above): a nil value is left out (no canceledBy, no
// startDate while Pending, no id or problem on a success), an empty list
// too (runTestResult has only numFailures, numTestsRun and totalTime), a
// list repeats its element (componentSuccesses once per message), an empty
// string is an empty element (<componentType></componentType> on
// package.xml), doubles keep a decimal (<totalTime>0.0</totalTime>).
func writeSOAPElement(sb *strings.Builder, name string, v any) {
	switch t := v.(type) {
	case nil:
		return
	case []any:
		for _, e := range t {
			writeSOAPElement(sb, name, e)
		}
		return
	case []string:
		for _, e := range t {
			writeSOAPElement(sb, name, e)
		}
		return
	}
	sb.WriteString("<" + name + ">")
	switch t := v.(type) {
	case schema.OrderedMap:
		for _, kv := range t {
			writeSOAPElement(sb, kv.Key, kv.Value)
		}
	case bool:
		sb.WriteString(strconv.FormatBool(t))
	case int:
		sb.WriteString(strconv.Itoa(t))
	case float64:
		s := strconv.FormatFloat(t, 'f', -1, 64)
		if !strings.ContainsAny(s, ".eE") {
			s += ".0"
		}
		sb.WriteString(s)
	case string:
		sb.WriteString(xmlEscape(t))
	default:
		panic("emulator: writeSOAPElement: unexpected " + name)
	}
	sb.WriteString("</" + name + ">")
}

// xmlEscape escapes text for an element's content.
func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// mdFault writes a Metadata API SOAP fault: HTTP 500, the sf prefix bound
// to the Metadata namespace (the recorded INVALID_SESSION_ID fault:
// xmlns:sf="http://soap.sforce.com/2006/04/metadata").
func mdFault(w http.ResponseWriter, code, msg string) {
	writeSOAPFault(w, mdNamespace, code, msg)
}
