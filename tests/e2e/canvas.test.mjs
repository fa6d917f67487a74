// The canvas as a user meets it: hovering names an object, clicking selects it (the inspector
// follows), "Export PNG" downloads the picture, and with prefers-reduced-motion the packet does
// not glide (the picture changes only when the packet reaches a hop). On a high-DPI screen the
// canvas has a device pixel for every screen pixel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { withPage } from './support.mjs';

const ready = (page) =>
  page.waitForFunction(() => document.querySelector('#output')?.textContent.includes('my-service'));

async function canvasSum(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#cluster');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 7) s = (s * 31 + d[i]) >>> 0;
    return s;
  });
}

test('hover names a pod, a click selects it, Export PNG downloads the canvas', async () => {
  await withPage(async (page, problems) => {
    await ready(page);
    const box = await page.locator('#cluster').boundingBox();
    // Sweep the lower half (where the nodes are) until the hover label names a pod.
    let found = null;
    for (let y = box.y + box.height * 0.55; y < box.y + box.height && !found; y += 12) {
      for (let x = box.x + 10; x < box.x + box.width && !found; x += 24) {
        await page.mouse.move(x, y);
        const label = await page.locator('.canvas-hover').textContent();
        if (label.startsWith('pod/default/my-app')) found = { x, y, label };
      }
    }
    assert.ok(found, 'no pod under the pointer anywhere');
    await page.mouse.click(found.x, found.y);
    assert.equal(await page.locator('#object-select').inputValue(), found.label);
    await page.locator('#inspector-heading', { hasText: found.label }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    assert.match(download.suggestedFilename(), /^svcsim(-[a-z0-9-]+)?\.png$/);
    const png = await readFile(await download.path());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 10000, `${png.length} bytes`);
    assert.deepEqual(problems, []);
  });
});

/** The width and height in a PNG's IHDR chunk. */
const pngSize = (png) => ({ w: png.readUInt32BE(16), h: png.readUInt32BE(20) });

test('Export PNG at hop 3: twice the canvas, with a title, the caption and the legend under it', async () => {
  await withPage(async (page, problems) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await ready(page);
    await page.click('#presentation');
    await page.click('#send');
    await page.locator('#events li').nth(2).waitFor({ timeout: 10000 });
    await page.click('#play'); // pause
    await page.click('#replay');
    await page.click('#play');
    await page.click('#step-forward');
    await page.click('#step-forward');
    await page.locator('#caption-step', { hasText: /^Hop 3 of/ }).waitFor();
    const css = await page.evaluate(() => {
      const r = document.querySelector('#cluster').getBoundingClientRect();
      return { w: r.width, h: r.height };
    });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    assert.match(download.suggestedFilename(), /-hop-03\.png$/);
    const path = await download.path();
    const png = await readFile(path);
    const { w, h } = pngSize(png);
    assert.equal(w, Math.round(2 * Math.max(css.w, 640)), `${w} px wide for a ${css.w} px canvas`);
    // Title, caption and legend add at least 200 CSS px to the scene's height.
    assert.ok(h >= Math.round(2 * (css.h + 200)), `${h} px high for a ${css.h} px canvas`);
    await mkdir('/tmp/svcsim-shots', { recursive: true });
    await copyFile(path, '/tmp/svcsim-shots/export-hop3.png');
    assert.deepEqual(problems, []);
  });
});

test('Export SVG: the whole scene as a well-formed SVG with its names as text', async () => {
  await withPage(async (page, problems) => {
    await ready(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
    assert.match(download.suggestedFilename(), /^svcsim(-[a-z0-9-]+)?\.svg$/);
    const svg = await readFile(await download.path(), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
      };
    }, svg);
    assert.equal(parsed.error, null);
    for (const name of ['my-service', 'kind-worker', 'kind-control-plane']) {
      assert.ok(parsed.texts.includes(name), `${name} is not in the SVG: ${parsed.texts.slice(0, 12).join(' | ')}`);
    }
    await mkdir('/tmp/svcsim-shots', { recursive: true });
    await copyFile(await download.path(), '/tmp/svcsim-shots/export.svg');
    assert.deepEqual(problems, []);
  });
});

test('prefers-reduced-motion: the packet jumps from hop to hop', async () => {
  await withPage(async (page, problems) => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.reload();
    await ready(page);
    await page.click('#send');
    await page.locator('#events li').first().waitFor();
    // While playing, sample the canvas: with motion off the picture changes only when the
    // packet reaches the next hop; gliding would change it between hops too.
    const hop = async () => Number((await page.locator('#step-label').textContent()).match(/hop (\d+)/)?.[1] ?? 0);
    const first = await hop();
    const sums = [];
    for (let i = 0; i < 30; i++) {
      sums.push(await canvasSum(page));
      await page.waitForTimeout(50);
    }
    const hops = (await hop()) - first;
    const changes = sums.slice(1).filter((s, i) => s !== sums[i]).length;
    assert.ok(hops > 0, 'the journey never moved');
    assert.ok(changes <= hops + 1, `${changes} picture changes over ${hops} hops: the packet glides`);
    assert.deepEqual(problems, []);
  });
});

test('high-DPI screen: the canvas is drawn at the device pixel ratio', async () => {
  await withPage(async (page, problems) => {
    await ready(page);
    const m = await page.evaluate(() => {
      const c = document.querySelector('#cluster');
      const r = c.getBoundingClientRect();
      return { dpr: devicePixelRatio, w: c.width, h: c.height, cssW: r.width, cssH: r.height };
    });
    assert.equal(m.dpr, 2);
    assert.ok(Math.abs(m.w - 2 * m.cssW) <= 1 && Math.abs(m.h - 2 * m.cssH) <= 1, JSON.stringify(m));
    assert.deepEqual(problems, []);
  }, { scale: 2 });
});
