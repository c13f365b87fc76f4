package emulator

import (
	"net/http"

	"github.com/sfprov/sfprov/internal/emulator/schema"
)

// maxTreeRecords is the sObject Tree limit: 200 records in one request,
// across all levels (REST API guide, "sObject Tree"; UNCONFIRMED wording of
// the error).
const maxTreeRecords = 200

type treeResult struct {
	ReferenceID string      `json:"referenceId"`
	ID          string      `json:"id,omitempty"`
	Errors      []collError `json:"errors,omitempty"`
}

// serveTree handles POST /composite/tree/{T} (sf data import tree): records
// with nested child records, created all or nothing. The answer is
// {hasErrors, results[{referenceId, id}]} on success and 400 with
// {hasErrors: true, results[{referenceId, errors}]} on failure (REST API
// guide, "Create Nested Records").
func (o *Org) serveTree(c *reqCtx, typ string) *apiError {
	if c.r.Method != http.MethodPost {
		return errMethod(c.r.Method, "POST")
	}
	obj, ok := o.view(c).Lookup(typ)
	if !ok {
		return errNotFound()
	}
	var body struct {
		Records []map[string]any `json:"records"`
	}
	if aerr := decodeInto(c.r, &body); aerr != nil {
		return aerr
	}
	if countTree(body.Records) > maxTreeRecords {
		return errMsg(http.StatusBadRequest, "LIMIT_EXCEEDED", "Maximum number of records in a tree request is 200")
	}
	rollback, commit := o.st.begin()
	var results []treeResult
	failed := o.insertTree(c, obj, body.Records, "", "", &results)
	if failed != nil {
		rollback()
		writeJSON(c.w, http.StatusBadRequest, map[string]any{"hasErrors": true, "results": []treeResult{*failed}})
		return nil
	}
	commit()
	c.mutated = true
	writeJSON(c.w, http.StatusCreated, map[string]any{"hasErrors": false, "results": results})
	return nil
}

func countTree(recs []map[string]any) int {
	n := 0
	for _, r := range recs {
		n++
		for _, v := range r {
			if child, ok := v.(map[string]any); ok {
				if list, ok := child["records"].([]any); ok {
					var sub []map[string]any
					for _, x := range list {
						if m, ok := x.(map[string]any); ok {
							sub = append(sub, m)
						}
					}
					n += countTree(sub)
				}
			}
		}
	}
	return n
}

// insertTree creates recs (children of parentID through parentField when
// set) and returns the first failure.
func (o *Org) insertTree(c *reqCtx, obj *schema.Object, recs []map[string]any, parentField, parentID string, results *[]treeResult) *treeResult {
	for _, rec := range recs {
		attrs, _ := rec["attributes"].(map[string]any)
		ref, _ := attrs["referenceId"].(string)
		fields := map[string]any{}
		children := map[string][]map[string]any{}
		for k, v := range rec {
			if k == "attributes" {
				continue
			}
			if m, ok := v.(map[string]any); ok {
				if list, ok := m["records"].([]any); ok {
					for _, x := range list {
						if cm, ok := x.(map[string]any); ok {
							children[k] = append(children[k], cm)
						}
					}
					continue
				}
			}
			fields[k] = v
		}
		if parentField != "" {
			fields[parentField] = parentID
		}
		id, err := o.insert(o.dmlOf(c), obj, fields)
		if err != nil {
			return &treeResult{ReferenceID: ref, Errors: []collError{{err.Code, err.Message, nonNil(err.Fields)}}}
		}
		*results = append(*results, treeResult{ReferenceID: ref, ID: id})
		for rel, kids := range children {
			var childObj *schema.Object
			var field string
			for _, cr := range o.view(c).ChildRelationships(obj.Name) {
				if cr.RelationshipName == rel {
					childObj, _ = o.view(c).Lookup(cr.ChildSObject)
					field = cr.Field
				}
			}
			if childObj == nil {
				return &treeResult{ReferenceID: ref, Errors: []collError{{"INVALID_FIELD", "No such relationship '" + rel + "' on " + obj.Name, []string{}}}}
			}
			if f := o.insertTree(c, childObj, kids, field, id, results); f != nil {
				return f
			}
		}
	}
	return nil
}
