// Assertions for the sf scenarios: `node check.js DIR 'BODY'` runs BODY with
//   J.<name>   the parsed --json output that sfjson stored as DIR/<name>.json
//   RC.<name>  the exit code of that sf command
//   env        {url, admin, token}
//   assert     node:assert/strict
// and prints every stored output when an assertion fails.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const [dir, body] = process.argv.slice(2);
const J = {};
const RC = {};
for (const f of fs.readdirSync(dir)) {
  const name = f.replace(/\.(json|rc)$/, '');
  const text = fs.readFileSync(path.join(dir, f), 'utf8');
  if (f.endsWith('.json')) {
    try {
      J[name] = JSON.parse(text);
    } catch (e) {
      J[name] = { unparsable: text };
    }
  } else if (f.endsWith('.rc')) {
    RC[name] = Number(text.trim());
  }
}
const env = {
  url: process.env.SFPROV_URL,
  admin: process.env.SFPROV_ADMIN || 'admin@emulator.sfprov.local',
  token: process.env.SFPROV_TOKEN,
};
try {
  new Function('assert', 'J', 'RC', 'env', body)(assert, J, RC, env);
} catch (e) {
  console.error(e && e.message ? e.message : e);
  for (const [k, v] of Object.entries(J)) console.error(`--- ${k} (exit ${RC[k]}) ---\n${JSON.stringify(v, null, 1).slice(0, 3000)}`);
  process.exit(1);
}
