/**
 * The demo page's script (web/index.html): two images in, aligned crops, each one's
 * confidence, cosine (raw and centred) and MLS out. Every number is also written at full
 * precision into a data-value attribute so the end-to-end test reads what was computed.
 */
import { isPfeError } from '../core/errors.js';
import { faceCountNote, failureMessage } from '../face/pipeline/failure-messages.js';
import type { RgbImage } from '../face/types.js';
import { type BrowserFace, BrowserPfe } from './browser-pfe.js';

type Slot = 'a' | 'b';

const faces: Partial<Record<Slot, BrowserFace>> = {};
/** The encoded bytes and name of each slot's image, kept so the slider can re-embed B. */
const sources: Partial<Record<Slot, { readonly bytes: Uint8Array; readonly label: string }>> = {};
let pfe: Promise<BrowserPfe> | undefined;

/** The models, loaded once; the page loads them at start so it works offline afterwards. */
function loadModels(): Promise<BrowserPfe> {
  pfe ??= BrowserPfe.load();
  return pfe;
}

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e as T;
}

function show(id: string, value: number, text: string): void {
  const e = el(id);
  e.textContent = text;
  e.dataset['value'] = String(value);
}

function status(text: string, state: string): void {
  el('status').textContent = text;
  document.body.dataset['state'] = state;
}

function drawRgb(canvas: HTMLCanvasElement, img: RgbImage): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const rgba = new ImageData(img.width, img.height);
  for (let p = 0, q = 0; q < img.data.length; p += 4, q += 3) {
    rgba.data[p] = img.data[q]!;
    rgba.data[p + 1] = img.data[q + 1]!;
    rgba.data[p + 2] = img.data[q + 2]!;
    rgba.data[p + 3] = 255;
  }
  ctx.putImageData(rgba, 0, 0);
}

/** Gaussian blur σ (pixels of the original image) the slider applies to image B. */
function blurOf(slot: Slot): number {
  return slot === 'b' ? Number(el<HTMLInputElement>('blur-b').value) : 0;
}

async function setImage(slot: Slot, bytes: Uint8Array, label: string): Promise<void> {
  const sigma = blurOf(slot);
  status(`embedding ${label}${sigma > 0 ? ` blurred (σ ${sigma} px)` : ''}…`, 'busy');
  sources[slot] = { bytes, label };
  delete faces[slot];
  el(`label-${slot}`).textContent = label;
  el(`note-${slot}`).textContent = '';
  try {
    const model = await loadModels();
    const face = await model.embed(bytes, label, sigma > 0 ? [{ kind: 'blur', sigma }] : []);
    faces[slot] = face;
    el(`note-${slot}`).textContent = faceCountNote(face.embedded.faceCount);
    drawRgb(el<HTMLCanvasElement>(`crop-${slot}`), face.aligned);
    show(`conf-${slot}`, face.confidence, face.confidence.toExponential(3));
    const { a, b } = faces;
    if (a !== undefined && b !== undefined) {
      const c = model.compare(a, b);
      show('cosine', c.cosine, c.cosine.toFixed(4));
      show('raw-cosine', c.rawCosine, c.rawCosine.toFixed(4));
      show('mls', c.mls, c.mls.toFixed(1));
      const d = model.decide(c);
      const verdict = el('verdict');
      verdict.textContent = `${d.match ? 'same person' : 'different people'} (estimated FAR ${d.farBeyondData ? `< ${d.farResolution.toExponential(1)}` : d.estimatedFar.toExponential(2)}; accepted when ≤ ${d.targetFar}, on MLS)`;
      verdict.dataset['match'] = String(d.match);
      verdict.dataset['far'] = String(d.estimatedFar);
      status(`compared (backend ${model.backend()?.backend ?? '?'})`, 'compared');
    } else {
      status(`embedded ${label}; choose the other image`, 'embedded');
    }
  } catch (e) {
    // Nothing stale stays on screen: this slot's crop and every score are cleared.
    drawRgb(el<HTMLCanvasElement>(`crop-${slot}`), { width: 112, height: 112, data: new Uint8Array(112 * 112 * 3).fill(238) });
    for (const id of [`conf-${slot}`, 'cosine', 'raw-cosine', 'mls', 'verdict']) {
      el(id).textContent = '–';
      for (const key of ['value', 'match', 'far']) delete el(id).dataset[key];
    }
    const reason = isPfeError(e) && typeof e.details['reason'] === 'string' ? e.details['reason'] : e instanceof Error ? e.message : String(e);
    const message = isPfeError(e) ? failureMessage(e.code, label, reason) : reason;
    el(`note-${slot}`).textContent = message;
    status(message, 'error');
  }
}

for (const slot of ['a', 'b'] as const) {
  el<HTMLInputElement>(`file-${slot}`).addEventListener('change', (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (file !== undefined) void file.arrayBuffer().then((buf) => setImage(slot, new Uint8Array(buf), file.name));
  });
}
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-sample]')) {
  button.addEventListener('click', () => {
    const url = button.dataset['sample'] ?? '';
    const slot = button.dataset['slot'] === 'b' ? 'b' : 'a';
    void fetch(url)
      .then((r) => r.arrayBuffer())
      .then((buf) => setImage(slot, new Uint8Array(buf), url.split('/').pop() ?? url));
  });
}
el<HTMLInputElement>('blur-b').addEventListener('input', (ev) => {
  el('blur-b-value').textContent = (ev.target as HTMLInputElement).value;
});
el<HTMLInputElement>('blur-b').addEventListener('change', () => {
  const b = sources.b;
  if (b !== undefined) void setImage('b', b.bytes, b.label);
});
status('loading the models…', 'loading');
loadModels().then(
  (model) => status(`ready (backend ${model.backend()?.backend ?? '?'}): choose two images`, 'ready'),
  (e: unknown) => status(`the models did not load: ${e instanceof Error ? e.message : String(e)}`, 'error'),
);
