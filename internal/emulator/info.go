package emulator

import (
	"net/http"
	"sort"
	"strings"

	"github.com/sfprov/sfprov/internal/emulator/oauth"
	"github.com/sfprov/sfprov/internal/emulator/schema"
)

// versionLabels are the release names of versions 31.0 to 66.0, as recorded
// in fixtures/services-data-versions.json (42.0 has a typographic apostrophe there).
var versionLabels = []string{"Summer '14", "Winter '15", "Spring '15", "Summer '15", "Winter '16", "Spring '16", "Summer '16",
	"Winter '17", "Spring '17", "Summer '17", "Winter '18", "Spring ’18", "Summer '18", "Winter '19", "Spring '19", "Summer '19",
	"Winter '20", "Spring '20", "Summer '20", "Winter '21", "Spring '21", "Summer '21", "Winter '22", "Spring '22", "Summer '22",
	"Winter '23", "Spring '23", "Summer '23", "Winter '24", "Spring '24", "Summer '24", "Winter '25", "Spring '25", "Summer '25",
	"Winter '26", "Spring '26"}

type versionEntry struct {
	Label   string `json:"label"`
	URL     string `json:"url"`
	Version string `json:"version"`
}

// serveVersions answers GET /services/data: the version list, without
// authentication and without counting (facts §12: calls to the versions URI
// don't count and get no header).
func (o *Org) serveVersions(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, errMethod(r.Method))
		return
	}
	out := make([]versionEntry, 0, len(apiVersions))
	for i, v := range apiVersions {
		out = append(out, versionEntry{versionLabels[i], "/services/data/v" + v, v})
	}
	writeJSON(w, http.StatusOK, out)
}

// serveResources answers GET /services/data/vXX.X: the resource map, with an
// absolute identity URL that jsforce's identity() needs (real-clients.md §2).
// Resource names: Salesforce "Resources by Version" (REST API guide).
func (o *Org) serveResources(c *reqCtx) {
	base := "/services/data/v" + c.ver + "/"
	m := map[string]any{}
	for _, k := range []string{"tooling", "metadata", "eclair", "folders", "prechatForms", "contact-tracing", "chatter",
		"tabs", "appMenu", "quickActions", "queryAll", "commerce", "wave", "iot", "analytics", "search", "smartdatadiscovery",
		"identity", "composite", "parameterizedSearch", "fingerprint", "theme", "nouns", "domino", "event", "serviceTemplates",
		"recent", "connect", "licensing", "limits", "process", "dedupe", "async-queries", "query", "jsonxform", "match",
		"emailConnect", "compactLayouts", "knowledgeManagement", "sobjects", "actions", "support"} {
		m[k] = base + k
	}
	m["identity"] = c.base + "/id/" + o.meta.OrgID + "/" + c.user.ID
	writeJSON(c.w, http.StatusOK, m)
}

func (o *Org) serveToolingResources(c *reqCtx) {
	base := "/services/data/v" + c.ver + "/tooling/"
	m := map[string]any{}
	for _, k := range []string{"tooling", "query", "sobjects", "composite", "search", "executeAnonymous", "runTestsAsynchronous", "runTestsSynchronous", "completions", "apexManifest"} {
		m[k] = base + k
	}
	writeJSON(c.w, http.StatusOK, m)
}

// urlsFor is the urls map of identity and userinfo responses.
// Source: fixtures oauth-identity-url.json and oauth-userinfo.json (same keys).
func urlsFor(base, orgID15, userID string) orderedJSON {
	return orderedJSON{
		{"enterprise", base + "/services/Soap/c/{version}/" + orgID15},
		{"metadata", base + "/services/Soap/m/{version}/" + orgID15},
		{"partner", base + "/services/Soap/u/{version}/" + orgID15},
		{"rest", base + "/services/data/v{version}/"},
		{"sobjects", base + "/services/data/v{version}/sobjects/"},
		{"search", base + "/services/data/v{version}/search/"},
		{"query", base + "/services/data/v{version}/query/"},
		{"recent", base + "/services/data/v{version}/recent/"},
		{"tooling_soap", base + "/services/Soap/T/{version}/" + orgID15},
		{"tooling_rest", base + "/services/data/v{version}/tooling/"},
		{"profile", base + "/" + userID},
		{"feeds", base + "/services/data/v{version}/chatter/feeds"},
		{"groups", base + "/services/data/v{version}/chatter/groups"},
		{"users", base + "/services/data/v{version}/chatter/users"},
		{"feed_items", base + "/services/data/v{version}/chatter/feed-items"},
		{"feed_elements", base + "/services/data/v{version}/chatter/feed-elements"},
		{"custom_domain", base},
	}
}

// orderedJSON is a JSON object whose keys keep their order.
type orderedJSON []jkv

type jkv struct {
	k string
	v any
}

// MarshalJSON writes the entries in order.
func (m orderedJSON) MarshalJSON() ([]byte, error) {
	om := make(schema.OrderedMap, 0, len(m))
	for _, e := range m {
		om = append(om, schema.KV{Key: e.k, Value: e.v})
	}
	return om.MarshalJSON()
}

func str(r map[string]any, k string) string { s, _ := r[k].(string); return s }

// serveUserinfo answers GET /services/oauth2/userinfo (sf's login reads
// user_id and organization_id from it, real-clients.md §3.3). Keys and order
// as in fixtures/oauth-userinfo.json.
func (o *Org) serveUserinfo(w http.ResponseWriter, r *http.Request, u oauth.User) {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, rec, ok := o.st.Get(u.ID)
	if !ok {
		writeError(w, errSession())
		return
	}
	base := instanceURL(r)
	orgID := o.meta.OrgID
	integration := false
	if lic := o.userLicenseName(u.ID); lic == IntegrationLicense {
		integration = true
	}
	tz := str(rec, "TimeZoneSidKey")
	body := orderedJSON{
		{"sub", base + "/id/" + orgID + "/" + u.ID},
		{"user_id", u.ID},
		{"organization_id", orgID},
		{"preferred_username", str(rec, "Username")},
		{"nickname", str(rec, "CommunityNickname")},
		{"name", str(rec, "Name")},
		{"email", str(rec, "Email")},
		{"email_verified", true},
		{"given_name", str(rec, "FirstName")},
		{"family_name", str(rec, "LastName")},
		{"zoneinfo", tz},
		{"photos", orderedJSON{{"picture", base + "/profilephoto/005/F"}, {"thumbnail", base + "/profilephoto/005/T"}}},
		{"profile", base + "/" + u.ID},
		{"picture", base + "/profilephoto/005/F"},
		{"address", map[string]any{}},
		{"is_salesforce_integration_user", integration},
		{"urls", urlsFor(base, orgID[:15], u.ID)},
		{"active", rec["IsActive"] == true},
		{"user_type", "STANDARD"},
		{"language", str(rec, "LanguageLocaleKey")},
		{"locale", str(rec, "LocaleSidKey")},
		{"utcOffset", utcOffsetMillis(tz)},
		{"updated_at", strings.Replace(str(rec, "LastModifiedDate"), ".000+0000", "Z", 1)},
	}
	writeJSON(w, http.StatusOK, body)
}

// serveIdentity answers the identity URL /id/{orgId}/{userId}. Keys and
// order as in fixtures/oauth-identity-url.json.
func (o *Org) serveIdentity(w http.ResponseWriter, r *http.Request, u oauth.User, rest string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	parts := splitPath(rest)
	if len(parts) != 2 {
		writeError(w, errNotFound())
		return
	}
	_, rec, ok := o.st.Get(parts[1])
	if !ok || !strings.EqualFold(parts[0][:min(15, len(parts[0]))], o.meta.OrgID[:15]) {
		writeError(w, errNotFound())
		return
	}
	id := rec["Id"].(string)
	base := instanceURL(r)
	body := orderedJSON{
		{"id", base + "/id/" + o.meta.OrgID + "/" + id},
		{"asserted_user", id == u.ID},
		{"user_id", id},
		{"organization_id", o.meta.OrgID},
		{"username", str(rec, "Username")},
		{"nick_name", str(rec, "CommunityNickname")},
		{"display_name", str(rec, "Name")},
		{"email", str(rec, "Email")},
		{"email_verified", true},
		{"first_name", rec["FirstName"]},
		{"last_name", str(rec, "LastName")},
		{"timezone", str(rec, "TimeZoneSidKey")},
		{"photos", orderedJSON{{"picture", base + "/profilephoto/005/F"}, {"thumbnail", base + "/profilephoto/005/T"}}},
		{"addr_street", rec["Street"]},
		{"addr_city", rec["City"]},
		{"addr_state", rec["State"]},
		{"addr_country", rec["Country"]},
		{"addr_zip", rec["PostalCode"]},
		{"mobile_phone", rec["MobilePhone"]},
		{"mobile_phone_verified", false},
		{"is_lightning_login_user", false},
		{"status", orderedJSON{{"created_date", nil}, {"body", nil}}},
		{"urls", urlsFor(base, o.meta.OrgID[:15], id)},
		{"active", rec["IsActive"] == true},
		{"user_type", "STANDARD"},
		{"language", str(rec, "LanguageLocaleKey")},
		{"locale", str(rec, "LocaleSidKey")},
		{"utcOffset", utcOffsetMillis(str(rec, "TimeZoneSidKey"))},
		{"last_modified_date", str(rec, "LastModifiedDate")},
		{"is_app_installed", true},
	}
	writeJSON(w, http.StatusOK, body)
}

// utcOffsetMillis is the standard-time offset of a time zone key, as
// userinfo reports it (-28800000 for America/Los_Angeles, oauth-userinfo.json).
func utcOffsetMillis(tz string) int64 {
	loc, err := loadLocation(tz)
	if err != nil {
		return 0
	}
	_, off := januaryFirst.In(loc).Zone()
	return int64(off) * 1000
}

type limitEntry struct {
	name string
	max  int
	sub  []limitEntry
}

// limits are the entries and Max values of fixtures/limits-v60.json.
var limits = []limitEntry{
	{"AnalyticsExternalDataSizeMB", 40960, nil},
	{"CdpAiInferenceApiMonthlyLimit", 500000000, nil},
	{"ConcurrentAsyncGetReportInstances", 200, nil},
	{"ConcurrentEinsteinDataInsightsStoryCreation", 5, nil},
	{"ConcurrentEinsteinDiscoveryStoryCreation", 2, nil},
	{"ConcurrentSyncReportRuns", 20, nil},
	{"ContentDistBandwidthLimitMB", 51200, nil},
	{"ContentDistViewLimit", 50000, nil},
	{"ContentPublicationLimit", 2500, nil},
	{"DailyAnalyticsDataflowJobExecutions", 60, nil},
	{"DailyAnalyticsUploadedFilesSizeMB", 51200, nil},
	{"DailyApexCursorLimit", 10000, nil},
	{"DailyApexCursorRowsLimit", 100000000, nil},
	{"DailyApexPCursorLimit", 200000, nil},
	{"DailyApiRequests", 15000, nil},
	{"DailyAsyncApexExecutions", 250000, nil},
	{"DailyAsyncApexTests", 500, nil},
	{"DailyBulkApiBatches", 15000, nil},
	{"DailyBulkV2QueryFileStorageMB", 976562, nil},
	{"DailyBulkV2QueryJobs", 10000, nil},
	{"DailyDeliveredPlatformEvents", 10000, nil},
	{"DailyDurableGenericStreamingApiEvents", 10000, nil},
	{"DailyDurableStreamingApiEvents", 10000, nil},
	{"DailyEinsteinDataInsightsStoryCreation", 1000, nil},
	{"DailyEinsteinDiscoveryOptimizationJobRuns", 25, nil},
	{"DailyEinsteinDiscoveryPredictAPICalls", 50000, nil},
	{"DailyEinsteinDiscoveryPredictionsByCDC", 500000, nil},
	{"DailyEinsteinDiscoveryStoryCreation", 100, nil},
	{"DailyFunctionsApiCallLimit", 50000, nil},
	{"DailyGenericStreamingApiEvents", 10000, nil},
	{"DailyMetadataRetrievesWithDependencies", 25, nil},
	{"DailyServiceEmailAgentforceCalls", 5000, nil},
	{"DailyStandardVolumePlatformEvents", 10000, nil},
	{"DailyStreamingApiEvents", 10000, nil},
	{"DailyWorkflowEmails", 8040, nil},
	{"DataStorageMB", 5, nil},
	{"DurableStreamingApiConcurrentClients", 20, nil},
	{"ExternalServicesActiveObjects", 3000, nil},
	{"ExternalServicesActiveOperations", 3000, nil},
	{"ExternalServicesObjectProperties", 400000, nil},
	{"ExternalServicesObjects", 10000, nil},
	{"ExternalServicesOperations", 10000, nil},
	{"ExternalServicesRegistrations", 700, nil},
	{"FileStorageMB", 20, nil},
	{"HourlyAsyncReportRuns", 1200, nil},
	{"HourlyDashboardRefreshes", 200, nil},
	{"HourlyDashboardResults", 5000, nil},
	{"HourlyDashboardStatuses", 999999999, nil},
	{"HourlyElevateAsyncReportRuns", 1200, nil},
	{"HourlyElevateSyncReportRuns", 500, nil},
	{"HourlyLongTermIdMapping", 100000, nil},
	{"HourlyManagedContentPublicRequests", 50000, nil},
	{"HourlyODataCallout", 1000, nil},
	{"HourlyPublishedPlatformEvents", 50000, nil},
	{"HourlyPublishedStandardVolumePlatformEvents", 1000, nil},
	{"HourlyShortTermIdMapping", 100000, nil},
	{"HourlySyncReportRuns", 500, nil},
	{"HourlyTimeBasedWorkflow", 1000, nil},
	{"MassEmail", 10, nil},
	{"MaxContentDocumentsLimit", 30000000, nil},
	{"MonthlyEinsteinDiscoveryStoryCreation", 500, nil},
	{"Package2VersionCreates", 6, nil},
	{"Package2VersionCreatesWithoutValidation", 500, nil},
	{"PermissionSets", 1500, []limitEntry{{"CreateCustom", 1000, nil}}},
	{"PlatformEventTriggersWithParallelProcessing", 5, nil},
	{"PrivateConnectOutboundCalloutHourlyLimitMB", 0, nil},
	{"PublishCallbackUsageInApex", 5242880, nil},
	{"ScheduledFlowRunLimit", 250000, nil},
	{"ScheduledPathRunLimit", 250000, nil},
	{"SingleEmail", 15, nil},
	{"StreamingApiConcurrentClients", 20, nil},
}

// serveLimits answers /limits (every limit with Max and Remaining; only
// DailyApiRequests moves) and /limits/recordCount.
func (o *Org) serveLimits(c *reqCtx, parts []string) *apiError {
	// HEAD as well as GET, as the 405 answer itself says (G17).
	if c.r.Method != http.MethodGet && c.r.Method != http.MethodHead {
		return errMethod(c.r.Method)
	}
	if len(parts) == 1 && parts[0] == "recordCount" {
		return o.serveRecordCount(c)
	}
	if len(parts) != 0 {
		return errNotFound()
	}
	// Limits that move: DailyApiRequests with every counted request; the
	// PermissionSets limit with the org's permission sets (limits-v60.json
	// has PermissionSets {Max 1500, CreateCustom {Max 1000}}; which sets count
	// is UNCONFIRMED: here those not owned by a profile, and custom ones for
	// CreateCustom).
	sets, custom := 0, 0
	for _, ps := range o.st.All("PermissionSet") {
		if ps["IsOwnedByProfile"] == true {
			continue
		}
		sets++
		if ps["IsCustom"] == true {
			custom++
		}
	}
	o.rollAPIDay()
	used := map[string]int{"DailyApiRequests": o.meta.APICalls, "PermissionSets": sets, "CreateCustom": custom}
	var render func(l limitEntry) map[string]any
	render = func(l limitEntry) map[string]any {
		most := l.max
		if l.name == "DailyApiRequests" {
			most = o.dailyLimit()
		}
		m := map[string]any{"Max": most, "Remaining": max(0, most-used[l.name])}
		for _, s := range l.sub {
			m[s.name] = render(s)
		}
		return m
	}
	out := map[string]any{}
	for _, l := range limits {
		out[l.name] = render(l)
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// serveRecordCount answers /limits/recordCount[?sObjects=A,B]. Objects without
// records are left out (fixtures limits-recordCount-zero.json); entries are
// {count, name} (limits-recordCount-one.json).
func (o *Org) serveRecordCount(c *reqCtx) *apiError {
	type entry struct {
		Count int    `json:"count"`
		Name  string `json:"name"`
	}
	var names []string
	if q := c.r.URL.Query().Get("sObjects"); q != "" {
		for _, n := range strings.Split(q, ",") {
			if obj, ok := o.cat.Object(strings.TrimSpace(n)); ok {
				names = append(names, obj.Name)
			}
		}
	} else {
		names = o.st.objects()
	}
	sort.Strings(names)
	out := []entry{}
	for _, n := range names {
		if k := o.st.count(n); k > 0 {
			out = append(out, entry{k, n})
		}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"sObjects": out})
	return nil
}
