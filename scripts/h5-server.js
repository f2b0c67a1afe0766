#!/usr/bin/env node
// Serves the H5 build of the mini-program and forwards /api to the BFF, so that the app and
// its API share one origin, as they do behind the production gateway; also the demo's product
// pictures under /demo-media/.
// Usage: node scripts/h5-server.js --root dist/miniapp/h5 --port 10086 --api http://127.0.0.1:3000
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

// The demo's product pictures, where a deployment's come from its media storage.
const DEMO_MEDIA_PATH = '/demo-media/';
const DEMO_MEDIA_DIR = path.join(__dirname, 'demo-media') + path.sep;

function arg(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

function startH5Server({ root, port, api }) {
  const rootDir = path.resolve(root);
  const target = new URL(api);
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/api/')) {
      const upstream = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message: 'BFF unreachable' } }),
        );
      });
      req.pipe(upstream);
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://h5').pathname);
    } catch {
      return void res.writeHead(400).end(); // a malformed address, not a reason to stop serving
    }
    if (pathname.startsWith(DEMO_MEDIA_PATH)) {
      const media = path.join(DEMO_MEDIA_DIR, pathname.slice(DEMO_MEDIA_PATH.length));
      if (!media.startsWith(DEMO_MEDIA_DIR) || !fs.existsSync(media))
        return void res.writeHead(404).end();
      res.writeHead(200, {
        'content-type': TYPES[path.extname(media)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=86400',
      });
      return void fs.createReadStream(media).pipe(res);
    }
    let file = path.join(rootDir, pathname);
    if (!file.startsWith(rootDir)) return void res.writeHead(403).end();
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory())
      file = path.join(rootDir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject); // the port taken, say: said at once, not as a crash later
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

module.exports = { startH5Server };

if (require.main === module) {
  const root = arg('root', 'dist/miniapp/h5');
  const port = Number(arg('port', '10086'));
  const api = arg('api', 'http://127.0.0.1:3000');
  startH5Server({ root, port, api }).then(
    (server) => {
      process.stdout.write(
        `H5 mini-program on http://127.0.0.1:${server.address().port}/ (API via ${api})\n`,
      );
      const stop = () => server.close(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (error) => {
      process.stderr.write(`The H5 server cannot listen on port ${port}: ${error.message}\n`);
      process.exit(1);
    },
  );
}
