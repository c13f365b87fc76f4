// Permission set groups through jsforce: create a group and a component, the
// group recalculates (Status Updating, then Updated: salesforce-api-facts.md
// §6), an assignment before Updated is refused with the message Salesforce
// gives (facts §6; trailheadapps/multiframework-recipes#100), after it is
// accepted; the group's own aggregate permission set (Type 'Group') and the
// assignment read back through relationships. The wait polls the status; it
// asserts no duration.
'use strict';
const { assert, env, adminConnection, unique, expectReject, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const t = unique('Conf_PSG_');
  const ps = await conn.sobject('PermissionSet').create({ Name: `${t}_ps`, Label: `${t} set`, PermissionsApiEnabled: true });
  assert.equal(ps.success, true);
  const g = await conn.sobject('PermissionSetGroup').create({ DeveloperName: t, MasterLabel: `${t} group` });
  assert.match(g.id, /^0PG[0-9A-Za-z]{15}$/);
  const comp = await conn.sobject('PermissionSetGroupComponent').create({ PermissionSetGroupId: g.id, PermissionSetId: ps.id });
  assert.match(comp.id, /^0PM[0-9A-Za-z]{15}$/);
  const status = async () => (await conn.query(`SELECT Status FROM PermissionSetGroup WHERE Id = '${g.id}'`)).records[0].Status;
  assert.equal(await status(), 'Updating', 'a changed group recalculates');

  const user = (await conn.query(`SELECT Id FROM User WHERE Username = '${env.ciUser}'`)).records[0].Id;
  const err = await expectReject(() => conn.sobject('PermissionSetAssignment').create({ AssigneeId: user, PermissionSetGroupId: g.id }), 'assignment while Updating');
  assert.equal(err.message, 'You can only assign users to permission set groups that have the "Updated" status');
  assert.deepEqual(err.data.fields, ['PermissionSetGroupId']);

  let s = await status();
  for (let i = 0; s !== 'Updated' && i < 300; i++) {
    assert.equal(s, 'Updating');
    await new Promise((r) => setTimeout(r, 100));
    s = await status();
  }
  assert.equal(s, 'Updated');

  const psa = await conn.sobject('PermissionSetAssignment').create({ AssigneeId: user, PermissionSetGroupId: g.id });
  assert.match(psa.id, /^0Pa[0-9A-Za-z]{15}$/);
  const q = await conn.query(`SELECT Assignee.Username, PermissionSetGroup.DeveloperName, PermissionSet.Type, PermissionSetId FROM PermissionSetAssignment WHERE Id = '${psa.id}'`);
  const row = q.records[0];
  assert.equal(row.Assignee.Username, env.ciUser);
  assert.equal(row.PermissionSetGroup.DeveloperName, t);
  assert.equal(row.PermissionSet.Type, 'Group', 'the assignment points at the group\'s aggregate permission set');
  const agg = await conn.query(`SELECT Id, Type, PermissionSetGroupId FROM PermissionSet WHERE PermissionSetGroupId = '${g.id}'`);
  assert.deepEqual(agg.records.map((r) => [r.Id, r.Type]), [[row.PermissionSetId, 'Group']]);
  const members = await conn.query(`SELECT PermissionSet.Name FROM PermissionSetGroupComponent WHERE PermissionSetGroupId = '${g.id}'`);
  assert.deepEqual(members.records.map((r) => r.PermissionSet.Name), [`${t}_ps`]);
  // The same group twice is a duplicate.
  const dup = await expectReject(() => conn.sobject('PermissionSetAssignment').create({ AssigneeId: user, PermissionSetGroupId: g.id }), 'second assignment');
  assert.equal(dup.errorCode, 'DUPLICATE_VALUE');

  assert.equal((await conn.sobject('PermissionSetAssignment').destroy(psa.id)).success, true);
});
