// Accessibility as Chromium itself computes it: every control has a name in the accessibility
// tree (what a screen reader announces), and Tab alone reaches every visible control, in both
// the normal and the presentation layout, after a journey has filled the event list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage } from './support.mjs';

const CONTROL_ROLES = new Set([
  'button', 'combobox', 'textbox', 'checkbox', 'radio', 'slider', 'spinbutton', 'link',
  'listbox', 'menuitem', 'tab', 'switch', 'searchbox',
]);

/** Controls in Chromium's accessibility tree that have no name, as "role (id)". */
async function unnamedControls(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const out = [];
  for (const n of nodes) {
    if (n.ignored || !CONTROL_ROLES.has(n.role?.value)) continue;
    if ((n.name?.value ?? '').trim() === '') {
      const { node } = await cdp.send('DOM.describeNode', { backendNodeId: n.backendDOMNodeId });
      const id = (node.attributes ?? []).reduce((a, v, i, all) => (v === 'id' ? all[i + 1] : a), '');
      out.push(`${n.role.value} <${node.localName}${id ? ` id=${id}` : ''}>`);
    }
  }
  await cdp.detach();
  return out;
}

/** Every visible, enabled, focusable control that Tab (and only Tab) never reaches. */
async function unreachableByTab(page) {
  const want = await page.evaluate(() => {
    window.controlKey = (el) => el.id || `${el.tagName}:${el.textContent.trim().slice(0, 30)}`;
    document.activeElement?.blur();
    return [...document.querySelectorAll('button, select, input, textarea, a[href], [tabindex]')]
      .filter((el) => !el.disabled && el.tabIndex >= 0 && el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== 'hidden' && !el.closest('dialog:not([open])'))
      .map(window.controlKey);
  });
  assert.ok(want.length > 15, `only ${want.length} controls found`);
  const seen = new Set();
  for (let i = 0; i < want.length * 2 + 10; i++) {
    await page.keyboard.press('Tab');
    const k = await page.evaluate(() => {
      const el = document.activeElement;
      return el && el !== document.body ? window.controlKey(el) : null;
    });
    if (k) seen.add(k);
  }
  return want.filter((k) => !seen.has(k));
}

test('every control has an accessible name and Tab reaches all of them', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#send');
    await page.locator('#events li').nth(1).waitFor();
    await page.click('#play'); // pause: the event list stops changing under the Tab walk
    assert.deepEqual(await unnamedControls(page), [], 'controls without a name');
    assert.deepEqual(await unreachableByTab(page), [], 'controls Tab does not reach');

    await page.click('#presentation');
    assert.deepEqual(await unnamedControls(page), [], 'presentation: controls without a name');
    assert.deepEqual(await unreachableByTab(page), [], 'presentation: controls Tab does not reach');
    assert.deepEqual(problems, []);
  });
});

test('after Send, Space pauses and plays the journey instead of sending again', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    await page.click('#send');
    await page.locator('#events li').nth(1).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'play', 'focus moved to Play/Pause');
    // Playing; a new request would start playing again, a pause stops it.
    assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('#play')?.getAttribute('aria-pressed') === 'false');
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('#play')?.getAttribute('aria-pressed') === 'true');
    // Enter in the destination field sends and keeps the focus there, for the next one.
    await page.focus('#dest');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'dest');
    assert.deepEqual(problems, []);
  });
});
