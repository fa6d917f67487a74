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
        }
        if (width <= 1200) {
          // One column: the canvas and its journey first, the editor after them.
          const top = (sel) => page.evaluate((s) => document.querySelector(s)?.getBoundingClientRect().top ?? Infinity, sel);
          assert.ok((await top('#cluster')) < (await top('.col-left')), 'the canvas comes before the editor');
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
