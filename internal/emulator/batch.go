package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

type batchRequest struct {
	BatchRequests []struct {
		Method    string          `json:"method"`
		URL       string          `json:"url"`
		RichInput json.RawMessage `json:"richInput"`
	} `json:"batchRequests"`
	HaltOnError bool `json:"haltOnError"`
}

type batchResult struct {
	StatusCode int             `json:"statusCode"`
	Result     json.RawMessage `json:"result"`
}

// serveBatch handles POST /composite/batch: up to 25 independent
// subrequests, each committed on its own and each counted against the API
// limit; URLs are relative to /services/data ("v62.0/sobjects/..."); a
// failed subrequest with haltOnError stops the rest, which answer 412
// BATCH_PROCESSING_HALTED (REST API guide, "Composite Batch"; the halted
// wording is UNCONFIRMED).
func (o *Org) serveBatch(c *reqCtx) *apiError {
	if c.r.Method != http.MethodPost {
		return errMethod(c.r.Method, "POST")
	}
	var req batchRequest
	if aerr := decodeInto(c.r, &req); aerr != nil {
		return aerr
	}
	if len(req.BatchRequests) > maxSubrequests {
		return errMsg(http.StatusBadRequest, "LIMIT_EXCEEDED", fmt.Sprintf("Batch request exceeds the maximum of %d subrequests", maxSubrequests))
	}
	results := make([]batchResult, 0, len(req.BatchRequests))
	hasErrors, halted := false, false
	for i, s := range req.BatchRequests {
		if halted {
			b, _ := json.Marshal([]codeFirst{{"BATCH_PROCESSING_HALTED", "Batch processing halted per request"}})
			results = append(results, batchResult{http.StatusPreconditionFailed, b})
			continue
		}
		if i > 0 {
			// The call itself counted once; every further subrequest counts too.
			if o.meta.APICalls >= o.dailyLimit() {
				b, _ := json.Marshal([]messageFirst{{"TotalRequests Limit exceeded.", "REQUEST_LIMIT_EXCEEDED"}})
				results = append(results, batchResult{http.StatusForbidden, b})
				hasErrors = true
				continue
			}
			o.meta.APICalls++
		}
		url := s.URL
		if !strings.HasPrefix(url, "/services/data/") {
			url = "/services/data/" + strings.TrimPrefix(url, "/")
		}
		body := []byte(s.RichInput)
		if string(body) == "null" {
			body = nil
		}
		res := o.subrequest(c, s.Method, url, body, "")
		if res.HTTPStatusCode >= 400 {
			hasErrors = true
			halted = req.HaltOnError
		}
		results = append(results, batchResult{res.HTTPStatusCode, res.Body})
	}
	c.w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", o.meta.APICalls, o.dailyLimit()))
	writeJSON(c.w, http.StatusOK, map[string]any{"hasErrors": hasErrors, "results": results})
	return nil
}
