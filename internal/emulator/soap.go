package emulator

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
)

// soapLoginRequest is the partner login() envelope jsforce and other SOAP
// clients send (real-clients.md §2: POST /services/Soap/u/62.0, text/xml).
type soapLoginRequest struct {
	Username string `xml:"Body>login>username"`
	Password string `xml:"Body>login>password"`
}

// serveSOAPLogin answers the SOAP login() call on /services/Soap/u/{ver}.
// Source: facts §11: login() is not available in API 65.0+ and new orgs have
// it disabled by default ("INVALID_OPERATION: SOAP API login() is disabled by
// default in this org"); a seed enables it (soapLogin: true). A failed login
// is the INVALID_LOGIN fault with HTTP 500, envelope as recorded by clients'
// tests (simple-salesforce test_login.py and others found by code search).
func (o *Org) serveSOAPLogin(w http.ResponseWriter, r *http.Request, ver string) {
	if r.Method != http.MethodPost {
		writeError(w, errMethod(r.Method, "POST"))
		return
	}
	if f, err := strconv.ParseFloat(ver, 64); err != nil || f < 31 {
		writeError(w, errNotFound())
		return
	} else if f >= 65 {
		soapFault(w, "INVALID_OPERATION", "INVALID_OPERATION: The SOAP Login operation is not available in the API version specified ("+ver+")")
		return
	}
	o.mu.Lock()
	enabled := o.meta.Seed.SOAPLogin
	o.mu.Unlock()
	if !enabled {
		soapFault(w, "INVALID_OPERATION", "INVALID_OPERATION: SOAP API login() is disabled by default in this org.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req soapLoginRequest
	if err != nil || xml.Unmarshal(body, &req) != nil || req.Username == "" {
		soapFault(w, "INVALID_LOGIN", "INVALID_LOGIN: Invalid username, password, security token; or user locked out.")
		return
	}
	// The session is issued by the OAuth server, as for the password grant.
	form := url.Values{"grant_type": {"password"}, "username": {req.Username}, "password": {req.Password},
		"client_id": {o.opts.ClientID}, "client_secret": {o.opts.ClientSecret}}
	tr := httptest.NewRequest(http.MethodPost, "http://"+r.Host+"/services/oauth2/token", strings.NewReader(form.Encode()))
	tr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	tr.Host = r.Host
	tr.RemoteAddr = r.RemoteAddr // the LoginHistory row's SourceIp (audit.go)
	rec := httptest.NewRecorder()
	o.auth.ServeToken(rec, tr)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &tok) != nil || tok.AccessToken == "" {
		soapFault(w, "INVALID_LOGIN", "INVALID_LOGIN: Invalid username, password, security token; or user locked out.")
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	u, _ := o.userByUsername(req.Username)
	base := instanceURL(r)
	org15 := o.meta.OrgID[:15]
	_, orgRec, _ := o.st.Get(o.meta.OrgID)
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result>`)
	fmt.Fprintf(&sb, "<metadataServerUrl>%s/services/Soap/m/%s/%s</metadataServerUrl>", esc(base), ver, org15)
	sb.WriteString("<passwordExpired>false</passwordExpired>")
	fmt.Fprintf(&sb, "<sandbox>%t</sandbox>", orgRec["IsSandbox"] == true)
	fmt.Fprintf(&sb, "<serverUrl>%s/services/Soap/u/%s/%s</serverUrl>", esc(base), ver, org15)
	fmt.Fprintf(&sb, "<sessionId>%s</sessionId><userId>%s</userId><userInfo>", esc(tok.AccessToken), str(u, "Id"))
	fmt.Fprintf(&sb, "<organizationId>%s</organizationId><organizationName>%s</organizationName><profileId>%s</profileId>",
		o.meta.OrgID, esc(str(orgRec, "Name")), str(u, "ProfileId"))
	fmt.Fprintf(&sb, "<userEmail>%s</userEmail><userFullName>%s</userFullName><userId>%s</userId><userLanguage>%s</userLanguage><userLocale>%s</userLocale>",
		esc(str(u, "Email")), esc(str(u, "Name")), str(u, "Id"), str(u, "LanguageLocaleKey"), str(u, "LocaleSidKey"))
	fmt.Fprintf(&sb, "<userName>%s</userName><userTimeZone>%s</userTimeZone><userType>Standard</userType><userUiSkin>Theme3</userUiSkin>",
		esc(str(u, "Username")), str(u, "TimeZoneSidKey"))
	sb.WriteString("</userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>")
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, sb.String())
}

// soapFault writes a partner API SOAP fault (code without its sf: prefix)
// with HTTP 500, as Salesforce's SOAP API does.
func soapFault(w http.ResponseWriter, code, msg string) {
	writeSOAPFault(w, "urn:fault.partner.soap.sforce.com", "sf:"+code, msg)
}

// writeSOAPFault writes a SOAP fault with HTTP 500: faultcode is
// prefixed (sf:X, with sf bound to ns, or soapenv:Client).
func writeSOAPFault(w http.ResponseWriter, ns, faultcode, msg string) {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(msg))
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="%s" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>%s</faultcode><faultstring>%s</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`, ns, faultcode, b.String())
}
