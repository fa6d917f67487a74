// Trunk post_build hook: give the built page a Content-Security-Policy.
//
// The policy allows only the page's own files: its module script and the wasm it instantiates
// ('wasm-unsafe-eval' is what WebAssembly compilation needs, no JS eval), its stylesheet, images
// from itself or data: URLs (the inline favicon, the PNG export), fetches to itself (the .wasm).
// Trunk writes one inline <script type="module"> that imports the generated JS with hashed file
// names, so its text changes with every build: this hook hashes it (sha256) and allows exactly
// that script. No other inline script runs, and no <style> element is allowed. Style
// *attributes* are: plotters measures the chart's text with a span it styles through
// setAttribute("style", …) (plotters' web font backend); Leptos itself sets styles through the
// CSSOM, which CSP does not restrict. `frame-ancestors` cannot be set from a <meta>; GitHub
// Pages sends no CSP header, so the meta is the policy.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp.mjs: TRUNK_STAGING_DIR is not set (run it as a Trunk post_build hook)');
  process.exit(1);
}
const file = join(dir, 'index.html');
const html = readFileSync(file, 'utf8');
const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inline.length === 0) {
  console.error('csp.mjs: no inline script found in index.html: did Trunk change its output?');
  process.exit(1);
}
const hashes = inline.map((s) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
if (html.includes('http-equiv="Content-Security-Policy"')) {
  console.error('csp.mjs: index.html already has a CSP');
  process.exit(1);
}
// Right after <meta charset>: a CSP meta applies only to what comes after it.
const out = html.replace(/(<meta charset="utf-8"\s*\/?>)/i, `$1\n    ${meta}`);
if (out === html) {
  console.error('csp.mjs: no <meta charset="utf-8"> to put the policy after');
  process.exit(1);
}
writeFileSync(file, out);
