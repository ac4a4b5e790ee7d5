/**
 * End-to-end test of the browser build (npm run test:browser; not part of npm test):
 * builds web/dist, serves it on 127.0.0.1, drives the page in headless Debian Chromium
 * with playwright-core, embeds two LFW fixture faces and checks the numbers it shows
 * against the Node library's for the same images, clean and with B blurred by the slider.
 * The network is cut off (browser offline) after the page and its models have loaded,
 * and the two images are given through the file inputs as a user would; the probe fetch
 * that proves the cut logs one ERR_INTERNET_DISCONNECTED. Every request to another
 * origin is aborted and fails the test. Screenshots: out/browser-e2e*.png.
 *
 * Usage: node dist/browser-node/e2e.js   (env CHROMIUM overrides /usr/bin/chromium)
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import type { DegradeStep } from '../face/degrade/steps.js';
import { type EmbeddedFace, FaceEmbedder } from '../face/pipeline/face-embedder.js';
import { type Comparison, compareFaces } from '../head/compare-faces.js';
import { defaultHeadPath, loadHeadFile } from '../head/model-file.js';
import { loadCalibrationFile } from '../service/calibration-file.js';
import { DecisionPolicy } from '../service/decision.js';
import { buildWeb, HEAD_CALIBRATION_FILE_NAME, REPO_ROOT, SAMPLE_IMAGES } from './build-web.js';
import { serveStatic } from './static-server.js';

/** Cosines agree to this absolute difference (issue 7 asks for 1e-3). */
export const COSINE_TOLERANCE = 1e-3;
/**
 * MLS and confidences agree to this relative difference: MLS is a sum over D = 1024
 * dimensions of squared differences divided by σ² plus log σ² terms, so it is hundreds
 * to thousands of nats and an absolute 1e-3 would ask for float32 agreement to ~1e-7
 * relative; 1e-3 relative is the same bar as the cosine's, relative to its scale.
 */
export const RELATIVE_TOLERANCE = 1e-3;

/** The blur the test sets on the page's slider for image B: σ in pixels of the 150×150 fixture image. */
export const SLIDER_BLUR_SIGMA = 4;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Node's comparison of the two files, clean and with image B blurred as the slider does. */
async function nodeReference(files: readonly [string, string]): Promise<{ clean: Comparison; blurred: Comparison }> {
  const head = await loadHeadFile(defaultHeadPath());
  const embedder = await FaceEmbedder.load({ backend: 'wasm' });
  const blur: DegradeStep[] = [{ kind: 'blur', sigma: SLIDER_BLUR_SIGMA }];
  try {
    const results = await embedder.embedBatch([{ path: files[0] }, { path: files[1] }, { path: files[1], degrade: blur, seed: 0 }]);
    for (const r of results) if (r.status === 'failed') throw new Error(`node embedding failed: ${r.reason}`);
    const [a, b, bBlurred] = results as EmbeddedFace[];
    return { clean: compareFaces(head, a!, b!), blurred: compareFaces(head, a!, bBlurred!) };
  } finally {
    embedder.dispose();
  }
}

async function shownComparison(page: Page): Promise<Comparison> {
  const value = async (id: string): Promise<number> => Number(await page.getAttribute(`#${id}`, 'data-value'));
  return {
    cosine: await value('cosine'),
    rawCosine: await value('raw-cosine'),
    mls: await value('mls'),
    confidenceA: await value('conf-a'),
    confidenceB: await value('conf-b'),
  };
}

/** The service's default operating point (src/service/config.ts), as the page uses. */
const TARGET_FAR = 1e-3;

/**
 * Checks the page's verdict against Node's DecisionPolicy on the page's own scores (so it
 * tests the browser's calibration path; the scores themselves are checked by compareToNode).
 */
async function checkVerdict(page: Page, policy: DecisionPolicy, shown: Comparison, title: string): Promise<string[]> {
  const node = policy.decide(shown.cosine, shown.mls);
  const match = await page.getAttribute('#verdict', 'data-match');
  const far = Number(await page.getAttribute('#verdict', 'data-far'));
  const ok = match === String(node.match) && far === node.estimatedFar;
  process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} verdict: page match=${match} FAR ${far}, node match=${node.match} FAR ${node.estimatedFar} ("${await page.textContent('#verdict')}")\n`);
  return ok ? [] : [`${title}: verdict`];
}

/** Prints one line per number and returns the names that differ beyond tolerance. */
function compareToNode(title: string, shown: Comparison, reference: Comparison): string[] {
  const failures: string[] = [];
  process.stdout.write(`${title}\n`);
  for (const key of Object.keys(reference) as (keyof Comparison)[]) {
    const [b, n] = [shown[key], reference[key]];
    const absolute = key === 'cosine' || key === 'rawCosine';
    const diff = absolute ? Math.abs(b - n) : Math.abs(b - n) / Math.abs(n);
    const ok = Number.isFinite(b) && diff <= (absolute ? COSINE_TOLERANCE : RELATIVE_TOLERANCE);
    process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${key.padEnd(11)} browser ${b.toPrecision(8)}  node ${n.toPrecision(8)}  ${absolute ? 'abs' : 'rel'} diff ${diff.toExponential(2)}\n`);
    if (!ok) failures.push(`${title}: ${key}`);
  }
  return failures;
}

/** A file for the page's file input. */
interface UploadFile {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

/** A bad or unusual input, the page state it must end in and the note it must show. */
interface InputCase {
  readonly title: string;
  readonly slot: 'a' | 'b';
  readonly file: UploadFile;
  readonly state: 'compared' | 'error';
  readonly note: RegExp;
}

/** The cases: two faces side by side, a face-less grey image, a 42-megapixel image, a text file named .jpg. */
async function inputCases(fileA: string, fileB: string): Promise<InputCase[]> {
  // The fixtures are 150×150; side by side on a grey 500×250 canvas they make a photo with two faces.
  const pair = await sharp({ create: { width: 500, height: 250, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([
      { input: fileA, left: 0, top: 0 },
      { input: fileB, left: 250, top: 0 },
    ])
    .jpeg({ quality: 95 })
    .toBuffer();
  // 7000×6000 = 42 MP, over the decoder's 40 MP limit (DEFAULT_MAX_PIXELS); one flat colour keeps the PNG small.
  const huge = await sharp({ create: { width: 7000, height: 6000, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
  const grey = await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
  return [
    { title: 'two faces', slot: 'a', file: { name: 'two-faces.jpg', mimeType: 'image/jpeg', buffer: pair }, state: 'compared', note: /^2 faces were found; the largest one is used\.$/ },
    { title: 'no face', slot: 'a', file: { name: 'grey.png', mimeType: 'image/png', buffer: grey }, state: 'error', note: /^No face was found in grey\.png\./ },
    { title: 'too large', slot: 'a', file: { name: 'huge.png', mimeType: 'image/png', buffer: huge }, state: 'error', note: /^huge\.png is too large to process here \(.*7000×6000.*\)\. Scale it down and try again\.$/ },
    { title: 'not an image', slot: 'b', file: { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are not image bytes\n') }, state: 'error', note: /^notes\.jpg is not a JPEG, PNG or WebP image\.$/ },
  ];
}

/** Gives the page one input case and returns a failure description, or '' when the page reacted as expected. */
async function checkInputCase(page: Page, c: InputCase): Promise<string> {
  await page.$eval('body', (b) => b.setAttribute('data-state', 'pending'));
  await page.setInputFiles(`#file-${c.slot}`, c.file);
  await page.waitForSelector('body[data-state="compared"], body[data-state="error"]', { timeout: 120_000 });
  const state = await page.getAttribute('body', 'data-state');
  const note = (await page.textContent(`#note-${c.slot}`)) ?? '';
  const scoresCleared = (await page.getAttribute('#cosine', 'data-value')) === null;
  const ok = state === c.state && c.note.test(note) && (c.state === 'compared' || scoresCleared);
  process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${c.title}: state ${state}, note "${note}"${c.state === 'error' ? `, scores ${scoresCleared ? 'cleared' : 'NOT cleared'}` : ''}\n`);
  return ok ? '' : `input case "${c.title}"`;
}

async function waitForComparison(page: Page): Promise<string> {
  await page.waitForSelector('body[data-state="compared"], body[data-state="error"]', { timeout: 120_000 });
  return (await page.getAttribute('body', 'data-state')) === 'compared' ? '' : `the page did not compare: ${await page.textContent('#status')}`;
}

async function main(): Promise<number> {
  const dist = await buildWeb();
  const [fileA, fileB] = SAMPLE_IMAGES.map((rel) => path.join(REPO_ROOT, 'fixtures', 'lfw', 'images', rel)) as [string, string];
  const reference = await nodeReference([fileA, fileB]);
  const site = await serveStatic(dist);
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'pfe-chromium-'));
  // A fresh profile folder per run (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const foreign: string[] = [];
  const failures: string[] = [];
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => process.stdout.write(`[page ${m.type()}] ${m.text()}\n`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(site.url)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    await page.goto(site.url);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 120_000 });
    if ((await page.getAttribute('body', 'data-state')) !== 'ready') return fail([`the page did not load: ${await page.textContent('#status')}`]);
    // Cut the network once the page has loaded: everything after must run offline.
    await browser.setOffline(true);
    const offlineFetch = await page.evaluate(() => fetch('samples/Abdullah_Gul_0001.jpg').then(() => 'fetched', () => 'refused'));
    if (offlineFetch !== 'refused') failures.push('the network was not cut off (a fetch still succeeded)');
    const t0 = Date.now();
    await page.setInputFiles('#file-a', fileA);
    await page.waitForSelector('body[data-state="embedded"], body[data-state="error"]', { timeout: 120_000 });
    await page.setInputFiles('#file-b', fileB);
    const cleanError = await waitForComparison(page);
    process.stdout.write(`page: ${await page.textContent('#status')} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    await mkdir(path.join(REPO_ROOT, 'out'), { recursive: true });
    await page.screenshot({ path: path.join(REPO_ROOT, 'out', 'browser-e2e.png'), fullPage: true });
    if (cleanError !== '') return fail([cleanError]);
    const clean = await shownComparison(page);
    failures.push(...compareToNode('clean pair', clean, reference.clean));
    const policy = new DecisionPolicy(await loadCalibrationFile(path.join(REPO_ROOT, 'models', HEAD_CALIBRATION_FILE_NAME)), TARGET_FAR, true);
    failures.push(...(await checkVerdict(page, policy, clean, 'clean pair')));
    // Move the slider: playwright's fill sets a range input's value and fires input and change.
    await page.fill('#blur-b', String(SLIDER_BLUR_SIGMA));
    const blurError = await waitForComparison(page);
    await page.screenshot({ path: path.join(REPO_ROOT, 'out', 'browser-e2e-blurred.png'), fullPage: true });
    if (blurError !== '') return fail([blurError]);
    const blurred = await shownComparison(page);
    failures.push(...compareToNode(`B blurred (σ ${SLIDER_BLUR_SIGMA} px)`, blurred, reference.blurred));
    failures.push(...(await checkVerdict(page, policy, blurred, 'blurred pair')));
    // Harmonic-mean σ² is the confidence measure: higher σ² = less confident.
    const lessConfident = blurred.confidenceB > clean.confidenceB;
    process.stdout.write(`  ${lessConfident ? 'ok  ' : 'FAIL'} blurring B raised its σ² from ${clean.confidenceB.toExponential(3)} to ${blurred.confidenceB.toExponential(3)} (cosine ${clean.cosine.toFixed(4)} → ${blurred.cosine.toFixed(4)}, MLS ${clean.mls.toFixed(1)} → ${blurred.mls.toFixed(1)})\n`);
    if (!lessConfident) failures.push('the slider did not lower the confidence of B');
    process.stdout.write('unusual and bad inputs\n');
    for (const c of await inputCases(fileA, fileB)) {
      const failure = await checkInputCase(page, c);
      if (failure !== '') failures.push(failure);
    }
    await page.screenshot({ path: path.join(REPO_ROOT, 'out', 'browser-e2e-bad-input.png'), fullPage: true });
    // The sample buttons fetch the two fixtures from the page's origin: back online for them.
    await browser.setOffline(false);
    // 'pending' first, so that a wait cannot return on the state the bad inputs left.
    await page.$eval('body', (b) => b.setAttribute('data-state', 'pending'));
    await page.click('button[data-slot="a"]');
    await page.waitForSelector('body[data-state="embedded"], body[data-state="compared"], body[data-state="error"]', { timeout: 120_000 });
    await page.$eval('body', (b) => b.setAttribute('data-state', 'pending'));
    await page.click('button[data-slot="b"]');
    const samplesError = await waitForComparison(page);
    if (samplesError !== '') failures.push(`sample buttons: ${samplesError}`);
    // The slider still blurs B, so the samples must give the blurred pair's numbers.
    else failures.push(...compareToNode(`sample buttons (B blurred σ ${SLIDER_BLUR_SIGMA} px)`, await shownComparison(page), reference.blurred));
    process.stdout.write('screenshots: out/browser-e2e.png, out/browser-e2e-blurred.png, out/browser-e2e-bad-input.png\n');
  } finally {
    await browser.close();
    await site.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
  if (foreign.length > 0) failures.push(`requests to other hosts: ${foreign.join(', ')}`);
  return fail(failures);
}

function fail(failures: readonly string[]): number {
  if (failures.length === 0) {
    process.stdout.write('browser end-to-end: ok\n');
    return 0;
  }
  process.stdout.write(`browser end-to-end FAILED: ${failures.join('; ')}\n`);
  return 1;
}

process.exitCode = await main();
