// End-to-end: the release build in headless Chromium. Each test starts its own server and
// browser (support.mjs); screenshots go to /tmp/svcsim-shots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { withPage } from './support.mjs';

const SHOTS = '/tmp/svcsim-shots';
mkdirSync(SHOTS, { recursive: true });

const editor = (page) => page.locator('textarea#manifest');
const output = (page) => page.locator('#output');
const errors = (page) => page.locator('#errors');

/**
 * Wait until simulated time has settled: no "time running…" and the clock still for 300 ms (the
 * loop starts in an effect after an apply, so one look right after a change can come too early).
 */
async function settled(page) {
  const deadline = Date.now() + 15000;
  const clock = () => page.locator('.clock').textContent();
  for (;;) {
    await page.waitForFunction(() => !document.querySelector('.pending.on'), null, { timeout: 15000 });
    const t = await clock();
    await page.waitForTimeout(300);
    if (t === (await clock()) && !(await page.locator('.pending.on').count())) return;
    assert.ok(Date.now() < deadline, 'simulated time never settled');
  }
}

/** A checksum of the canvas pixels. */
async function canvasSum(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#cluster');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 7) s = (s * 31 + d[i]) >>> 0;
    return s;
  });
}

test('the default example: editor, canvas, services table, no errors, same-origin only', async () => {
  await withPage(async (page, problems) => {
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'svcsim' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    const table = await output(page).textContent();
    assert.match(table, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(table, /^my-service\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+$/m);
    assert.equal(await errors(page).locator('li').count(), 0);
    assert.match(await page.locator('#explanation').textContent(), /my-service/);
    assert.ok((await canvasSum(page)) !== 0);
    await page.screenshot({ path: `${SHOTS}/default.png` });
    const origin = new URL(page.url()).origin;
    for (const url of requests) assert.equal(new URL(url).origin, origin, url);
    assert.deepEqual(problems, []);
  });
});

test('every example loads without errors', async () => {
  await withPage(async (page, problems) => {
    // The menu is filled once the wasm app has started.
    await page.locator('#example option:not([disabled])').nth(4).waitFor({ state: 'attached' });
    const ids = await page.locator('#example option:not([disabled])').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(ids.length >= 5, `${ids}`);
    for (const id of ids) {
      await page.selectOption('#example', id);
      await settled(page);
      assert.equal(await errors(page).locator('li').count(), 0, `errors in ${id}: ${await errors(page).textContent()}`);
      const table = await output(page).textContent();
      assert.doesNotMatch(table, /No resources found/, id);
      // Time ran after the load: every LoadBalancer got its address (from the simulated MetalLB).
      assert.doesNotMatch(table, /<pending>/, `${id}: ${table}`);
      assert.ok((await page.locator('#explanation').textContent()).length > 40, id);
      // The previous example's journey is gone with it, and so is its play state.
      assert.equal((await page.locator('#play').textContent()).trim(), 'Play', id);
      assert.match(await page.locator('.player').textContent(), /no journey yet/, id);
      await page.screenshot({ path: `${SHOTS}/example-${id}.png` });
      // Its suggested journey (already in the form) plays: events listed, an outcome, the
      // packet drawn on the canvas.
      const before = await canvasSum(page);
      await page.click('#send');
      await page.locator('#events li').nth(1).waitFor({ timeout: 10000 }).catch(async (e) => {
        await page.screenshot({ path: `${SHOTS}/example-${id}-journey.png` });
        const why = await page.locator('#journey-error').textContent();
        throw new Error(`${id}: no journey (${why}): ${e.message}`);
      });
      assert.ok((await page.locator('#outcome').textContent()).length > 20, id);
      assert.equal((await page.locator('#journey-error').textContent()).trim(), '', id);
      await page.waitForFunction((b) => {
        const c = document.querySelector('#cluster');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let s = 0;
        for (let i = 0; i < d.length; i += 7) s = (s * 31 + d[i]) >>> 0;
        return s !== b;
      }, before);
      await page.screenshot({ path: `${SHOTS}/example-${id}-journey.png` });
    }
    assert.deepEqual(problems, []);
  });
});

test('send a request: events, hop details, canvas changes, step back and forth', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    const before = await canvasSum(page);
    await page.click('#send');
    await page.locator('#events li').first().waitFor();
    const events = await page.locator('#events').innerText();
    assert.match(events, /DNS query/);
    assert.match(events, /DNAT → 10\.244\.\d+\.\d+:9376/);
    // The outcome waits for the packet to get there: no answer before the last hop.
    assert.match(await page.locator('#outcome').textContent(), /pod\/client .* → my-service:80: hop \d+ of \d+…/);
    assert.doesNotMatch(await page.locator('#outcome').textContent(), /connected/);
    await page.waitForTimeout(400);
    assert.notEqual(await canvasSum(page), before);
    // Pause, then step: the current hop and its details follow.
    await page.click('#play');
    await page.locator('#events li').nth(2).locator('button').click();
    assert.match(await page.locator('#step-label').textContent(), /hop 3 of \d+/);
    assert.match(await page.locator('#hop-after').textContent(), /10\.244\.\d+\.\d+:53\s+UDP/);
    assert.match(await page.locator('#hop-rules').textContent(), /KUBE-SVC|KUBE-SEP/);
    // A DNS hop names the question it carries; the rules view marks the rules that matched.
    assert.match(await page.locator('#hop-dns-question').textContent(), /^my-service\.default\.svc\.cluster\.local A$/);
    assert.ok((await page.locator('#inspector-rules .rule-hit').count()) >= 2);
    const at3 = await canvasSum(page);
    await page.click('#step-forward');
    assert.match(await page.locator('#step-label').textContent(), /hop 4 of/);
    await page.keyboard.press('ArrowLeft'); // the button has focus: arrows are global shortcuts
    await page.locator('#step-label').filter({ hasText: /hop 3 of/ }).waitFor();
    assert.equal(await canvasSum(page), at3);
    // The last hop: now the outcome is said.
    await page.locator('#events li').last().locator('button').click();
    await page.locator('#outcome').filter({ hasText: /connected to pod default\/my-app/ }).waitFor();
    await page.locator('#events li').nth(2).locator('button').click();
    await page.screenshot({ path: `${SHOTS}/journey.png` });
    // Send 100: the distribution over the three pods.
    await page.click('#send100');
    await page.locator('#distribution li').nth(2).waitFor();
    const dist = await page.locator('#distribution').innerText();
    const counts = [...dist.matchAll(/: (\d+)$/gm)].map((m) => Number(m[1]));
    assert.equal(counts.reduce((a, b) => a + b, 0), 100, dist);
    await page.screenshot({ path: `${SHOTS}/send100.png` });
    assert.deepEqual(problems, []);
  });
});

test('delete a pod: the EndpointSlice changes and a new pod replaces it', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.selectOption('#object-select', 'svc/default/my-service');
    const slices = page.locator('#inspector-slices');
    await slices.waitFor();
    const before = await slices.textContent();
    const pod = await page.locator('#object-select option').evaluateAll((os) =>
      os.map((o) => o.value).find((v) => v.startsWith('pod/default/my-app')));
    await page.selectOption('#object-select', pod);
    await page.locator('#inspector-yaml').waitFor();
    assert.match(await page.locator('#inspector-yaml').textContent(), /kind: Pod/);
    await page.click('#delete-pod');
    await page.selectOption('#object-select', 'svc/default/my-service');
    await settled(page);
    const after = await slices.textContent();
    assert.notEqual(after, before);
    assert.equal((after.match(/- addresses:/g) ?? []).length, 3, after);
    assert.match(await page.locator('#inspector-rules').textContent(), /KUBE-SVC/);
    await page.screenshot({ path: `${SHOTS}/inspector.png` });
    assert.deepEqual(problems, []);
  });
});

test('teaching actions edit the text; console packets play; kubectl get takes comma lists and -l', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.selectOption('#example', 'nodeport');
    await settled(page);
    // externalTrafficPolicy: the button edits the manifest and applies it.
    const svc = await page.locator('#object-select option').evaluateAll((os) =>
      os.map((o) => o.value).find((v) => v.startsWith('svc/default/') && !v.endsWith('/kubernetes')));
    await page.selectOption('#object-select', svc);
    await page.click('#toggle-etp');
    await page.waitForFunction(() => document.querySelector('textarea#manifest').value.includes('externalTrafficPolicy: Local'));
    assert.match(await page.locator('#toggle-etp').textContent(), /Local → Cluster/);
    // Scale the Deployment behind a pod: replicas: in the text follows, and a pod is added.
    const pod = await page.locator('#object-select option').evaluateAll((os) =>
      os.map((o) => o.value).find((v) => v.startsWith('pod/default/') && !v.endsWith('/client')));
    await page.selectOption('#object-select', pod);
    const replicas = Number((await page.locator('.replicas').textContent()).match(/(\d+) replicas/)[1]);
    await page.click('#scale-up');
    await page.waitForFunction((n) => document.querySelector('textarea#manifest').value.includes(`replicas: ${n}`), replicas + 1);
    await settled(page);
    // The console: a curl from the client pod plays its journey in the event list.
    await page.fill('#console-input', 'kubectl get svc,ep myapp-service -o name');
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() => /service\/myapp-service\nendpoints\/myapp-service/.test(document.querySelector('#console-out').textContent));
    // -l selects by the objects' own labels: the pods carry app=myapp, the Service does not.
    await page.fill('#console-input', 'kubectl get svc,pods -l app=myapp -o name');
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() => (document.querySelector('#console-out').textContent.match(/^pod\/myapp-/gm) ?? []).length === 3);
    await page.fill('#console-input', `kubectl exec ${pod.split('/')[2]} -- curl -s myapp-service`);
    await page.press('#console-input', 'Enter');
    await page.locator('#events li').nth(3).waitFor();
    assert.match(await page.locator('#outcome').textContent(), /myapp-service/);
    // kubectl scale in the console: the editor's replicas: follows (one source of truth).
    const deploy = (await page.inputValue('textarea#manifest')).match(/kind: Deployment\s+metadata:\s+name: (\S+)/)[1];
    await page.fill('#console-input', `kubectl scale deployment ${deploy} --replicas=5`);
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() => document.querySelector('textarea#manifest').value.includes('replicas: 5'));
    // kubectl delete in the console: the Service's document leaves the editor's text, so the
    // next edit does not bring it back; the table says it is gone.
    await page.fill('#console-input', 'kubectl delete service myapp-service');
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() => !document.querySelector('textarea#manifest').value.includes('name: myapp-service'));
    await page.waitForFunction(() => !document.querySelector('#output').textContent.includes('myapp-service'));
    // ip addr in a pod: its IP on eth0; on a node in IPVS mode, the ClusterIPs on kube-ipvs0.
    await page.fill('#console-input', `kubectl exec ${pod.split('/')[2]} -- ip addr`);
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() => /inet 10\.244\.\d+\.\d+\/24 brd \S+ scope global eth0/.test(document.querySelector('#console-out').textContent));
    await page.selectOption('#proxy-mode', 'ipvs');
    await page.fill('#console-input', 'docker exec kind-worker ip -4 addr');
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() => /inet 10\.96\.0\.10\/32 scope global kube-ipvs0/.test(document.querySelector('#console-out').textContent));
    assert.deepEqual(problems, []);
  });
});

test('a bad paste shows the error at its line; the page keeps working', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    const text = await editor(page).inputValue();
    await editor(page).fill(text.replace('port: 80', 'port: 70000'));
    await errors(page).locator('li').first().waitFor();
    const message = await errors(page).locator('li').first().textContent();
    const line = Number(message.match(/^editor:(\d+):/)[1]);
    assert.match(text.split('\n')[line - 1], /port: 80/);
    assert.match(message, /The Service "my-service" is invalid: spec\.ports\[0\]\.port: Invalid value: 70000/);
    assert.equal(await page.locator('.gutter-err').textContent(), String(line));
    // The Service keeps its last good version.
    assert.match(await output(page).textContent(), /my-service/);
    await errors(page).locator('button').first().click();
    const caretLine = await editor(page).evaluate((el) => el.value.slice(0, el.selectionStart).split('\n').length);
    assert.equal(caretLine, line);
    await page.screenshot({ path: `${SHOTS}/error.png` });
    // Garbage keeps the cluster; fixing the text applies again.
    await editor(page).fill('{{{ not yaml');
    await page.waitForFunction(() => document.querySelector('#errors')?.textContent.includes('error converting YAML'));
    await editor(page).fill(text);
    await page.waitForFunction(() => document.querySelectorAll('#errors li').length === 0);
    await page.click('#send');
    await page.locator('#events li').first().waitFor();
    assert.deepEqual(problems, []);
  });
});

test('reload keeps the state; a share link round-trips; a damaged link says so', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.selectOption('#example', 'nodeport');
    await settled(page);
    await page.selectOption('#proxy-mode', 'ipvs');
    await page.click('#theme');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('NodePort'));
    assert.equal(await page.locator('#proxy-mode').inputValue(), 'ipvs');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const text = await editor(page).inputValue();
    await page.click('#share');
    await page.waitForFunction(() => location.hash.length > 10);
    const url = await page.evaluate(() => location.href);
    // A fresh browser context (no localStorage) opens the link.
    const other = await page.context().browser().newPage();
    await other.goto(url);
    await other.waitForFunction(() => document.querySelector('#output')?.textContent.includes('NodePort'));
    assert.equal(await other.locator('textarea#manifest').inputValue(), text);
    await other.goto(url.replace(/#.*/, '#v1.@@@broken'));
    await other.reload();
    await other.locator('#status').filter({ hasText: 'could not be opened' }).waitFor();
    await other.screenshot({ path: `${SHOTS}/damaged-link.png` });
    await other.close();
    assert.deepEqual(problems, []);
  });
});

test('keyboard: help dialog, presentation mode, console', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.locator('body').press('?');
    await page.locator('#help-dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('#help-dialog').open);
    await page.click('#presentation');
    assert.equal(await page.locator('.col-left').isVisible(), false);
    // On a projector the whole canvas is on the first screen, under the controls: at 1600×1000
    // and at 1280×720.
    for (const vp of [{ width: 1600, height: 1000 }, { width: 1280, height: 720 }]) {
      await page.setViewportSize(vp);
      await page.waitForFunction((h) => {
        const r = document.querySelector('#cluster').getBoundingClientRect();
        return r.bottom <= h && r.height >= 0.5 * h;
      }, vp.height, { timeout: 5000 }).catch(async (e) => {
        await page.screenshot({ path: `${SHOTS}/presentation-${vp.width}.png` });
        const r = await page.locator('#cluster').boundingBox();
        throw new Error(`${vp.width}×${vp.height}: canvas at ${JSON.stringify(r)}: ${e.message}`);
      });
      await page.screenshot({ path: `${SHOTS}/presentation-${vp.width}.png` });
    }
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.screenshot({ path: `${SHOTS}/presentation.png` });
    await page.click('#presentation');
    await page.fill('#console-input', 'kubectl get svc');
    await page.press('#console-input', 'Enter');
    await page.waitForFunction(() => document.querySelector('#console-out')?.textContent.includes('my-service'));
    await page.press('#console-input', 'ArrowUp');
    assert.equal(await page.locator('#console-input').inputValue(), 'kubectl get svc');
    // Tab completes the one resource type that starts with "endpointsl".
    await page.fill('#console-input', 'kubectl get endpointsl');
    await page.press('#console-input', 'Tab');
    assert.match(await page.locator('#console-input').inputValue(), /^kubectl get endpointslices? $/);
    // The dark theme: the root says so and the canvas is redrawn (look at dark.png).
    await page.click('#theme');
    await page.waitForFunction(() => document.documentElement.getAttribute('data-theme') === 'dark');
    await page.screenshot({ path: `${SHOTS}/dark.png` });
    await page.click('#theme');
    assert.deepEqual(problems, []);
  });
});

test('the event list keeps the current hop in view, scrolling itself and not the page', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#send');
    await page.locator('#events li').nth(1).waitFor();
    await page.click('#play'); // pause, then walk with the arrow keys
    const n = await page.locator('#events li').count();
    const overflows = await page.evaluate(() => { const l = document.querySelector('#events'); return l.scrollHeight > l.clientHeight; });
    assert.ok(overflows, 'the journey is longer than the list shows');
    const pageScroll = await page.evaluate(() => window.scrollY);
    const inView = () => page.evaluate(() => {
      const l = document.querySelector('#events').getBoundingClientRect();
      const r = document.querySelector('#events li.current').getBoundingClientRect();
      return r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
    });
    for (let i = 1; i < n; i++) {
      await page.keyboard.press('ArrowRight');
      await page.locator('#step-label').filter({ hasText: new RegExp(`hop ${i + 1} of`) }).waitFor();
      await page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
      assert.ok(await inView(), `hop ${i + 1} of ${n} is in view`);
    }
    assert.equal(await page.evaluate(() => window.scrollY), pageScroll, 'the page did not scroll');
    assert.deepEqual(problems, []);
  });
});
