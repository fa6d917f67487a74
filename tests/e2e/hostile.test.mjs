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
    assert.doesNotMatch(await page.evaluate(() => location.href), /safe=1/);
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
    const link = await page.evaluate(() => location.href);
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
    // The page's own location (Playwright's page.url() learns of history.replaceState
    // asynchronously), waited for: the fragment goes once the link is applied, which may be a
    // frame after its Services are drawn (a busy machine saw the old fragment there).
    await page.waitForFunction(() => location.hash === '', null, { timeout: 5000 });
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

/** Paste `text` into the editor as a clipboard paste (over the whole text). */
async function paste(page, text) {
  // The text crosses into the page in a task of its own, so that the paste's task is the
  // page's work only (as when the browser hands over the clipboard).
  await page.evaluate((t) => { window.__pasteText = t; }, text);
  await page.evaluate(() => {
    const t = window.__pasteText;
    delete window.__pasteText;
    const el = document.querySelector('textarea#manifest');
    el.focus();
    el.select();
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
}

/** Start recording the main thread's long tasks (over 50 ms). */
async function watchLongTasks(page) {
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
}

/** Record long tasks from the next page load on (the observer is installed before the app runs). */
async function watchLongTasksFromStart(page) {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask', buffered: true });
  });
}

const DEPLOYMENT = (replicas) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
`;

test('replicas: 2147483647 is refused at its line, the page stays up and opens again', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    await page.locator('textarea#manifest').fill(`${DEPLOYMENT(2147483647)}---\n${SERVICE('still-here')}`);
    await page.waitForFunction(hasService, 'still-here');
    const errors = page.locator('#errors');
    await page.waitForFunction(() => document.querySelector('#errors')?.textContent.includes('2147483647'));
    assert.match(await errors.textContent(), /editor:6:\d+: svcsim simulates at most 10000 pods; Deployment web asks for 2147483647/);
    // Settled (the mark is gone), and a reload opens the same work, applied, not held.
    await page.waitForFunction(() => localStorage.getItem('svcsim.applying') === null);
    await page.reload();
    await page.waitForFunction(hasService, 'still-here');
    assert.equal(await page.locator('#held').count(), 0);
    // The console's kubectl scale to that many is refused too.
    await page.locator('textarea#manifest').fill(DEPLOYMENT(2));
    await page.waitForFunction(() => document.querySelector('#applied')?.textContent.includes('deployment.apps/web created'));
    await page.locator('#console-input').fill('kubectl scale deployment web --replicas=2147483647');
    await page.locator('#console-input').press('Enter');
    await page.waitForFunction(() => document.querySelector('#console-out')?.textContent.includes('svcsim simulates at most 10000 pods'));
    assert.deepEqual(problems, []);
  });
});

test('a 1.5 MB paste is applied in steps with progress, keeps the page responsive, and can be cancelled', async () => {
  // 8,000 Services of 183 bytes: over the 256 KB the text area holds, so the paste is taken
  // from the clipboard event.
  const service = (i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  labels:\n    app: web\nspec:\n  selector:\n    app: web-${i}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n`;
  const services = Array.from({ length: 8000 }, (_, i) => service(i)).join('---\n');
  assert.ok(services.length > 1400000);
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    // Esc right after the paste (before a frame ran a step: a big paste is only begun in its
    // own task) stops it while it is read: nothing applied, the editor holds the text.
    await paste(page, services);
    await page.evaluate(() => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    await page.locator('#held').waitFor();
    assert.match(await page.locator('#status').textContent(), /cancelled/);
    assert.match(await page.locator('#large-text').textContent(), /1\.\d MB \(\d+ lines\)/);
    // Stopped long before the end (objects applied before the click stay, as after Ctrl+C).
    await page.locator('#console-input').fill('kubectl get svc svc-7999');
    await page.locator('#console-input').press('Enter');
    await page.waitForFunction(() => document.querySelector('#console-out')?.textContent.includes('services "svc-7999" not found'));

    // Applied in full: progress while it runs, frames keep coming, then every Service.
    await watchLongTasks(page);
    await page.evaluate(() => {
      window.__sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('#apply-progress progress')) window.__sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    const start = Date.now();
    await page.click('#apply-held');
    await page.waitForFunction(() => (document.querySelector('#output')?.textContent ?? '').includes('more Services'), null, { timeout: 120000 });
    await page.waitForFunction(() => localStorage.getItem('svcsim.applying') === null, null, { timeout: 120000 });
    const longTasks = await page.evaluate(() => window.__longTasks);
    const longest = Math.max(0, ...longTasks);
    console.log(`1.46 MB paste: settled in ${Date.now() - start} ms; longest main-thread task ${longest} ms; long tasks ${JSON.stringify(longTasks)}`);
    // Far below the minutes a paste like this froze the page for (a loose bound: the machine is shared).
    assert.ok(longest < 5000, `longest task ${longest} ms`);
    assert.match(await output(page).textContent(), /and 7\d{3} more Services/);
    assert.ok(await page.evaluate(() => window.__sawProgress), 'the progress bar was shown');
    // The text area does not hold the big text; it can be asked for.
    assert.equal(await page.locator('textarea#manifest').inputValue(), '');
    await page.click('#edit-large');
    await page.waitForFunction(() => document.querySelector('textarea#manifest').value.length > 1000000);
    assert.deepEqual(problems, []);
  });
});

test('a 10 MB paste of 55,000 Services: applied in steps, the page limit said, no long freeze', async () => {
  // Issue 11: this paste froze the tab for more than 11 minutes. The page simulates at most
  // 10,000 Services (Limits::PAGE): the rest are refused, each at its line, listed 100 at a time.
  const service = (i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  labels:\n    app: web\nspec:\n  selector:\n    app: web-${i}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n`;
  const services = Array.from({ length: 55000 }, (_, i) => service(i)).join('---\n');
  assert.ok(services.length > 10000000);
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    await watchLongTasks(page);
    const start = Date.now();
    await paste(page, services);
    await page.waitForFunction(() => (document.querySelector('#output')?.textContent ?? '').includes('more Services'), null, { timeout: 300000 });
    await page.waitForFunction(() => localStorage.getItem('svcsim.applying') === null, null, { timeout: 300000 });
    // Let the last layout and the save run.
    await page.waitForTimeout(1500);
    const longTasks = await page.evaluate(() => window.__longTasks);
    const longest = Math.max(0, ...longTasks);
    console.log(`10.2 MB paste: settled in ${Date.now() - start} ms; longest main-thread task ${longest} ms; long tasks ${JSON.stringify(longTasks)}`);
    // A loose bound (the machine is shared, CI runs beside other work); measured 183–268 ms.
    assert.ok(longest < 1000, `longest task ${longest} ms`);
    assert.match(await output(page).textContent(), /and 9\d{3} more Services/);
    const errors = await page.locator('#errors').textContent();
    assert.match(errors, /svcsim simulates at most 10000 Services/);
    assert.match(errors, /and 449\d\d more errors/);
    // The console still answers at once.
    await page.locator('#console-input').fill('kubectl get svc svc-5000');
    await page.locator('#console-input').press('Enter');
    await page.waitForFunction(() => document.querySelector('#console-out')?.textContent.includes('svc-5000'));
    // Either saved, or the page said it could not save (the text may be over the quota).
    const saved = await page.evaluate(() => (localStorage.getItem('svcsim.state.v1') ?? '').length);
    if (saved < 10000000) assert.match(await page.locator('#status').textContent(), /could not be saved/);
    // Share says the work is too large for a link, rather than making one that cannot open.
    const address = await page.evaluate(() => location.href);
    await page.click('#share');
    await page.waitForFunction(() => /too large to share as a link/.test(document.querySelector('#status')?.textContent ?? ''));
    assert.equal(await page.evaluate(() => location.href), address);
    assert.deepEqual(problems, []);
    // A reload opens: the saved 10 MB text is applied in steps again (not in the first task),
    // or, when it could not be saved, the work saved before it.
    await watchLongTasksFromStart(page);
    const reloaded = Date.now();
    await page.reload();
    const expected = saved >= 10000000 ? 'more Services' : 'my-service';
    await page.waitForFunction((t) => (document.querySelector('#output')?.textContent ?? '').includes(t), expected, { timeout: 300000 });
    await page.waitForFunction(() => localStorage.getItem('svcsim.applying') === null, null, { timeout: 300000 });
    const afterReload = await page.evaluate(() => window.__longTasks ?? []);
    console.log(`10.2 MB saved: ${saved} chars; reopened in ${Date.now() - reloaded} ms; long tasks ${JSON.stringify(afterReload)}`);
  });
});

test('big saved work opens at once and is applied in steps, with no long task at start', async () => {
  // Built in the page's first task, a saved text of a few MB held the page blank for seconds
  // (and a 10 MB one for minutes); now the page opens and applies it in steps with progress.
  const service = (i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector:\n    app: web-${i}\n  ports:\n    - port: 80\n`;
  const text = Array.from({ length: 9000 }, (_, i) => service(i)).join('---\n');
  assert.ok(text.length > 900000);
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    await saveState(page, text);
    await watchLongTasksFromStart(page);
    const start = Date.now();
    await page.reload();
    await page.waitForFunction(() => (document.querySelector('#output')?.textContent ?? '').includes('more Services'), null, { timeout: 120000 });
    await page.waitForFunction(() => localStorage.getItem('svcsim.applying') === null, null, { timeout: 120000 });
    await page.waitForTimeout(1000);
    const longTasks = await page.evaluate(() => window.__longTasks);
    const longest = Math.max(0, ...longTasks);
    console.log(`1.5 MB saved work: opened and settled in ${Date.now() - start} ms; longest task ${longest} ms; long tasks ${JSON.stringify(longTasks)}`);
    assert.ok(longest < 1000, `longest task ${longest} ms`);
    assert.match(await output(page).textContent(), /and 8\d{3} more Services/);
    assert.equal(await page.locator('#held').count(), 0, 'applied, not held');
    assert.deepEqual(problems, []);
  });
});

test('a 0.9 MB paste of 10,000 invalid Services lists 100 errors, says how many more, and never freezes', async () => {
  // Issue 11: 879 KB with 10,000 errors gave 6 s and 4 s tasks (then 2.9 s from the text area
  // alone once applying was in steps: such a paste is now kept out of it).
  const bad = (i) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_${i}\nspec:\n  ports:\n  - port: 0\n    targetPort: 0\n    nodePort: 0\n    protocol: TCPX\n  type: Wrong\n`;
  const text = Array.from({ length: 10000 }, (_, i) => bad(i)).join('---\n');
  assert.ok(text.length > 800000);
  await withPage(async (page, problems) => {
    await page.waitForFunction(hasService, 'my-service');
    await watchLongTasks(page);
    const start = Date.now();
    await paste(page, text);
    await page.waitForFunction(() => /and 9900 more errors/.test(document.querySelector('#errors')?.textContent ?? ''), null, { timeout: 120000 });
    await page.waitForTimeout(1000);
    const longTasks = await page.evaluate(() => window.__longTasks);
    const longest = Math.max(0, ...longTasks);
    console.log(`0.9 MB of errors: listed in ${Date.now() - start} ms; longest task ${longest} ms; long tasks ${JSON.stringify(longTasks)}`);
    assert.ok(longest < 1000, `longest task ${longest} ms`);
    assert.equal(await page.locator('#errors li').count(), 101);
    assert.match(await page.locator('#errors-heading').textContent(), /\(10000\)/);
    assert.match(await page.locator('#errors').textContent(), /Bad_0/);
    assert.ok(await page.locator('#large-text').isVisible());
    assert.deepEqual(problems, []);
  });
});
