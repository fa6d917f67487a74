// End-to-end: the page on the screens of a lecture hall and a pocket (issue 12, item 5): no
// sideways scrolling at 1280×720, 1024×768 and on a 390×844 phone, in normal and presentation
// mode, for every example with its journey sent; on narrow screens the canvas comes before the
// editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launchBrowser, startServer, DIST } from './support.mjs';

const SHOTS = '/tmp/svcsim-shots';
mkdirSync(SHOTS, { recursive: true });

const SCREENS = [
  [1280, 720],
  [1024, 768],
  [390, 844],
];

/** Elements wider than the viewport that no scroll box of their own clips. */
function overflowing() {
  const doc = document.documentElement;
  const clipped = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (['auto', 'hidden', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  return {
    scrollWidth: doc.scrollWidth,
    clientWidth: doc.clientWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1 && !clipped(e))
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}`)
      .slice(0, 8),
  };
}

for (const [width, height] of SCREENS) {
  for (const present of [false, true]) {
    test(`${width}×${height}${present ? ' Present' : ''}: no sideways scrolling in any example`, async () => {
      const server = await startServer(DIST, '/');
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width, height } });
        const problems = [];
        page.on('pageerror', (e) => problems.push(e.message));
        await page.goto(server.url);
        await page.locator('#example option:not([disabled])').nth(4).waitFor({ state: 'attached' });
        if (present) await page.click('#presentation');
        const ids = await page.locator('#example option:not([disabled])').evaluateAll((os) => os.map((o) => o.value));
        for (const id of ids) {
          await page.selectOption('#example', id);
          await page.waitForFunction(() => !document.querySelector('.pending.on'), null, { timeout: 15000 });
          await page.click('#send');
          await page.locator('#events li').nth(1).waitFor({ timeout: 10000 });
          await page.locator('#events li').last().locator('button').click();
          const o = await page.evaluate(overflowing);
          assert.ok(o.scrollWidth <= o.clientWidth, `${id}: page ${o.scrollWidth} px wide in ${o.clientWidth}: ${o.wide.join(', ')}`);
          assert.deepEqual(o.wide, [], id);
          // The hop's rules wrap: readable without scrolling sideways inside their box.
          const rules = await page.evaluate(() => {
            const r = document.querySelector('#hop-rules');
            return r ? { scroll: r.scrollWidth, client: r.clientWidth } : null;
          });
          if (rules) assert.ok(rules.scroll <= rules.client + 1, `${id}: the hop's rules are ${rules.scroll} px wide in ${rules.client}`);
        }
        if (width <= 1200) {
          // One column: the canvas and its journey first, the editor after them.
          const top = (sel) => page.evaluate((s) => document.querySelector(s)?.getBoundingClientRect().top ?? Infinity, sel);
          assert.ok((await top('#cluster')) < (await top('.col-left')), 'the canvas comes before the editor');
        }
        if (width < 640) {
          // A phone: the canvas and the start of its caption (the hop and what happens, two
          // lines) are on the first screen, before the controls; a long outcome runs on below.
          await page.evaluate(() => window.scrollTo(0, 0));
          const rect = (sel) => page.evaluate((s) => document.querySelector(s).getBoundingClientRect().toJSON(), sel);
          const [canvas, caption, form] = [await rect('#cluster'), await rect('#caption'), await rect('.journey-form')];
          assert.ok(caption.top + 48 <= height, `the caption starts at ${caption.top} px of ${height}`);
          assert.ok(canvas.top < caption.top && caption.bottom <= form.top, 'canvas, caption, then the form');
        }
        await page.screenshot({ path: `${SHOTS}/screen-${width}x${height}${present ? '-present' : ''}.png` });
        assert.deepEqual(problems, []);
      } finally {
        await browser.close();
        await server.close();
      }
    });
  }
}

test('a message never pushes the canvas down', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#presentation');
    const top = () => page.evaluate(() => document.querySelector('#cluster').getBoundingClientRect().top);
    const before = await top();
    await page.click('#share');
    await page.waitForFunction(() => /Share link/.test(document.querySelector('#status')?.textContent ?? ''));
    assert.equal(await top(), before);
    // The message stays on screen, above the page's bottom edge.
    const box = await page.locator('#status').boundingBox();
    assert.ok(box.y + box.height <= 720 && box.x >= 0 && box.x + box.width <= 1280, JSON.stringify(box));
    await page.screenshot({ path: `${SHOTS}/status-present.png` });
  } finally {
    await browser.close();
    await server.close();
  }
});

/**
 * Records the text of the canvas' last frame with its size on screen in CSS px: font px ×
 * the transform's scale × the canvas' CSS width / its backing width (issue 12, item 1). A
 * frame starts with the background fill over the whole canvas.
 */
function hookCanvasText() {
  const P = CanvasRenderingContext2D.prototype;
  const fillRect = P.fillRect;
  const fillText = P.fillText;
  window.__frame = [];
  P.fillRect = function (x, y, w) {
    if (this.canvas.id === 'cluster' && x === 0 && y === 0 && w >= this.canvas.getBoundingClientRect().width - 1) window.__frame = [];
    return fillRect.apply(this, arguments);
  };
  P.fillText = function (text, x, y) {
    if (this.canvas.id === 'cluster') {
      const m = this.getTransform();
      const r = this.canvas.getBoundingClientRect();
      const css = r.width / this.canvas.width;
      const px = parseFloat(/([\d.]+)px/.exec(this.font)[1]) * Math.hypot(m.a, m.b) * css;
      const sx = (m.a * x + m.c * y + m.e) * css;
      const sy = (m.b * x + m.d * y + m.f) * css;
      // Only what is on the canvas (the scene is culled, but a text may start outside).
      if (sx > -px && sx < r.width && sy > 0 && sy < r.height + px) window.__frame.push({ text, px });
    }
    return fillText.apply(this, arguments);
  };
}

function sizes(frame) {
  const s = frame.map((t) => t.px).sort((a, b) => a - b);
  return { n: s.length, min: s[0], median: s[s.length >> 1], smallest: frame.filter((t) => t.px === s[0]).map((t) => t.text).slice(0, 3) };
}

// The projectors: 1280×720 in Present (every example ≥ 12 px, median ≥ 16), and 1024×768 in
// Present and in normal mode (≥ 12 px, median ≥ 13.5: the 250-pod example's four nodes side by
// side under its outside row are drawn at 0.87 there, body text 13.9 px; the others ≥ 14.7).
const PROJECTORS = [
  { width: 1280, height: 720, present: true, median: 16 },
  { width: 1024, height: 768, present: true, median: 13.5 },
  { width: 1024, height: 768, present: false, median: 13.5 },
];
for (const { width, height, present, median } of PROJECTORS) {
  test(`${width}×${height}${present ? ' Present' : ''}: every canvas text ≥ 12 px and the median ≥ ${median} px, in every example, at rest and during a journey`, async () => {
    const server = await startServer(DIST, '/');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.addInitScript(hookCanvasText);
      const problems = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(server.url);
      await page.locator('#example option:not([disabled])').nth(4).waitFor({ state: 'attached' });
      if (present) await page.click('#presentation');
      const ids = await page.locator('#example option:not([disabled])').evaluateAll((os) => os.map((o) => o.value));
      const report = [];
      for (const id of ids) {
        await page.selectOption('#example', id);
        await page.waitForFunction(() => !document.querySelector('.pending.on'), null, { timeout: 15000 });
        await page.waitForTimeout(300);
        const rest = await page.evaluate(() => window.__frame);
        // What must stay readable: every node's name and every Service's (kubectl get services).
        const services = (await page.locator('#output').textContent()).split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
        const drawn = rest.map((t) => t.text);
        for (const name of ['kind-control-plane', 'kind-worker', ...services]) {
          assert.ok(drawn.some((t) => t === name || t.startsWith(`${name} `) || t.endsWith(`/${name}`)), `${id}: ${name} is not drawn whole: ${drawn.join(' | ')}`);
        }
        await page.click('#send');
        await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
        await page.click('#play');
        for (let k = 0; k < 2; k++) await page.click('#step-forward');
        await page.waitForTimeout(300);
        const during = await page.evaluate(() => window.__frame);
        for (const [when, frame] of [['at rest', rest], ['during the journey', during]]) {
          const s = sizes(frame);
          report.push(`${id} ${when}: ${s.n} texts, min ${s.min.toFixed(1)} px, median ${s.median.toFixed(1)} px`);
          assert.ok(s.min >= 12, `${id} ${when}: ${s.min.toFixed(1)} px: ${s.smallest.join(' | ')}`);
          assert.ok(s.median >= median, `${id} ${when}: median ${s.median.toFixed(1)} px`);
        }
        // The canvas uses the screen's width: the scene is not a narrow strip in its middle.
        const canvas = await page.locator('#cluster').boundingBox();
        assert.ok(canvas.width >= width - 80, `canvas ${canvas.width} px wide`);
        if (id === 'endpointslice-split') {
          // 250 pods: the replicas of one Deployment on one node are one readable card.
          assert.ok(drawn.some((t) => /^web × \d+$/.test(t)), drawn.join(' | '));
          // Its three EndpointSlices are on the canvas with their counts.
          assert.deepEqual(drawn.filter((t) => /^slice (100|50)$/.test(t)), ['slice 100', 'slice 100', 'slice 50']);
        }
        await page.screenshot({ path: `${SHOTS}/${present ? 'present-' : ''}${width}-${id}.png` });
      }
      console.log(`${width}×${height}${present ? ' Present' : ''}\n${report.join('\n')}`);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}

/** Records where the packet was last drawn, in CSS px from the canvas' top-left corner (the
 * overlay's mark: a circle of 11 CSS px on screen, at any zoom). */
function hookPacket() {
  const arc = CanvasRenderingContext2D.prototype.arc;
  CanvasRenderingContext2D.prototype.arc = function (x, y, r) {
    if (this.canvas.id === 'cluster') {
      const m = this.getTransform();
      const rect = this.canvas.getBoundingClientRect();
      const css = rect.width / this.canvas.width;
      const rPx = r * Math.hypot(m.a, m.b) * css;
      if (rPx > 9 && rPx < 13) {
        window.__packet = { x: (m.a * x + m.c * y + m.e) * css, y: (m.b * x + m.d * y + m.f) * css };
      }
    }
    return arc.apply(this, arguments);
  };
}

test('390×844 phone: every canvas text ≥ 12 px in every example, and the page follows the packet above the caption', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.addInitScript(hookCanvasText);
    await page.addInitScript(hookPacket);
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.locator('#example option:not([disabled])').nth(4).waitFor({ state: 'attached' });
    const ids = await page.locator('#example option:not([disabled])').evaluateAll((os) => os.map((o) => o.value));
    const report = [];
    for (const id of ids) {
      await page.selectOption('#example', id);
      await page.waitForFunction(() => !document.querySelector('.pending.on'), null, { timeout: 15000 });
      await page.waitForTimeout(300);
      const rest = await page.evaluate(() => window.__frame);
      // The picture is as tall as it needs to be at a readable size: the page scrolls.
      const canvas = await page.locator('#cluster').boundingBox();
      assert.ok(canvas.height > 844, `${id}: canvas ${canvas.height} px tall`);
      await page.click('#send');
      await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
      if ((await page.locator('#play').getAttribute('aria-pressed')) === 'true') await page.click('#play');
      const hops = Math.min(await page.locator('#events li').count(), 6);
      for (let hop = 1; hop < hops; hop++) {
        await page.click('#step-forward');
        // In the window: below its top, above the caption stuck to its bottom, once the smooth
        // scroll is over (a busy machine takes longer than a phone).
        await page
          .waitForFunction(() => {
            const y = window.__packet && window.__packet.y + document.querySelector('#cluster').getBoundingClientRect().top;
            return y >= 0 && y <= document.querySelector('#caption').getBoundingClientRect().top;
          }, null, { timeout: 5000 })
          .catch(() => {});
        const { y, caption } = await page.evaluate(() => ({
          y: window.__packet && window.__packet.y + document.querySelector('#cluster').getBoundingClientRect().top,
          caption: document.querySelector('#caption').getBoundingClientRect().top,
        }));
        assert.ok(y >= 0 && y <= caption, `${id} hop ${hop + 1}: the packet at y ${y}, the caption at ${caption}`);
      }
      const during = await page.evaluate(() => window.__frame);
      for (const [when, frame] of [['at rest', rest], ['during the journey', during]]) {
        const s = sizes(frame);
        report.push(`phone ${id} ${when}: ${s.n} texts, min ${s.min.toFixed(1)} px, median ${s.median.toFixed(1)} px`);
        assert.ok(s.min >= 12, `${id} ${when}: ${s.min.toFixed(1)} px: ${s.smallest.join(' | ')}`);
        assert.ok(s.median >= 14, `${id} ${when}: median ${s.median.toFixed(1)} px`);
      }
      await page.screenshot({ path: `${SHOTS}/phone-${id}-hop.png` });
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    console.log(report.join('\n'));
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('1280×720 Present: the caption under the canvas says every hop, on screen, and the outcome only at the end', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#presentation');
    await page.click('#send');
    await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
    await page.click('#play');
    await page.click('#replay');
    await page.click('#play');
    const total = await page.locator('#events li').count();
    const canvas = await page.locator('#cluster').boundingBox();
    for (let hop = 1; hop <= total; hop++) {
      await page.locator('#caption-step', { hasText: `Hop ${hop} of ${total}` }).waitFor({ timeout: 5000 });
      const box = await page.locator('#caption').boundingBox();
      assert.ok(box.y >= canvas.y + canvas.height - 1 && box.y + box.height <= 720, `hop ${hop}: caption at ${JSON.stringify(box)}`);
      const outcome = await page.locator('#caption .caption-outcome').count();
      assert.equal(outcome, hop === total ? 1 : 0, `hop ${hop}`);
      if (hop < total) await page.click('#step-forward');
    }
    assert.match(await page.locator('#caption .caption-outcome').textContent(), /connected|answered|reached/);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('DNS hops say the question and the answer, in the caption under the canvas', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.locator('#example option:not([disabled])').nth(4).waitFor({ state: 'attached' });
    await page.click('#presentation');
    const cases = [
      ['clusterip', /my-service\.default\.svc\.cluster\.local A\?/, /DNS answer 1: A 10\.96\.\d+\.\d+/],
      ['headless', /my-service\.default\.svc\.cluster\.local A\?/, /DNS answer \d+: A 10\.244\.\d+\.\d+, 10\.244\.\d+\.\d+, 10\.244\.\d+\.\d+/],
      ['externalname', /my-service\.prod\.default\.svc\.cluster\.local A\?/, /DNS answer \d+: CNAME my\.database\.example\.com\. → A /],
    ];
    for (const [id, question, answer] of cases) {
      await page.selectOption('#example', id);
      await page.waitForFunction(() => !document.querySelector('.pending.on'), null, { timeout: 15000 });
      await page.click('#send');
      await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
      await page.click('#play');
      const rows = await page.locator('#events li').allInnerTexts();
      assert.ok(rows.some((r) => question.test(r)), `${id}: no question ${question} in ${rows.slice(0, 3).join(' / ')}`);
      // The search list's walk: ExternalName's first candidates get NXDOMAIN.
      if (id === 'externalname') assert.ok(rows.some((r) => /DNS answer 1: NXDOMAIN/.test(r)), rows.join('\n'));
      // Step to the answer's last hop with Next (the lecturer's key), and read the caption.
      const last = rows.findLastIndex((r) => answer.test(r));
      assert.ok(last >= 0, `${id}: no answer ${answer}`);
      const now = Number((await page.locator('#step-label').textContent()).match(/hop (\d+)/)[1]);
      for (let k = now - 1; k < last; k++) await page.click('#step-forward');
      await page.locator('#caption-step', { hasText: `Hop ${last + 1} of` }).waitFor();
      assert.match(await page.locator('#caption .caption-dns').textContent(), answer);
      const box = await page.locator('#caption').boundingBox();
      assert.ok(box.y + box.height <= 720, `${id}: caption below the screen`);
      assert.match(await page.locator('#hop-dns-answer').textContent(), new RegExp(answer.source.replace(/^DNS answer \\d\+: |^DNS answer 1: /, '')));
      await page.screenshot({ path: `${SHOTS}/dns-${id}.png` });
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test('Fold DNS makes each lookup one step with its question and answer, and is kept on reload', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#send');
    await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
    const open = await page.locator('#events li').count();
    await page.check('#fold-dns');
    await page.waitForFunction((n) => document.querySelectorAll('#events li').length < n, open);
    const rows = await page.locator('#events li').allInnerTexts();
    assert.match(rows[0], /^1\. \[DNS lookup 1: A 10\.96\.\d+\.\d+\] pod\/client .* lookup: \d+ hops to CoreDNS and back, folded/);
    assert.equal(rows.filter((r) => /DNS/.test(r)).length, 1, rows.join('\n'));
    assert.equal(open - rows.length, 12, `${open} hops unfolded, ${rows.length} folded`);
    // The choice is a setting: saved, and there after a reload.
    await page.waitForTimeout(400);
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    assert.equal(await page.isChecked('#fold-dns'), true);
    await page.click('#send');
    await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
    assert.match(await page.locator('#events li').first().innerText(), /DNS lookup 1/);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the legend explains the canvas in its own colours, under the canvas and in Help', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#legend summary');
    const items = page.locator('#legend .legend-list li');
    assert.ok((await items.count()) >= 24);
    const text = await page.locator('#legend').innerText();
    for (const words of ['virtual IP', 'EndpointSlice', 'headless', 'NodePort', 'ipt = iptables', 'not ready', 'DNS query']) {
      assert.ok(text.includes(words), `legend lacks ${words}`);
    }
    // A swatch is the canvas' colour for it (the Ready pod's fill, light theme).
    const ready = items.filter({ hasText: 'pod, Ready' }).locator('.swatch');
    assert.equal(await ready.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(220, 242, 226)');
    await page.screenshot({ path: `${SHOTS}/legend.png` });
    await page.keyboard.press('?');
    await page.locator('#help-dialog .legend-list li').first().waitFor();
    assert.equal(await page.locator('#help-dialog .legend-list li').count(), await items.count());
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a share link opens the journey paused at the hop it was at (hop 3)', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    // Two sends: the link must replay the second one, with its own endpoint choices.
    await page.click('#send');
    await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
    await page.click('#send');
    // Paused at hop 3, whatever hop the playing journey had reached (a busy machine clicks
    // late): Pause, then hop 3's row.
    await page.locator('#play', { hasText: 'Pause' }).click();
    await page.locator('#events li').nth(2).locator('button').click();
    await page.locator('#caption-step', { hasText: /^Hop 3 of/ }).waitFor();
    assert.equal(await page.locator('#play').innerText(), 'Play');
    const rows = await page.locator('#events li').allInnerTexts();
    await page.click('#share');
    await page.waitForFunction(() => location.hash.length > 10);
    const url = await page.evaluate(() => location.href);
    const other = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await other.goto(url);
    await other.locator('#caption-step', { hasText: /^Hop 3 of/ }).waitFor({ timeout: 10000 });
    assert.deepEqual(await other.locator('#events li').allInnerTexts(), rows);
    assert.equal(await other.locator('#events li.current').count(), 1);
    assert.match(await other.locator('#events li.current').innerText(), /^3\. /);
    assert.equal(await other.locator('#play').innerText(), 'Play');
    await other.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a journey refused for a named targetPort no container carries says why, at its last hop', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    const text = (await page.locator('textarea#manifest').inputValue()).replace('targetPort: 9376', 'targetPort: http');
    await page.locator('textarea#manifest').fill(text);
    // Applied as typed (after the editor's debounce), then time settles.
    await page.waitForTimeout(1200);
    await page.waitForFunction(() => !document.querySelector('.pending.on'), null, { timeout: 15000 });
    await page.fill('#dest', 'my-service:80');
    await page.click('#send');
    await page.locator('#events li').first().waitFor({ timeout: 10000 });
    await page.locator('#events li').last().locator('button').click();
    await page.locator('#caption-why').waitFor({ timeout: 5000 }).catch(async (e) => {
      await page.screenshot({ path: `${SHOTS}/why-named-port.png` });
      throw new Error(`${e.message}\n${await page.locator('#caption').innerText()}\n${(await page.locator('#events li').allInnerTexts()).slice(-3).join('\n')}`);
    });
    assert.match(await page.locator('#caption-why').innerText(), /named targetPort "http", but no selected pod has a container port named "http"/);
    assert.match(await page.locator('#caption .caption-outcome').innerText(), /refused|REJECT/i);
    await page.screenshot({ path: `${SHOTS}/why-named-port.png` });
  } finally {
    await browser.close();
    await server.close();
  }
});

test('Present keeps the example explanation one click away; the user’s own manifest drops it', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#presentation');
    const fold = page.locator('#present-explanation');
    assert.ok(await fold.isVisible(), 'the explanation is not offered in Present');
    assert.equal(await fold.evaluate((d) => d.open), false, 'folded at first: the picture keeps the screen');
    await fold.locator('summary').click();
    assert.match(await fold.innerText(), /Defining a Service[\s\S]*my-service/);
    await page.screenshot({ path: `${SHOTS}/present-explanation-1280.png` });
    await page.click('#presentation');
    assert.equal(await fold.isVisible(), false, 'shown twice outside Present');

    // The user's own manifest: a Service the example does not have.
    await page.locator('textarea#manifest').fill(
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: mine\nspec:\n  ports:\n  - port: 8080\n',
    );
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('mine'), null, { timeout: 10000 });
    await page.locator('#explanation').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await page.locator('#example').inputValue(), '', 'the menu still names the example');
    await page.click('#presentation');
    assert.equal(await page.locator('#present-explanation').count(), 0, 'stale lecture text in Present');
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a grouped card (web × N) opens into its pods on a click, and Group replicas folds them again', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(hookCanvasText);
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.locator('#example option:not([disabled])').nth(4).waitFor({ state: 'attached' });
    await page.click('#presentation');
    await page.selectOption('#example', 'endpointslice-split');
    await page.waitForFunction(() => !document.querySelector('.pending.on'), null, { timeout: 15000 });
    await page.waitForTimeout(300);
    const groups = async () => (await page.evaluate(() => window.__frame)).map((t) => t.text).filter((t) => /^web × \d+$/.test(t));
    const before = await groups();
    assert.ok(before.length > 0, 'no grouped card');
    // Find a card of the web Deployment under the pointer.
    const box = await page.locator('#cluster').boundingBox();
    let at = null;
    for (let y = box.y + 10; y < box.y + box.height && !at; y += 16) {
      for (let x = box.x + 10; x < box.x + box.width && !at; x += 24) {
        await page.mouse.move(x, y);
        if ((await page.locator('.canvas-hover').textContent()).startsWith('pod/default/web-')) at = { x, y };
      }
    }
    assert.ok(at, 'no web card under the pointer anywhere');
    await page.mouse.click(at.x, at.y);
    await page.locator('#regroup').waitFor({ timeout: 5000 });
    await page.waitForTimeout(300);
    const opened = await groups();
    assert.ok(opened.length < before.length, `still grouped: ${opened.join(', ')}`);
    await page.screenshot({ path: `${SHOTS}/grouped-opened-1280.png` });
    await page.click('#regroup');
    await page.locator('#regroup').waitFor({ state: 'detached', timeout: 5000 });
    await page.waitForTimeout(300);
    assert.deepEqual(await groups(), before);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('Focus zooms the canvas to what the journey passes; Fit shows the whole cluster again', async () => {
  const server = await startServer(DIST, '/');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(hookCanvasText);
    const problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#presentation');
    assert.equal(await page.locator('#focus-journey').isDisabled(), true, 'Focus without a journey');
    // The banner is one row at 1280 px: every row it takes is cut from the canvas.
    const banner = await page.locator('.banner').boundingBox();
    assert.ok(banner.height < 64, `the banner is ${banner.height} px tall`);
    await page.click('#send');
    await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
    await page.click('#play');
    await page.waitForTimeout(300);
    const median = async () => sizes(await page.evaluate(() => window.__frame)).median;
    const whole = await median();
    await page.click('#focus-journey');
    await page.waitForTimeout(300);
    const focused = await median();
    assert.ok(focused >= whole * 1.05, `focused median ${focused.toFixed(1)} px vs ${whole.toFixed(1)} px`);
    // What the journey passes is still on the canvas: the client, the Service, kube-dns.
    const drawn = (await page.evaluate(() => window.__frame)).map((t) => t.text);
    for (const name of ['client', 'my-service', 'kube-system/kube-dns (DNS)']) {
      assert.ok(drawn.includes(name), `${name} is not drawn when focused: ${drawn.join(' | ')}`);
    }
    await page.screenshot({ path: `${SHOTS}/focus-journey-1280.png` });
    await page.click('#fit');
    await page.waitForTimeout(300);
    assert.ok(Math.abs((await median()) - whole) < 0.5, 'Fit shows the whole cluster again');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
