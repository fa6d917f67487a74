// Measurements for the report (not run by scripts/test.sh): dist size (raw, gzip, brotli of the
// .wasm and .js), time to first render of the default example, and frame times while 100 packets
// move over 50 nodes and 500 pods (`?perf=1`). Usage: trunk build --release && node tests/e2e/perf.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { DIST, withPage } from './support.mjs';

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
for (const f of readdirSync(DIST).filter((f) => /\.(wasm|js)$/.test(f))) {
  const b = readFileSync(join(DIST, f));
  const gz = gzipSync(b, { level: 9 }).length;
  const br = brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`${f}: raw ${kb(b.length)}, gzip ${kb(gz)}, brotli ${kb(br)}`);
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

await withPage(async (page) => {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    runs.push(await page.evaluate(() => performance.now()));
  }
  console.log(`first render of the default example (ms since navigation, 5 loads): median ${pct(runs, 50).toFixed(0)}, max ${Math.max(...runs).toFixed(0)}`);

  const t0 = Date.now();
  await page.goto(page.url().replace(/[?#].*$/, '') + '?perf=1');
  await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('app-49'), null, { timeout: 120000 });
  console.log(`perf scenario (50 nodes, 500 pods) loaded in ${Date.now() - t0} ms`);
  const first = await page.locator('#source option').first().getAttribute('value');
  await page.selectOption('#source', first);
  await page.fill('#dest', 'app-0:80');
  await page.click('#send');
  await page.locator('#events li').first().waitFor();
  const frames = await page.evaluate(() => new Promise((done) => {
    const out = [];
    let last = performance.now();
    const end = last + 5000;
    const tick = (ts) => {
      out.push(ts - last);
      last = ts;
      if (ts < end) requestAnimationFrame(tick); else done(out);
    };
    requestAnimationFrame(tick);
  }));
  const perf = await page.locator('.perf').textContent();
  // Simulated time still running would mean layouts during the measurement, not just drawing.
  const pending = (await page.locator('.pending').textContent()) || 'settled';
  console.log(`frames while 100 packets move (${frames.length} frames in 5 s): median ${pct(frames, 50).toFixed(1)} ms, p95 ${pct(frames, 95).toFixed(1)} ms; page counter: ${perf}; cluster ${pending}`);
  await page.screenshot({ path: '/tmp/svcsim-shots/perf.png' });
});
