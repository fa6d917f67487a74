// The GitHub Pages build: `trunk build --release --public-url /svcsim/` (what
// .github/workflows/pages.yml runs, with the repository's name) into target/dist-subpath, served
// at /svcsim/ only. The page must start there, apply the default example, keep and share state,
// and request nothing outside its own sub-path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withPage } from './support.mjs';

const ROOT = resolve(fileURLToPath(new URL('../../target/dist-subpath', import.meta.url)));
const PREFIX = '/svcsim/';

test('the Pages build works from a sub-path and requests only its own files', async () => {
  await withPage(
    async (page, problems) => {
      const requests = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.reload();
      await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
      assert.equal(await page.locator('#errors li').count(), 0);
      // A journey still plays (the wasm module and its glue came from /svcsim/).
      await page.click('#send');
      await page.locator('#events li').first().waitFor();
      // A share link keeps the sub-path and opens there (reload: a fresh load of the link).
      await page.click('#share');
      await page.waitForFunction(() => location.hash.length > 10);
      const url = new URL(page.url());
      assert.equal(url.pathname, PREFIX);
      await page.reload();
      await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
      assert.ok(requests.length >= 3, `${requests}`);
      for (const r of requests) {
        const u = new URL(r);
        assert.equal(u.origin, url.origin, r);
        assert.ok(u.pathname.startsWith(PREFIX), `outside the sub-path: ${r}`);
      }
      assert.deepEqual(problems, []);
    },
    { root: ROOT, prefix: PREFIX },
  );
});
