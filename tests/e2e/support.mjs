// Helpers for the browser end-to-end tests: a static file server for dist/ on a random free port
// of 127.0.0.1, and Debian's Chromium driven by playwright-core (no browser download).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const DIST = resolve(fileURLToPath(new URL('../../dist', import.meta.url)));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.yaml': 'text/yaml; charset=utf-8',
};

/**
 * Serve `root` at `prefix` (unknown paths under it get index.html, as a single-page app host
 * would; paths outside it get 404, as on GitHub Pages where other repositories live there).
 */
export async function startServer(root = DIST, prefix = '/') {
  await stat(join(root, 'index.html')).catch(() => {
    throw new Error(`${root}/index.html not found: run scripts/test.sh (it builds dist/ and target/dist-subpath/)`);
  });
  const server = createServer(async (req, res) => {
    try {
      const full = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (!full.startsWith(prefix)) {
        res.writeHead(404).end();
        return;
      }
      const path = '/' + full.slice(prefix.length);
      let file = normalize(join(root, path));
      if (!file.startsWith(root + sep) && file !== root) {
        res.writeHead(403).end();
        return;
      }
      if (path.endsWith('/') || !(await stat(file).then((s) => s.isFile(), () => false))) {
        file = join(root, 'index.html');
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Headless Debian Chromium, never a downloaded browser. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// Console warnings that are not ours: Chromium warns that it ignores the `integrity` attribute of
// the `<link rel="preload" as="fetch">` Trunk writes for the wasm file (crbug.com/981419); the
// hint is only an optimisation, so the warning says nothing about the page. The tests themselves
// read canvas pixels back repeatedly (getImageData), which makes Chromium suggest
// willReadFrequently: that is about the test, not the page.
const BENIGN_WARNINGS = [
  /The `integrity` attribute is currently ignored for preload destinations/,
  /Multiple readback operations using getImageData/,
];

/**
 * Run `fn(page, problems)` against a fresh server, browser and page. `problems` collects console
 * errors and warnings, uncaught page errors and failed requests, so a test can assert it is empty.
 * `root` and `prefix` serve another build at a sub-path (see startServer); `scale` is the
 * device pixel ratio (2 for a high-DPI screen).
 */
export async function withPage(fn, { root = DIST, prefix = '/', scale = 1 } = {}) {
  const server = await startServer(root, prefix);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: scale });
    const problems = [];
    page.on('console', (msg) => {
      const benign = msg.type() === 'warning' && BENIGN_WARNINGS.some((re) => re.test(msg.text()));
      if ((msg.type() === 'error' || msg.type() === 'warning') && !benign) {
        problems.push(`console.${msg.type()}: ${msg.text()}`);
      }
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    // A reload or navigation cancels requests still in flight (net::ERR_ABORTED): not a fault of
    // the page. Missing files show up as HTTP errors below.
    page.on('requestfailed', (req) => {
      const why = req.failure()?.errorText ?? '';
      if (!why.includes('ERR_ABORTED')) problems.push(`requestfailed: ${req.url()} ${why}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    await page.goto(server.url);
    return await fn(page, problems);
  } finally {
    await browser.close();
    await server.close();
  }
}
