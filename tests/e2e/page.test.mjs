// End to end: the release build in dist/, served locally, in headless Chromium.
// Run: trunk build --release && node --test tests/e2e/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withPage } from './support.mjs';

const SCREENSHOT = process.env.SVCSIM_SCREENSHOT ?? '/tmp/svcsim-e2e.png';
const LECTURE = readFileSync(new URL('../../assets/examples/service.yaml', import.meta.url), 'utf8');

const output = (page) => page.locator('#output');
const errors = (page) => page.locator('#errors');
const editor = (page) => page.getByRole('textbox', { name: 'Manifest (YAML)' });

test('the page shows the heading and the output for the lecture example', async () => {
  await withPage(async (page, problems) => {
    await assert.doesNotReject(
      page.getByRole('heading', { level: 1, name: 'svcsim' }).waitFor(),
    );
    assert.equal(await page.title(), 'svcsim');
    assert.equal(await editor(page).inputValue(), LECTURE);
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    const table = await output(page).textContent();
    assert.match(table, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(table, /^my-service\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+$/m);
    assert.equal(await page.locator('#applied').textContent(), 'service/my-service created');
    assert.equal(await output(page).getAttribute('aria-live'), 'polite');
    assert.equal(await errors(page).locator('li').count(), 0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(problems, []);
  });
});

test('typing a modified manifest updates the output', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    const box = editor(page);
    await box.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await box.pressSequentially(LECTURE.replace('my-service', 'web-frontend').replace('port: 80', 'port: 8080'), {
      delay: 0,
    });
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('web-frontend'));
    const table = await output(page).textContent();
    assert.match(table, /^web-frontend\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+8080\/TCP\s+\S+$/m);
    assert.doesNotMatch(table, /my-service/);
    assert.equal(await errors(page).locator('li').count(), 0);
    assert.deepEqual(problems, []);
  });
});

test('an invalid manifest is reported in the error list', async () => {
  await withPage(async (page, problems) => {
    await page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));
    // kube-apiserver's validation: a port must fit in 16 bits.
    await editor(page).fill(LECTURE.replace('port: 80', 'port: 70000'));
    await errors(page).locator('li').first().waitFor();
    const message = await errors(page).locator('li').first().textContent();
    assert.match(message, /^editor:10:\d+: The Service "my-service" is invalid: spec\.ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535, inclusive/);
    assert.doesNotMatch(await output(page).textContent(), /my-service/);
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-error.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
