// /composite (issue 3 item 1): subrequests with @{ref.id} references, HTTP 200
// with a per-subrequest httpStatusCode (fixtures/composite-*.json shapes), and
// allOrNone rollback.
'use strict';
const { assert, adminConnection, env, unique, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const v = `/services/data/v${env.version}`;
  const tag = unique('Composite');
  const q = encodeURIComponent(`SELECT Id, LastName, Account.Name FROM Contact WHERE LastName = '${tag}'`);
  const res = await conn.requestPost(`${v}/composite`, {
    allOrNone: true,
    compositeRequest: [
      { method: 'POST', url: `${v}/sobjects/Account`, referenceId: 'acc', body: { Name: tag } },
      { method: 'POST', url: `${v}/sobjects/Contact`, referenceId: 'con', body: { LastName: tag, AccountId: '@{acc.id}' } },
      { method: 'GET', url: `${v}/query?q=${q}`, referenceId: 'back' },
    ],
  });
  const [acc, con, back] = res.compositeResponse;
  assert.deepEqual(res.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode]), [['acc', 201], ['con', 201], ['back', 200]]);
  assert.match(acc.body.id, idRe('001'));
  assert.equal(acc.body.success, true);
  assert.match(con.body.id, idRe('003'));
  assert.equal(back.body.totalSize, 1);
  assert.equal(back.body.records[0].Id, con.body.id);
  assert.equal(back.body.records[0].Account.Name, tag);

  // allOrNone: the failing subrequest carries its error, the one before it is
  // rolled back and says so, and nothing is saved.
  const tag2 = unique('CompositeRollback');
  const bad = await conn.requestPost(`${v}/composite`, {
    allOrNone: true,
    compositeRequest: [
      { method: 'POST', url: `${v}/sobjects/Account`, referenceId: 'acc', body: { Name: tag2 } },
      { method: 'POST', url: `${v}/sobjects/Contact`, referenceId: 'con', body: { FirstName: tag2, AccountId: '@{acc.id}' } },
    ],
  });
  const [a2, c2] = bad.compositeResponse;
  assert.equal(c2.httpStatusCode, 400);
  assert.equal(c2.body[0].errorCode, 'REQUIRED_FIELD_MISSING');
  assert.equal(a2.httpStatusCode, 400);
  assert.equal(a2.body[0].errorCode, 'PROCESSING_HALTED');
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE Name = '${tag2}'`)).totalSize, 0);

  await conn.sobject('Contact').destroy(con.body.id);
  await conn.sobject('Account').destroy(acc.body.id);
});
