// User licence seats (issue 3 "licence seats run out with LICENSE_LIMIT_EXCEEDED";
// salesforce-api-facts.md §1): the one-seat "Analytics Cloud Integration User"
// licence of a fresh org. An active user takes the seat (UsedLicenses moves), a
// second is refused through /sobjects and through a collection, deactivating
// frees the seat, and reactivating while another user holds it is refused.
// The seat is free again at the end. (The message text is not asserted: the
// emulator marks it UNCONFIRMED.)
'use strict';
const { assert, adminConnection, unique, expectReject, idRe, run } = require('../lib/harness');

run(async () => {
  const conn = adminConnection();
  const profile = (await conn.query("SELECT Id, UserLicense.Name FROM Profile WHERE Name = 'Analytics Cloud Integration User'")).records[0];
  assert.equal(profile.UserLicense.Name, 'Analytics Cloud Integration User');
  const seats = async () => (await conn.query("SELECT TotalLicenses, UsedLicenses FROM UserLicense WHERE Name = 'Analytics Cloud Integration User'")).records[0];
  const user = () => ({
    Username: `${unique('conf.seat.')}@example.com`, LastName: 'Conformance Seat', Email: 'seat@example.com', Alias: 'seat',
    TimeZoneSidKey: 'America/Los_Angeles', LocaleSidKey: 'en_US', EmailEncodingKey: 'UTF-8', LanguageLocaleKey: 'en_US', ProfileId: profile.Id,
  });

  const before = await seats();
  assert.equal(before.TotalLicenses, 1);
  assert.equal(before.UsedLicenses, 0, 'the seat is free when this scenario starts');

  const first = await conn.sobject('User').create(user());
  assert.match(first.id, idRe('005'));
  assert.equal((await seats()).UsedLicenses, 1);

  let err = await expectReject(() => conn.sobject('User').create(user()), 'a second user on a full licence');
  assert.equal(err.errorCode, 'LICENSE_LIMIT_EXCEEDED');
  const many = await conn.sobject('User').create([user()]);
  assert.equal(many[0].success, false);
  assert.equal(many[0].errors[0].statusCode, 'LICENSE_LIMIT_EXCEEDED');
  assert.equal((await seats()).UsedLicenses, 1, 'refused users take no seat');

  // Deactivating frees the seat; another user takes it; the first cannot come back.
  assert.equal((await conn.sobject('User').update({ Id: first.id, IsActive: false })).success, true);
  assert.equal((await seats()).UsedLicenses, 0);
  const second = await conn.sobject('User').create(user());
  assert.equal(second.success, true);
  err = await expectReject(() => conn.sobject('User').update({ Id: first.id, IsActive: true }), 'reactivating onto a full licence');
  assert.equal(err.errorCode, 'LICENSE_LIMIT_EXCEEDED');
  const active = await conn.query(`SELECT Id, IsActive FROM User WHERE Id IN ('${first.id}', '${second.id}') ORDER BY Username`);
  assert.deepEqual(Object.fromEntries(active.records.map((r) => [r.Id, r.IsActive])), { [first.id]: false, [second.id]: true });

  assert.equal((await conn.sobject('User').update({ Id: second.id, IsActive: false })).success, true);
  assert.equal((await seats()).UsedLicenses, 0, 'the seat is free again');
});
