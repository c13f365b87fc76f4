// SOQL beyond 10/11: aggregate functions with and without aliases (exprN
// naming), GROUP BY (also on a parent field) and HAVING, COUNT_DISTINCT,
// child subqueries (null when there are no children), semi- and anti-joins,
// ORDER BY with NULLS FIRST/LAST, OFFSET, date literals, case-insensitive
// comparisons, and the error wording for aggregates and OFFSET.
// Source for the shapes: fixtures/query-aggregate-countId.json,
// query-subquery-Contact-Opportunities.json; SOQL and SOSL Reference.
'use strict';
const { assert, adminConnection, unique, expectReject, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const t = unique('Agg');
  const accs = await conn.sobject('Account').create([
    { Name: `${t}-1`, Industry: 'Banking', NumberOfEmployees: 10, AnnualRevenue: 1000 },
    { Name: `${t}-2`, Industry: 'Banking', NumberOfEmployees: 30 },
    { Name: `${t}-3`, Industry: 'Energy' },
    { Name: `${t}-4` },
  ]);
  const [a1, a2, a3, a4] = accs.map((r) => r.id);
  const cons = await conn.sobject('Contact').create([
    { LastName: `${t}-z`, AccountId: a1 }, { LastName: `${t}-y`, AccountId: a1 }, { LastName: `${t}-x`, AccountId: a2 },
  ]);
  assert.deepEqual(cons.map((r) => r.success), [true, true, true]);
  const W = `Name LIKE '${t}%'`;
  const agg = (r) => { const { attributes, ...rest } = r; assert.deepEqual(attributes, { type: 'AggregateResult' }); return rest; };

  // Aliased aggregates keep their alias; a numeric aggregate ignores nulls.
  let q = await conn.query(`SELECT COUNT(Id) n, MAX(NumberOfEmployees) mx, MIN(NumberOfEmployees) mn, SUM(NumberOfEmployees) s, AVG(NumberOfEmployees) av FROM Account WHERE ${W}`);
  assert.equal(q.totalSize, 1);
  assert.deepEqual(agg(q.records[0]), { n: 4, mx: 30, mn: 10, s: 40, av: 20 });
  // Without an alias: expr0, expr1, ... in select order; GROUP BY with ORDER BY NULLS FIRST.
  q = await conn.query(`SELECT Industry, COUNT(Id) FROM Account WHERE ${W} GROUP BY Industry ORDER BY Industry NULLS FIRST`);
  assert.deepEqual(q.records.map(agg), [{ Industry: null, expr0: 1 }, { Industry: 'Banking', expr0: 2 }, { Industry: 'Energy', expr0: 1 }]);
  q = await conn.query(`SELECT Industry, COUNT(Id) c FROM Account WHERE ${W} GROUP BY Industry HAVING COUNT(Id) > 1`);
  assert.deepEqual(q.records.map(agg), [{ Industry: 'Banking', c: 2 }]);
  q = await conn.query(`SELECT COUNT_DISTINCT(Industry) FROM Account WHERE ${W}`);
  assert.deepEqual(q.records.map(agg), [{ expr0: 2 }]);
  // Grouping on a parent field names the column after the field alone.
  q = await conn.query(`SELECT Account.Name, COUNT(Id) FROM Contact WHERE LastName LIKE '${t}%' GROUP BY Account.Name ORDER BY Account.Name`);
  assert.deepEqual(q.records.map(agg), [{ Name: `${t}-1`, expr0: 2 }, { Name: `${t}-2`, expr0: 1 }]);
  // COUNT(): no records, the count in totalSize.
  q = await conn.query(`SELECT COUNT() FROM Account WHERE ${W}`);
  assert.deepEqual([q.totalSize, q.records.length], [4, 0]);
  let err = await expectReject(() => conn.query(`SELECT Industry, COUNT(Id) FROM Account WHERE ${W}`), 'ungrouped field');
  assert.equal(err.errorCode, 'MALFORMED_QUERY');
  assert.match(err.message, /Field must be grouped or aggregated: Industry$/);

  // Child subquery: a nested query result, or null when there are no children.
  q = await conn.query(`SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE ${W} ORDER BY Name`);
  assert.deepEqual(q.records.map((r) => r.Name), [`${t}-1`, `${t}-2`, `${t}-3`, `${t}-4`]);
  assert.equal(q.records[0].Contacts.totalSize, 2);
  assert.equal(q.records[0].Contacts.done, true);
  assert.deepEqual(q.records[0].Contacts.records.map((c) => c.LastName), [`${t}-y`, `${t}-z`]);
  assert.equal(q.records[0].Contacts.records[0].attributes.type, 'Contact');
  assert.deepEqual(q.records[1].Contacts.records.map((c) => c.LastName), [`${t}-x`]);
  assert.equal(q.records[2].Contacts, null);
  assert.equal(q.records[3].Contacts, null);

  // Semi-join and anti-join.
  q = await conn.query(`SELECT Name FROM Account WHERE ${W} AND Id IN (SELECT AccountId FROM Contact) ORDER BY Name`);
  assert.deepEqual(q.records.map((r) => r.Name), [`${t}-1`, `${t}-2`]);
  q = await conn.query(`SELECT Name FROM Account WHERE ${W} AND Id NOT IN (SELECT AccountId FROM Contact WHERE AccountId != null) ORDER BY Name`);
  assert.deepEqual(q.records.map((r) => r.Name), [`${t}-3`, `${t}-4`]);

  // ORDER BY: ascending puts nulls first by default, DESC NULLS LAST puts them last.
  q = await conn.query(`SELECT Name FROM Account WHERE ${W} ORDER BY Industry, Name`);
  assert.deepEqual(q.records.map((r) => r.Name), [`${t}-4`, `${t}-1`, `${t}-2`, `${t}-3`]);
  q = await conn.query(`SELECT Name FROM Account WHERE ${W} ORDER BY Industry DESC NULLS LAST, Name`);
  assert.deepEqual(q.records.map((r) => r.Name), [`${t}-3`, `${t}-1`, `${t}-2`, `${t}-4`]);
  q = await conn.query(`SELECT Name FROM Account WHERE Industry IN ('Banking', 'Energy') AND ${W} ORDER BY Name DESC LIMIT 2 OFFSET 1`);
  assert.deepEqual(q.records.map((r) => r.Name), [`${t}-2`, `${t}-1`]);
  err = await expectReject(() => conn.query('SELECT Id FROM Account LIMIT 1 OFFSET 2001'), 'offset above 2000');
  assert.equal(err.errorCode, 'NUMBER_OUTSIDE_VALID_RANGE');
  assert.equal(err.message, 'Maximum SOQL offset allowed is 2000');

  // Nulls, numbers, case-insensitive text comparison.
  q = await conn.query(`SELECT Name FROM Account WHERE ${W} AND NumberOfEmployees = null ORDER BY Name`);
  assert.deepEqual(q.records.map((r) => r.Name), [`${t}-3`, `${t}-4`]);
  q = await conn.query(`SELECT Name, AnnualRevenue FROM Account WHERE ${W} AND AnnualRevenue > 500`);
  assert.deepEqual(q.records.map((r) => [r.Name, r.AnnualRevenue]), [[`${t}-1`, 1000]]);
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE Name LIKE '${t.toUpperCase()}%'`)).totalSize, 4);
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE Name = '${t.toUpperCase()}-1'`)).totalSize, 1);
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE ${W} AND NOT Industry = 'Banking'`)).totalSize, 2);

  // Date literals against CreatedDate (just now).
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE ${W} AND CreatedDate = TODAY`)).totalSize, 4);
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE ${W} AND CreatedDate = LAST_N_DAYS:1`)).totalSize, 4);
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE ${W} AND CreatedDate > 2020-01-01T00:00:00Z`)).totalSize, 4);
  assert.equal((await conn.query(`SELECT COUNT() FROM Account WHERE ${W} AND CreatedDate = YESTERDAY`)).totalSize, 0);

  const del = await conn.sobject('Contact').destroy(cons.map((r) => r.id));
  assert.deepEqual(del.map((r) => r.success), [true, true, true]);
  assert.deepEqual((await conn.sobject('Account').destroy([a1, a2, a3, a4])).map((r) => r.success), [true, true, true, true]);
});
