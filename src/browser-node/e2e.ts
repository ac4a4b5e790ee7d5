/**
 * End-to-end test of the browser build (npm run test:browser; not part of npm test):
 * builds web/dist, serves it with the real `pfe serve` on 127.0.0.1 (under /demo/, with
 * the page's Content-Security-Policy, so a CSP violation fails the test), drives the page in headless Debian Chromium
 * with playwright-core, embeds two LFW fixture faces and checks the numbers it shows
 * against the Node library's for the same images: clean, with B blurred and down-scaled by
 * the slider, along a sweep of the whole slider (whose plots must show every point), and
 * for the gallery fused with two rules; a photo dropped on the page; bad inputs.
 * The network is cut off (browser offline) after the page and its models have loaded,
 * and the two images are given through the file inputs as a user would; the probe fetch
 * that proves the cut logs one ERR_INTERNET_DISCONNECTED. Every request to another
 * origin is aborted and fails the test. Screenshots: out/browser-e2e*.png.
 *
 * Usage: node dist/browser-node/e2e.js   (env CHROMIUM overrides /usr/bin/chromium)
 */
import { resolveBackbone } from '../face/backbone/names.js';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import type { FusionRule } from '../core/fusion.js';
import { BLUR_SIGMAS_PX, SLIDER_STEPS, type SliderKind, sliderSteps } from '../demo/degradation-slider.js';
import { fuseGallery, scorePair } from '../face-pfe/gallery-fusion.js';
import { DEFAULT_PAIR, DILEMMA_BLUR_SIGMA_PX, DILEMMA_PAIR, GALLERY_SAMPLE, sampleUrl } from '../demo/sample-images.js';
import type { TracePoint } from '../demo/score-trace.js';
import { type EmbeddedFace, type EmbedRequest, FaceEmbedder } from '../face/pipeline/face-embedder.js';
import { type Comparison, compareFaces, headGaussian } from '../head/compare-faces.js';
import { defaultHeadPath, loadHeadFile } from '../head/model-file.js';
import { loadCalibrationFile } from '../verify/calibration-file.js';
import { DecisionPolicy } from '../verify/decision.js';
import { DEMO_CSP, DEMO_PREFIX } from '../service/demo-routes.js';
import { buildWeb, HEAD_CALIBRATION_FILE_NAME, LIBRARY_BUNDLE_NAME, REPO_ROOT } from './build-web.js';
import { startServeProcess } from '../testing/pfe-serve-process.js';

/** Cosines agree to this absolute difference (issue 7 asks for 1e-3). */
export const COSINE_TOLERANCE = 1e-3;
/**
 * MLS and uncertainties agree to this relative difference: MLS is a sum over D = 1024
 * dimensions of squared differences divided by σ² plus log σ² terms, so it is hundreds
 * to thousands of nats and an absolute 1e-3 would ask for float32 agreement to ~1e-7
 * relative; 1e-3 relative is the same bar as the cosine's, relative to its scale.
 */
export const RELATIVE_TOLERANCE = 1e-3;

/** The slider position the test moves B to: blur σ 4 px (of the 150×150 fixture), down-scale ×0.25. */
export const SLIDER_CHECK_POSITION = BLUR_SIGMAS_PX.indexOf(4);

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

/** The fixture images, by their path under fixtures/lfw/images. */
const fixture = (rel: string): string => path.join(REPO_ROOT, 'fixtures', 'lfw', 'images', rel);

/** What the gallery shows: the fused template's uncertainty and its scores against B. */
interface GalleryNumbers {
  readonly count: number;
  readonly uncertainty: number;
  readonly cosine: number;
  readonly mls: number;
}

/** Node's numbers for everything the test makes the page compute. */
interface NodeReference {
  readonly clean: Comparison;
  /** A against B blurred at every slider position (undefined where B could not be embedded). */
  readonly blurSweep: readonly (Comparison | undefined)[];
  /** A against B down-scaled at SLIDER_CHECK_POSITION. */
  readonly scaled: Comparison;
  /** The gallery sample fused, against clean B, per fusion rule. */
  readonly gallery: Readonly<Record<FusionRule, GalleryNumbers>>;
  /** The dilemma pair with both photos blurred at every slider position. */
  readonly dilemmaSweep: readonly (Comparison | undefined)[];
}

/** Node's comparisons of the fixtures, with B degraded as the slider does and the gallery fused as the page does. */
async function nodeReference(): Promise<NodeReference> {
  const head = await loadHeadFile(defaultHeadPath());
  const embedder = await FaceEmbedder.load({ backbone: resolveBackbone(undefined, { backbone: head.backbone, what: 'the shipped head' }), backend: 'wasm' });
  const [fileA, fileB] = DEFAULT_PAIR.map(fixture) as [string, string];
  const degradedB = (kind: SliderKind, p: number): EmbedRequest => ({ path: fileB, degrade: sliderSteps(kind, p), seed: 0 });
  const requests: EmbedRequest[] = [
    { path: fileA },
    { path: fileB },
    degradedB('scale', SLIDER_CHECK_POSITION),
    ...GALLERY_SAMPLE.map((rel) => ({ path: fixture(rel) })),
    ...Array.from({ length: SLIDER_STEPS }, (_, p) => degradedB('blur', p)),
    ...DILEMMA_PAIR.flatMap((rel) => Array.from({ length: SLIDER_STEPS }, (_, p): EmbedRequest => ({ path: fixture(rel), degrade: sliderSteps('blur', p), seed: 0 }))),
  ];
  try {
    const results = await embedder.embedBatch(requests);
    const ok = (i: number): EmbeddedFace => {
      const r = results[i]!;
      if (r.status === 'failed') throw new Error(`node embedding of request ${i} failed: ${r.reason}`);
      return r;
    };
    const [a, b, scaledB] = [ok(0), ok(1), ok(2)];
    const galleryFaces = GALLERY_SAMPLE.map((_, i) => headGaussian(head, ok(3 + i)));
    const probe = headGaussian(head, b);
    const gallery = Object.fromEntries(
      (['min', 'product', 'mean'] as const).map((rule) => {
        const fused = fuseGallery(galleryFaces, rule);
        return [rule, { count: fused.count, uncertainty: fused.uncertainty, ...scorePair(fused.template, probe) }];
      }),
    ) as Record<FusionRule, GalleryNumbers>;
    const sweepStart = 3 + GALLERY_SAMPLE.length;
    const blurSweep = results.slice(sweepStart, sweepStart + SLIDER_STEPS).map((r) => (r.status === 'ok' ? compareFaces(head, a, r) : undefined));
    const dilemmaStart = sweepStart + SLIDER_STEPS;
    const dilemmaSweep = Array.from({ length: SLIDER_STEPS }, (_, p) => {
      const [x, y] = [results[dilemmaStart + p]!, results[dilemmaStart + SLIDER_STEPS + p]!];
      return x.status === 'ok' && y.status === 'ok' ? compareFaces(head, x, y) : undefined;
    });
    return { clean: compareFaces(head, a, b), blurSweep, scaled: compareFaces(head, a, scaledB), gallery, dilemmaSweep };
  } finally {
    embedder.dispose();
  }
}

async function shownComparison(page: Page): Promise<Comparison> {
  const value = async (id: string): Promise<number> => Number(await page.getAttribute(`#${id}`, 'data-value'));
  const uncertaintyA = await value('conf-a');
  const uncertaintyB = await value('conf-b');
  // The page shows each uncertainty once; the deprecated confidenceA/B carry the same values.
  return { cosine: await value('cosine'), rawCosine: await value('raw-cosine'), mls: await value('mls'), uncertaintyA, uncertaintyB, confidenceA: uncertaintyA, confidenceB: uncertaintyB };
}

/** The service's default operating point (src/service/config.ts), as the page uses. */
const TARGET_FAR = 1e-3;

/**
 * Checks the page's two verdicts against Node's DecisionPolicy on the page's own scores (so
 * it tests the browser's calibration path; the scores themselves are checked by compareToNode).
 */
async function checkVerdicts(page: Page, policies: { mls: DecisionPolicy; cosine: DecisionPolicy }, shown: Comparison, title: string): Promise<string[]> {
  const failures: string[] = [];
  for (const [id, policy] of [['verdict', policies.mls], ['verdict-cosine', policies.cosine]] as const) {
    const node = policy.decide(shown.cosine, shown.mls, [shown.uncertaintyA, shown.uncertaintyB]);
    const match = await page.getAttribute(`#${id}`, 'data-match');
    const far = Number(await page.getAttribute(`#${id}`, 'data-far'));
    const ok = match === String(node.match) && far === node.estimatedFar;
    process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${id}: page match=${match} FAR ${far}, node match=${node.match} FAR ${node.estimatedFar} ("${await page.textContent(`#${id}`)}")\n`);
    if (!ok) failures.push(`${title}: ${id}`);
  }
  return failures;
}

/** One number checked: absolute difference for cosines, relative for MLS and σ². */
function checkNumber(name: string, browser: number, node: number, absolute: boolean): boolean {
  const diff = absolute ? Math.abs(browser - node) : Math.abs(browser - node) / Math.abs(node);
  const ok = Number.isFinite(browser) && diff <= (absolute ? COSINE_TOLERANCE : RELATIVE_TOLERANCE);
  process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(14)} browser ${browser.toPrecision(8)}  node ${node.toPrecision(8)}  ${absolute ? 'abs' : 'rel'} diff ${diff.toExponential(2)}\n`);
  return ok;
}

/** Prints one line per number and returns the names that differ beyond tolerance. */
function compareToNode(title: string, shown: Comparison, reference: Comparison): string[] {
  process.stdout.write(`${title}\n`);
  return (Object.keys(reference) as (keyof Comparison)[])
    .filter((key) => !checkNumber(key, shown[key], reference[key], key === 'cosine' || key === 'rawCosine'))
    .map((key) => `${title}: ${key}`);
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

/** The cases: two faces side by side, a face-less grey image, a 42-megapixel image, a text file named .jpg, a GIF of a face. */
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
  const gif = await sharp(fileA).gif().toBuffer();
  return [
    { title: 'two faces', slot: 'a', file: { name: 'two-faces.jpg', mimeType: 'image/jpeg', buffer: pair }, state: 'compared', note: /^2 faces were found; the largest one is used\.$/ },
    { title: 'no face', slot: 'a', file: { name: 'grey.png', mimeType: 'image/png', buffer: grey }, state: 'error', note: /^No face was found in grey\.png\./ },
    { title: 'too large', slot: 'a', file: { name: 'huge.png', mimeType: 'image/png', buffer: huge }, state: 'error', note: /^huge\.png is too large to process here \(.*7000×6000.*\)\. Scale it down and try again\.$/ },
    { title: 'not an image', slot: 'b', file: { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('these are not image bytes\n') }, state: 'error', note: /^notes\.jpg could not be read as an image: the file is damaged or is not an image\.$/ },
    { title: 'another image format', slot: 'b', file: { name: 'anim.gif', mimeType: 'image/gif', buffer: gif }, state: 'error', note: /^anim\.gif is not a JPEG, PNG or WebP image\.$/ },
  ];
}

/** Marks the page 'pending', so that the next wait cannot return on a state left by an earlier step. */
async function markPending(page: Page): Promise<void> {
  await page.$eval('body', (b) => b.setAttribute('data-state', 'pending'));
}

/** Waits until the pair section has finished (compared, embedded or error) and returns the state. */
async function settled(page: Page, states = ['compared', 'error']): Promise<string> {
  await page.waitForSelector(states.map((s) => `body[data-state="${s}"]`).join(', '), { timeout: 120_000 });
  return (await page.getAttribute('body', 'data-state')) ?? '';
}

/** Gives the page one input case and returns a failure description, or '' when the page reacted as expected. */
async function checkInputCase(page: Page, c: InputCase): Promise<string> {
  await markPending(page);
  await page.setInputFiles(`#file-${c.slot}`, c.file);
  const state = await settled(page);
  const note = (await page.textContent(`#note-${c.slot}`)) ?? '';
  const scoresCleared = (await page.getAttribute('#cosine', 'data-value')) === null && (await page.getAttribute('#verdict-cosine', 'data-far')) === null;
  const ok = state === c.state && c.note.test(note) && (c.state === 'compared' || scoresCleared);
  process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${c.title}: state ${state}, note "${note}"${c.state === 'error' ? `, scores ${scoresCleared ? 'cleared' : 'NOT cleared'}` : ''}\n`);
  return ok ? '' : `input case "${c.title}"`;
}

async function waitForComparison(page: Page): Promise<string> {
  return (await settled(page)) === 'compared' ? '' : `the page did not compare: ${await page.textContent('#status')}`;
}

/** Moves the slider to `position` as a user does (fill sets a range input's value and fires input and change). */
async function moveSlider(page: Page, position: number): Promise<string> {
  await markPending(page);
  await page.fill('#degrade-b', String(position));
  return waitForComparison(page);
}

/** Sweeps the slider and checks the trace against Node's sweep: same failed positions, same numbers elsewhere, one marker per finite point. */
async function checkSweep(page: Page, title: string, reference: readonly (Comparison | undefined)[]): Promise<string[]> {
  await page.$eval('#trace', (t) => t.setAttribute('data-state', 'pending'));
  await page.click('#sweep');
  await page.waitForSelector('#trace[data-state="swept"]', { timeout: 300_000 });
  const points = JSON.parse((await page.getAttribute('#trace', 'data-points')) ?? '[]') as (Omit<TracePoint, 'cosine' | 'mls' | 'uncertaintyA' | 'uncertaintyB'> & { cosine: number | null; mls: number | null; uncertaintyA: number | null; uncertaintyB: number | null })[];
  const failures: string[] = [];
  process.stdout.write(`${title} (${points.length} positions)\n`);
  if (points.length !== SLIDER_STEPS) failures.push(`sweep: ${points.length} points, expected ${SLIDER_STEPS}`);
  for (const point of points) {
    const ref = reference[point.position];
    const label = `σ ${BLUR_SIGMAS_PX[point.position]} px`;
    if (ref === undefined || point.failure !== undefined) {
      const same = ref === undefined && point.failure !== undefined;
      process.stdout.write(`  ${same ? 'ok  ' : 'FAIL'} ${label}: browser ${point.failure ?? 'embedded'}, node ${ref === undefined ? 'failed' : 'embedded'}\n`);
      if (!same) failures.push(`sweep ${label}: one side failed`);
      continue;
    }
    const ok = [
      checkNumber(`${label} cosine`, point.cosine ?? NaN, ref.cosine, true),
      checkNumber(`${label} MLS`, point.mls ?? NaN, ref.mls, false),
      checkNumber(`${label} σ²(A)`, point.uncertaintyA ?? NaN, ref.uncertaintyA, false),
      checkNumber(`${label} σ²(B)`, point.uncertaintyB ?? NaN, ref.uncertaintyB, false),
    ];
    if (ok.includes(false)) failures.push(`sweep ${label}`);
  }
  const finite = points.filter((p) => p.failure === undefined).length;
  // The σ² plot has a line for A and one for B.
  for (const [id, lines] of [['plot-cosine', 1], ['plot-mls', 1], ['plot-sigma', 2]] as const) {
    const markers = await page.$$eval(`#${id} svg circle.marker`, (cs) => cs.length);
    const ok = markers === finite * lines;
    process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} #${id}: ${markers} points drawn, ${finite * lines} expected\n`);
    if (!ok) failures.push(`sweep plot #${id}`);
  }
  return failures;
}

/** Fills the gallery with the sample photos and checks the fused numbers for two rules. */
async function checkGallery(page: Page, reference: Readonly<Record<FusionRule, GalleryNumbers>>): Promise<string[]> {
  const failures: string[] = [];
  await page.setInputFiles('#file-gallery', GALLERY_SAMPLE.map(fixture));
  await page.waitForSelector('#gallery[data-state="fused"], #gallery[data-state="error"]', { timeout: 120_000 });
  for (const rule of ['min', 'product'] as const) {
    await page.selectOption('#fusion-rule', rule);
    const value = async (id: string): Promise<number> => Number(await page.getAttribute(`#${id}`, 'data-value'));
    const ref = reference[rule];
    process.stdout.write(`gallery of ${GALLERY_SAMPLE.length} photos, ${rule} rule, against B\n`);
    const ok = [
      (await value('gallery-count')) === ref.count,
      checkNumber('fused σ²', await value('gallery-conf'), ref.uncertainty, false),
      checkNumber('cosine', await value('gallery-cosine'), ref.cosine, true),
      checkNumber('MLS', await value('gallery-mls'), ref.mls, false),
    ];
    if (ok.includes(false)) failures.push(`gallery (${rule})`);
  }
  return failures;
}

/** The page's DataTransfer, as far as dropFile uses it (this file is type-checked without the DOM library). */
declare const DataTransfer: new () => { readonly items: { add(file: Blob): unknown } };

/** Drops `file` on the zone `selector` as a drag from the desktop would (a DataTransfer with one File). */
async function dropFile(page: Page, selector: string, file: string, name: string): Promise<void> {
  const base64 = (await readFile(file)).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ base64, name }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'image/jpeg' }));
      return dt;
    },
    { base64, name },
  );
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

async function main(): Promise<number> {
  const dist = await buildWeb();
  const [fileA, fileB] = DEFAULT_PAIR.map(fixture) as [string, string];
  const reference = await nodeReference();
  // The page as users get it: from `pfe serve` (its CSP and headers included), with a throw-away gallery folder.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pfe-e2e-data-'));
  const service = await startServeProcess(['--workers', '1', '--data', dataDir, '--web-dir', dist]);
  const site = { origin: `${service.url}/`, page: `${service.url}${DEMO_PREFIX}` };
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'pfe-chromium-'));
  // A fresh profile folder per run (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(userDataDir, { executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1100, height: 900 } });
  const foreign: string[] = [];
  const failures: string[] = [];
  // Errors the page logs (a CSP refusal shows up here too); the offline probe's is expected.
  const consoleErrors: string[] = [];
  const out = path.join(REPO_ROOT, 'out');
  await mkdir(out, { recursive: true });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => {
      process.stdout.write(`[page ${m.type()}] ${m.text()}\n`);
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(site.origin)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    const response = await page.goto(site.page);
    const csp = (await response?.allHeaders())?.['content-security-policy'];
    if (csp !== DEMO_CSP) failures.push(`the page came without the demo CSP (got ${String(csp)})`);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 120_000 });
    if ((await page.getAttribute('body', 'data-state')) !== 'ready') return fail([`the page did not load: ${await page.textContent('#status')}`]);
    // wasm, not the cpu fallback: a CSP without 'wasm-unsafe-eval' would silently fall back.
    const ready = (await page.textContent('#status')) ?? '';
    if (!ready.includes('backend wasm')) failures.push(`the page is not on the wasm backend: "${ready}"`);
    // Cut the network once the page has loaded: everything after must run offline.
    await browser.setOffline(true);
    const offlineFetch = await page.evaluate(() => fetch('samples/Abdullah_Gul_0001.jpg').then(() => 'fetched', () => 'refused'));
    if (offlineFetch !== 'refused') failures.push('the network was not cut off (a fetch still succeeded)');
    const t0 = Date.now();
    await page.setInputFiles('#file-a', fileA);
    await settled(page, ['embedded', 'error']);
    await page.setInputFiles('#file-b', fileB);
    const cleanError = await waitForComparison(page);
    process.stdout.write(`page: ${await page.textContent('#status')} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    if (cleanError !== '') return fail([cleanError]);
    const clean = await shownComparison(page);
    failures.push(...compareToNode('clean pair', clean, reference.clean));
    const calibration = await loadCalibrationFile(path.join(REPO_ROOT, 'models', HEAD_CALIBRATION_FILE_NAME));
    const policies = { mls: new DecisionPolicy(calibration, TARGET_FAR, true), cosine: new DecisionPolicy(calibration, TARGET_FAR, false) };
    failures.push(...(await checkVerdicts(page, policies, clean, 'clean pair')));
    // The gallery against clean B.
    failures.push(...(await checkGallery(page, reference.gallery)));
    await page.screenshot({ path: path.join(out, 'browser-e2e.png'), fullPage: true });

    const blurError = await moveSlider(page, SLIDER_CHECK_POSITION);
    if (blurError !== '') return fail([blurError]);
    const blurred = await shownComparison(page);
    const blurReference = reference.blurSweep[SLIDER_CHECK_POSITION];
    if (blurReference === undefined) return fail([`node could not embed B at slider position ${SLIDER_CHECK_POSITION}`]);
    failures.push(...compareToNode(`B blurred (σ ${BLUR_SIGMAS_PX[SLIDER_CHECK_POSITION]} px)`, blurred, blurReference));
    failures.push(...(await checkVerdicts(page, policies, blurred, 'blurred pair')));
    // Harmonic-mean σ² is the uncertainty: higher σ² = less confident.
    const moreUncertain = blurred.uncertaintyB > clean.uncertaintyB;
    process.stdout.write(`  ${moreUncertain ? 'ok  ' : 'FAIL'} blurring B raised its σ² from ${clean.uncertaintyB.toExponential(3)} to ${blurred.uncertaintyB.toExponential(3)} (cosine ${clean.cosine.toFixed(4)} → ${blurred.cosine.toFixed(4)}, MLS ${clean.mls.toFixed(1)} → ${blurred.mls.toFixed(1)})\n`);
    if (!moreUncertain) failures.push('the slider did not raise the uncertainty of B');
    failures.push(...(await checkSweep(page, 'sweep of the blur slider, B only', reference.blurSweep)));
    await page.screenshot({ path: path.join(out, 'browser-e2e-sweep.png'), fullPage: true });

    // Down-scale at the same slider position.
    await markPending(page);
    await page.check('input[name="degrade-kind"][value="scale"]');
    const scaleError = await waitForComparison(page);
    if (scaleError !== '') failures.push(`down-scale: ${scaleError}`);
    else failures.push(...compareToNode(`B down-scaled (position ${SLIDER_CHECK_POSITION})`, await shownComparison(page), reference.scaled));

    // Drag and drop: image A again, under another name, dropped on A's zone.
    await markPending(page);
    await dropFile(page, '#drop-a', fileA, 'dropped-a.jpg');
    const dropError = await waitForComparison(page);
    const dropLabel = await page.textContent('#label-a');
    if (dropError !== '' || dropLabel !== 'dropped-a.jpg') failures.push(`drop on A: ${dropError || `label "${dropLabel}"`}`);
    else failures.push(...compareToNode('A dropped on the page (B down-scaled)', await shownComparison(page), reference.scaled));

    process.stdout.write('unusual and bad inputs\n');
    for (const c of await inputCases(fileA, fileB)) {
      const failure = await checkInputCase(page, c);
      if (failure !== '') failures.push(failure);
    }
    await page.screenshot({ path: path.join(out, 'browser-e2e-bad-input.png'), fullPage: true });
    // The sample button fetches the fixtures from the page's origin: back online for it.
    await browser.setOffline(false);
    await markPending(page);
    await page.click('#sample-pair');
    await page.waitForSelector('#label-b:text("Abdullah_Gul_0002.jpg")', { timeout: 120_000 });
    const samplesError = await waitForComparison(page);
    if (samplesError !== '') failures.push(`sample pair: ${samplesError}`);
    // The slider still down-scales B, so the samples must give the down-scaled pair's numbers.
    else failures.push(...compareToNode('sample pair button (B down-scaled)', await shownComparison(page), reference.scaled));

    // The dilemma preset: two different people, both blurred; then the whole slider swept with both degraded.
    await markPending(page);
    await page.click('#dilemma');
    await page.waitForSelector(`#label-b:text("${path.basename(DILEMMA_PAIR[1])}")`, { timeout: 120_000 });
    const dilemmaError = await waitForComparison(page);
    const dilemmaPosition = BLUR_SIGMAS_PX.indexOf(DILEMMA_BLUR_SIGMA_PX);
    const dilemmaReference = reference.dilemmaSweep[dilemmaPosition];
    if (dilemmaError !== '' || dilemmaReference === undefined) failures.push(`dilemma preset: ${dilemmaError || 'node could not embed the pair'}`);
    else {
      const shown = await shownComparison(page);
      failures.push(...compareToNode(`dilemma preset (both blurred σ ${DILEMMA_BLUR_SIGMA_PX} px)`, shown, dilemmaReference));
      failures.push(...(await checkVerdicts(page, policies, shown, 'dilemma preset')));
    }
    failures.push(...(await checkSweep(page, 'sweep of the blur slider, both photos of the dilemma pair', reference.dilemmaSweep)));
    await page.screenshot({ path: path.join(out, 'browser-e2e-dilemma.png'), fullPage: true });
    // The library bundle, as another page would use it: the same FacePfe API and numbers as Node's.
    const library = (await page.evaluate(`(async () => {
      const m = await import('./${LIBRARY_BUNDLE_NAME}.js');
      const pfe = await m.loadBrowserFacePfe();
      const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
      const a = await pfe.embed(await bytes('${sampleUrl(DEFAULT_PAIR[0])}'), 'a');
      const b = await pfe.embed(await bytes('${sampleUrl(DEFAULT_PAIR[1])}'), 'b');
      const c = pfe.compare(a, b);
      return { ...c, match: pfe.decide(c).match };
    })()`)) as Comparison & { match: boolean };
    failures.push(...compareToNode(`library bundle (${LIBRARY_BUNDLE_NAME}.js) on the sample pair`, library, reference.clean));
    if (library.match !== true) failures.push('library bundle: the sample pair was not called the same person');
    // The page scores with the wasm SIMD kernels (the same kernels.wat as Node), agreeing with the JS fallback.
    const kernels = (await page.evaluate(`(async () => {
      const m = await import('./${LIBRARY_BUNDLE_NAME}.js');
      const d = 131, n = 40;
      const mu = Float32Array.from({ length: n * d }, (_, i) => Math.sin(i * 0.7));
      const s = Float32Array.from({ length: n * d }, (_, i) => 0.01 + 0.05 * (1 + Math.cos(i * 1.3)));
      const g = m.gaussianBatch(mu, s, d);
      const wasm = m.mlsMatrix(g, g);
      const js = m.withKernelBackend('js', () => m.mlsMatrix(g, g));
      let worst = 0;
      for (let k = 0; k < js.length; k++) worst = Math.max(worst, Math.abs(wasm[k] - js[k]) / Math.max(1, Math.abs(js[k])));
      return { backend: m.kernelBackend(), worst };
    })()`)) as { backend: string; worst: number };
    if (kernels.backend !== 'wasm') failures.push(`page kernels: backend '${kernels.backend}', expected wasm`);
    if (!(kernels.worst <= 1e-5)) failures.push(`page kernels: wasm and JS MLS differ by ${kernels.worst} (relative)`);
    process.stdout.write('screenshots: out/browser-e2e.png, out/browser-e2e-sweep.png, out/browser-e2e-bad-input.png, out/browser-e2e-dilemma.png\n');
  } finally {
    await browser.close();
    await service.stop();
    await rm(userDataDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
  if (foreign.length > 0) failures.push(`requests to other hosts: ${foreign.join(', ')}`);
  const unexpected = consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e));
  if (unexpected.length > 0 || consoleErrors.length > 1) failures.push(`the page logged errors: ${consoleErrors.join(' | ')}`);
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
