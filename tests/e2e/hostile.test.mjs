// End-to-end: the page survives hostile input and never loses work or locks itself out: saved
// text that killed the last attempt opens held, a link keeps the work it replaces, long error
// lists are cut, and the Content-Security-Policy allows only the page's own code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage } from './support.mjs';

const output = (page) => page.locator('#output');
const hasService = (name) => (n) => document.querySelector('#output')?.textContent.includes(n);

const SERVICE = (name) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: web
  ports:
    - port: 80
`;

/** Put `text` in the browser's saved state, as the page saves it. */
async function saveState(page, text, { applying = false } = {}) {
  await page.evaluate(
    ([text, applying]) => {
      localStorage.setItem('svcsim.state.v1', JSON.stringify({ text, seed: 0, settings: {}, selection: null }));
      if (applying) localStorage.setItem('svcsim.applying', '1');
    },
    [text, applying],
  );
}

test('saved text whose build never finished opens held, and applies only when asked', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    await saveState(page, SERVICE('held-service'), { applying: true });
    await page.reload();
    await page.locator('#held').waitFor();
    assert.equal(await page.locator('textarea#manifest').inputValue(), SERVICE('held-service'));
    assert.match(await page.locator('#status').textContent(), /stopped while it was applying/);
    // Not applied: the cluster has only the system Services.
    await page.waitForFunction(hasService, 'kubernetes');
    assert.doesNotMatch(await output(page).textContent(), /held-service/);
    // Typing does not apply it either (it may be what killed the page).
    await page.locator('textarea#manifest').fill(SERVICE('held-service') + '# edited\n');
    await page.waitForTimeout(800);
    assert.doesNotMatch(await output(page).textContent(), /held-service/);
    await page.click('#apply-held');
    await page.waitForFunction(hasService, 'held-service');
    assert.equal(await page.locator('#held').count(), 0);
    // Settled: the mark is gone, so the next start applies the saved work.
    await page.waitForFunction(() => localStorage.getItem('svcsim.applying') === null);
    await page.reload();
    await page.waitForFunction(hasService, 'held-service');
    assert.equal(await page.locator('#held').count(), 0);
    assert.deepEqual(problems, []);
  });
});

test('?safe=1 opens the saved work without applying it, and leaves the address clean', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    await saveState(page, SERVICE('safe-service'));
    await page.goto(page.url().replace(/[?#].*$/, '') + '?safe=1');
    await page.locator('#held').waitFor();
    assert.doesNotMatch(page.url(), /safe=1/);
    assert.match(await page.locator('#status').textContent(), /without being applied/);
    await page.click('#discard-held');
    await page.waitForFunction(hasService, 'my-service');
    assert.equal(await page.locator('#held').count(), 0);
    assert.deepEqual(problems, []);
  });
});

test('a shared link keeps the work it replaces, restorable; the fragment leaves the address bar', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    const editor = page.locator('textarea#manifest');
    await editor.fill(SERVICE('link-service'));
    await page.waitForFunction(hasService, 'link-service');
    await page.click('#share');
    await page.waitForFunction(() => location.hash.length > 10);
    const link = page.url();
    // Later work, saved in this browser: editing takes the stale fragment out of the address bar.
    await editor.fill(SERVICE('my-work'));
    await page.waitForFunction(hasService, 'my-work');
    await page.waitForFunction(() => location.hash === '');
    await page.reload();
    await page.waitForFunction(hasService, 'my-work');
    // Opening the link shows the link, keeps the work, and clears the fragment.
    await page.goto('about:blank');
    await page.goto(link);
    await page.waitForFunction(hasService, 'link-service');
    assert.equal(new URL(page.url()).hash, '');
    assert.match(await page.locator('#status').textContent(), /previous work is kept/);
    await page.click('#restore');
    await page.waitForFunction(hasService, 'my-work');
    assert.equal(await editor.inputValue(), SERVICE('my-work'));
    assert.deepEqual(problems, []);
  });
});

test('a paste with hundreds of errors lists a hundred and says how many more', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    const bad = Array.from({ length: 150 }, (_, i) => SERVICE(`bad-${i}`).replace('port: 80', 'port: 70000')).join('---\n');
    await page.locator('textarea#manifest').fill(bad);
    await page.locator('#errors li.more').waitFor();
    assert.equal(await page.locator('#errors li').count(), 101);
    assert.match(await page.locator('#errors li.more').textContent(), /… and 50 more errors/);
    assert.match(await page.locator('#errors-heading').textContent(), /\(150\)/);
    assert.deepEqual(problems, []);
  });
});

test('the Content-Security-Policy allows only the page\'s own code, and the page works under it', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*'/);
    assert.match(csp, /object-src 'none'/);
    // An injected inline script is refused.
    const ran = await page.evaluate(() => {
      window.__injected = false;
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.appendChild(s);
      return window.__injected;
    });
    assert.equal(ran, false);
    // The refusal is the only console error (it is ours, from the line above).
    assert.ok(problems.every((p) => /Content Security Policy/.test(p)), problems.join('\n'));
  });
});
