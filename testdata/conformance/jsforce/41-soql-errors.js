// SOQL error bodies as jsforce surfaces them (err.errorCode, err.message; no
// fields): the caret diagram and "ERROR at Row:1:Column:N" line, then the
// sentence. Exact where a live org's answer is recorded
// (fixtures/error-INVALID_TYPE-query-v50.json,
// error-INVALID_QUERY_FILTER_OPERATOR-invalid-id-v51.json), and the phrases
// sf's own tests expect from real orgs (salesforcecli/plugin-data
// query.nut.ts: "unexpected token", "No such column '...' on entity '...'").
'use strict';
const { assert, adminConnection, expectReject, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const fail = async (soql) => {
    const e = await expectReject(() => conn.query(soql), soql);
    assert.equal(e.name, e.errorCode);
    assert.equal(e.data.fields, undefined, `${soql}: SOQL errors carry no fields`);
    const lines = e.message.split('\n');
    assert.equal(lines[0], '', 'the message starts with a newline');
    assert.match(lines[3], /^ERROR at Row:1:Column:\d+$/);
    assert.equal(lines[2].indexOf('^'), lines[2].length - 1, 'the caret line ends at the caret');
    return { code: e.errorCode, message: e.message, last: lines.slice(4).join('\n'), column: Number(lines[3].split(':').pop()) };
  };

  // Recorded verbatim from a live org.
  let e = await fail('SELECT Xyzzy FROM Xyzzy');
  assert.equal(e.code, 'INVALID_TYPE');
  assert.equal(e.message, "\nSELECT Xyzzy FROM Xyzzy\n                  ^\nERROR at Row:1:Column:19\nsObject type 'Xyzzy' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.");

  e = await fail("SELECT Id, LastName FROM Contact WHERE (Id = 'somethingwonky') LIMIT 1");
  assert.equal(e.code, 'INVALID_QUERY_FILTER_OPERATOR');
  assert.equal(e.last, 'invalid ID field: somethingwonky');
  assert.equal(e.column, "SELECT Id, LastName FROM Contact WHERE (".length + 1, 'the column points at the Id in the condition');

  // Unknown fields, in the select list, through a relationship, in WHERE.
  for (const [soql, field, entity] of [
    ['SELECT Id, Nope__c FROM Account', 'Nope__c', 'Account'],
    ['SELECT Account.Nope FROM Contact', 'Nope', 'Account'],
    ['SELECT Id FROM Contact WHERE Nope = 1', 'Nope', 'Contact'],
    ['SELECT Id, Name, SymbolTable from ApexClass', 'SymbolTable', 'ApexClass'],
  ]) {
    e = await fail(soql);
    assert.equal(e.code, 'INVALID_FIELD', soql);
    assert.equal(e.last, `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
  }

  // Syntax errors.
  e = await fail('SELECT');
  assert.equal(e.code, 'MALFORMED_QUERY');
  assert.equal(e.last, "unexpected token: '<EOF>'");
  e = await fail('SELECT Id FROM Account WHERE');
  assert.equal(e.code, 'MALFORMED_QUERY');
  assert.equal(e.last, "unexpected token: '<EOF>'");
  e = await fail('SELECT Id FROM Account LIMIT x');
  assert.equal(e.code, 'MALFORMED_QUERY');
  assert.equal(e.last, "unexpected token: 'x'");

  // A value of the wrong type for the field.
  e = await fail("SELECT Id FROM Account WHERE NumberOfEmployees = 'abc'");
  assert.equal(e.code, 'INVALID_FIELD');
  assert.match(e.last, /^value of filter criterion for field 'NumberOfEmployees' must be of type \w+ and should not be enclosed in quotes$/);
  e = await fail('SELECT Id FROM Account WHERE Name = 5');
  assert.equal(e.code, 'INVALID_FIELD');
  assert.match(e.last, /^value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes$/);
});
