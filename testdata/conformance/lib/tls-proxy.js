// A TLS front for the emulator, for the sf commands that insist on https
// (sf org login jwt; real-clients.md §3.5). `node tls-proxy.js TARGET CERT KEY`
// prints "https://127.0.0.1:PORT" when listening and forwards every request
// to TARGET (http://127.0.0.1:PORT) with TARGET's Host, so the token reply's
// instance_url sends sf straight to the emulator afterwards.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const [target, cert, key] = process.argv.slice(2);
const t = new URL(target);
const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
  const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => console.log(`https://127.0.0.1:${server.address().port}`));
