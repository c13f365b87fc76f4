package soql

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error codes the engine answers with. Source: Partner WSDL ExceptionCode
// (salesforce-api-facts.md §12) and the recorded bodies in
// shared/reference/fixtures/error-INVALID_TYPE-query-v50.json and
// error-INVALID_QUERY_FILTER_OPERATOR-invalid-id-v51.json.
const (
	CodeMalformedQuery = "MALFORMED_QUERY"
	CodeInvalidField   = "INVALID_FIELD"
	CodeInvalidType    = "INVALID_TYPE"
	CodeInvalidFilter  = "INVALID_QUERY_FILTER_OPERATOR"
	CodeOutOfRange     = "NUMBER_OUTSIDE_VALID_RANGE"
)

// Error is a query error as Salesforce reports it: the REST body is
// [{"message": Message, "errorCode": Code}] with HTTP 400.
type Error struct {
	Code    string
	Message string
	// Row and Column are the 1-based position the message points at.
	Row, Column int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Message texts, worded as Salesforce words them. Each cites where the
// wording was seen.
const (
	// fixtures/error-INVALID_TYPE-query-v50.json
	msgUnknownObject = "sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
	// Seen in many recorded errors, e.g. forcedotcom/soql-tooling#86,
	// forcedotcom/cli#1356 ("No such column 'Body' on entity 'ApexLog'. ...").
	msgNoSuchColumn = "No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
	// Recorded in client code that handles it, e.g. "Didn't understand
	// relationship 'ConvertedAccount' in field path. If you are attempting to
	// use a custom relationship, be sure to append the '__r' after the custom
	// relationship name." plus the usual WSDL sentence.
	msgBadRelationship = "Didn't understand relationship '%s' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."
	// Same family, for a child relationship named in a subquery's FROM.
	msgBadChildRelationship = "Didn't understand relationship '%s' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."
	// fixtures/error-INVALID_QUERY_FILTER_OPERATOR-invalid-id-v51.json
	msgInvalidID = "invalid ID field: %s"
	// Recorded errors: roblesterjr04/EloquentSalesForce#68 (string, INVALID_FIELD),
	// jetstreamapp/jetstream#270 (boolean), EloquentSalesForce#36 (double).
	msgFilterQuoted   = "value of filter criterion for field '%s' must be of type %s and should be enclosed in quotes"
	msgFilterUnquoted = "value of filter criterion for field '%s' must be of type %s and should not be enclosed in quotes"
	// Summer '24 release notes, "Changed Error Messages" (unexpected token: 'AND').
	msgUnexpected = "unexpected token: '%s'"
	// SOQL "GROUP BY" doc: every non-aggregated selected field must be grouped.
	msgNotGrouped = "Field must be grouped or aggregated: %s"
	// msgDateFnField: a date function over a field that is not a date or
	// dateTime (UNCONFIRMED wording).
	msgDateFnField = "%s can only be used with date or dateTime fields: %s"
	// The same rule for ORDER BY in an aggregate query.
	msgOrderNotGrouped = "Ordered field must be grouped or aggregated: %s"
	// Aliases are for aggregate expressions only (SOQL "Using Aliases with
	// GROUP BY"). Wording, lower-case "only", as clients record it for
	// "SELECT Id Name FROM Account" and "SELECT Id, Name coverage FROM X".
	msgAliasNotAggregate = "only aggregate expressions use field aliasing"
	// SOQL "FIELDS()" doc: "SELECT Id, FIELDS(ALL) FROM User LIMIT 200" gives
	// INVALID_FIELD "duplicate field selected: Id".
	msgDuplicateField = "duplicate field selected: %s"
	// Describe's filterable/sortable/groupable flags, enforced. Wording and
	// codes as reproduced on a live org and recorded in a public client's
	// comment ("WHERE Description -> INVALID_FIELD ... can not be filtered",
	// "ORDER BY Description -> MALFORMED_QUERY ... can not be sorted",
	// "WHERE BillingAddress -> INVALID_FIELD Address fields can only be
	// filtered using Distance expressions"); also forcedotcom/soql-tooling#171.
	// The GROUP BY wording follows the same pattern and is not confirmed.
	msgNotFilterable = "field '%s' can not be filtered in query call"
	msgNotSortable   = "field '%s' can not be sorted in a query call"
	msgNotGroupable  = "field '%s' can not be grouped in a query call"
	msgAddressFilter = "Address fields can only be filtered using Distance expressions"
	// Quoted by many clients that work around it, e.g. "The SOQL FIELDS
	// function must have a LIMIT of at most 200" with MALFORMED_QUERY.
	msgFieldsLimit = "The SOQL FIELDS function must have a LIMIT of at most 200"
	// Recorded body [{"message":"Maximum SOQL offset allowed is 2000",
	// "errorCode":"NUMBER_OUTSIDE_VALID_RANGE"}] (no caret block).
	msgMaxOffset = "Maximum SOQL offset allowed is 2000"
	maxOffset    = 2000
)

// tokensBefore is how many tokens of context the message shows before the
// token it points at, not counting parentheses. Recorded messages show four:
// "WebEmail__c, Case_Resolution_Summary__c, MW_Case_ID__c" (boomii/bdw#94),
// "ProductCode from Product2 where ProductCode = 3999"
// (EloquentSalesForce#68) and "Assignable_Adoption_Date__c FROM Contact WHERE
// (Id = ..." (the fixture, caret under Id, so the "(" is not counted). The
// fragment runs to the end of the line the error is on, as in the fixture and
// in every short query recorded. Some recordings of syntax errors show more
// or less context, and some cut the fragment on the right; no rule fits them
// all, so the engine keeps this one.
const tokensBefore = 4

// newError builds an Error whose message has Salesforce's shape:
// "\n<fragment>\n<spaces>^\nERROR at Row:R:Column:C\n<text>".
// pos is the byte offset the caret points at.
func newError(src string, pos int, code, text string) *Error {
	if pos > len(src) {
		pos = len(src)
	}
	if pos < 0 {
		pos = 0
	}
	lineStart := strings.LastIndexByte(src[:pos], '\n') + 1
	lineEnd := len(src)
	if k := strings.IndexByte(src[pos:], '\n'); k >= 0 {
		lineEnd = pos + k
	}
	row := strings.Count(src[:pos], "\n") + 1
	col := utf8.RuneCountInString(src[lineStart:pos]) + 1

	// The fragment starts tokensBefore tokens before the token under the caret
	// (or the next token when the caret is on white space), but never before
	// the start of the line.
	start := lineStart
	toks := lex(src)
	at := len(toks) - 1
	for k, t := range toks {
		if t.End > pos || t.Kind == tokEOF {
			at = k
			break
		}
	}
	for k, n := at-1, 0; k >= 0 && toks[k].Pos >= lineStart; k-- {
		if t := toks[k]; t.Kind == tokPunct && (t.Text == "(" || t.Text == ")") {
			continue
		}
		if n++; n == tokensBefore {
			start = toks[k].Pos
			break
		}
	}
	frag := src[start:lineEnd]
	frag = strings.TrimRight(frag, "\r")
	caret := strings.Repeat(" ", utf8.RuneCountInString(src[start:pos])) + "^"
	msg := fmt.Sprintf("\n%s\n%s\nERROR at Row:%d:Column:%d\n%s", frag, caret, row, col, text)
	return &Error{Code: code, Message: msg, Row: row, Column: col}
}

// unexpected reports a syntax error at token t. Salesforce puts the caret on
// the character before the offending token: "LastModifiedDate, From Account"
// gives Column:78 with the caret under the space before "From"
// (recorded in a public Java client's comment), "SELECT Id FROM Bar__c WHERE"
// gives Column:27 for <EOF>, and "...LIKE 'test' OR email" gives Column:61
// under the space before OR (a question on the unexpected-token error).
func unexpected(src string, t token) *Error {
	pos := t.Pos
	lineStart := strings.LastIndexByte(src[:pos], '\n') + 1
	if pos > lineStart {
		_, size := utf8.DecodeLastRuneInString(src[lineStart:pos])
		pos -= size
	}
	return newError(src, pos, CodeMalformedQuery, fmt.Sprintf(msgUnexpected, t.display()))
}
