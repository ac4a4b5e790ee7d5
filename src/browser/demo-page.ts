/**
 * The demo page's script (web/index.html): two images in, detections, aligned crops, each
 * one's uncertainty, cosine and MLS with their calibrated verdicts out; a slider that
 * degrades B (blur or down-scale) with a trace of how the scores move; a gallery that
 * fuses several photos of one person. Every number shown is also written at full
 * precision into a data-value attribute so the end-to-end test reads what was computed.
 */
import { isPfeError } from '../core/errors.js';
import { isSliderKind, SLIDER_STEPS, type SliderKind, sliderLabel, sliderSteps } from '../demo/degradation-slider.js';
import { DEFAULT_PAIR, GALLERY_SAMPLE, SAMPLE_IMAGES, sampleName, sampleUrl } from '../demo/sample-images.js';
import type { TraceScores } from '../demo/score-trace.js';
import { faceCountNote, failureMessage } from '../face/pipeline/failure-messages.js';
import type { Comparison as Decision } from '../service/decision.js';
import { type BrowserFace, BrowserPfe } from './browser-pfe.js';
import { clearCanvas, clearShown, drawDetection, drawRgb, el, show } from './dom.js';
import { attachDropZone, type ChosenFile } from './drop-zone.js';
import { GalleryPanel } from './gallery-panel.js';
import { SerialQueue } from './serial-queue.js';
import { TracePanel } from './trace-panel.js';

type Slot = 'a' | 'b';

/** The photo chosen for each slot (B's is kept undegraded: the slider re-degrades it). */
const sources: Partial<Record<Slot, ChosenFile>> = {};
const faces: Partial<Record<Slot, BrowserFace>> = {};
const queue = new SerialQueue();
const trace = new TracePanel(sliderKind());
const gallery = new GalleryPanel();
let models: Promise<BrowserPfe> | undefined;

/** The models, loaded once; the page loads them at start so it works offline afterwards. */
function loadModels(): Promise<BrowserPfe> {
  models ??= BrowserPfe.load();
  return models;
}

function status(text: string, state: string): void {
  el('status').textContent = text;
  document.body.dataset['state'] = state;
}

function sliderKind(): SliderKind {
  const checked = document.querySelector<HTMLInputElement>('input[name="degrade-kind"]:checked');
  return checked !== null && isSliderKind(checked.value) ? checked.value : 'blur';
}

function sliderPosition(): number {
  return Number(el<HTMLInputElement>('degrade-b').value);
}

/** The message for a failed embedding: plain words for a person, the library's reason kept. */
function describeFailure(e: unknown, label: string): string {
  const reason = isPfeError(e) && typeof e.details['reason'] === 'string' ? e.details['reason'] : e instanceof Error ? e.message : String(e);
  return isPfeError(e) ? failureMessage(e.code, label, reason) : reason;
}

function verdictText(d: Decision): string {
  const far = d.farBeyondData ? `< ${d.farResolution.toExponential(1)}` : d.estimatedFar.toExponential(2);
  return `${d.match ? 'same person' : 'different people'} (estimated FAR ${far}; accepted when ≤ ${d.targetFar})`;
}

function showVerdict(id: string, d: Decision): void {
  const v = el(id);
  v.textContent = verdictText(d);
  v.dataset['match'] = String(d.match);
  v.dataset['far'] = String(d.estimatedFar);
}

/** Scores A against B and shows everything that depends on the pair. */
function showComparison(model: BrowserPfe, a: BrowserFace, b: BrowserFace): void {
  const c = model.compare(a, b);
  show('cosine', c.cosine, c.cosine.toFixed(4));
  show('raw-cosine', c.rawCosine, c.rawCosine.toFixed(4));
  show('mls', c.mls, c.mls.toFixed(1));
  showVerdict('verdict', model.decide(c));
  showVerdict('verdict-cosine', model.decideOnCosine(c));
  trace.record(model, sliderPosition(), c);
  el<HTMLButtonElement>('sweep').disabled = false;
  status(`compared (backend ${model.backend()?.backend ?? '?'})`, 'compared');
}

/** Embeds the slot's photo (B degraded as the slider says) and updates the page. */
async function embedSlot(slot: Slot): Promise<void> {
  const source = sources[slot];
  if (source === undefined) return;
  const steps = slot === 'b' ? sliderSteps(sliderKind(), sliderPosition()) : [];
  status(`embedding ${source.name}${steps.length > 0 ? ` (${sliderLabel(sliderKind(), sliderPosition())})` : ''}…`, 'busy');
  el(`label-${slot}`).textContent = source.name;
  el(`note-${slot}`).textContent = '';
  delete faces[slot];
  try {
    const model = await loadModels();
    const face = await model.embed(source.bytes, source.name, steps);
    faces[slot] = face;
    el(`note-${slot}`).textContent = faceCountNote(face.embedded.faceCount);
    drawDetection(el<HTMLCanvasElement>(`photo-${slot}`), face.image, face.landmarks, face.embedded.box);
    drawRgb(el<HTMLCanvasElement>(`crop-${slot}`), face.aligned);
    show(`conf-${slot}`, face.confidence, face.confidence.toExponential(3));
    if (slot === 'b') gallery.setProbe(face);
    const { a, b } = faces;
    if (a !== undefined && b !== undefined) showComparison(model, a, b);
    else status(`embedded ${source.name}; choose the other image`, 'embedded');
  } catch (e) {
    // Nothing stale stays on screen: this slot's views and every pair score are cleared.
    clearCanvas(el<HTMLCanvasElement>(`photo-${slot}`));
    clearCanvas(el<HTMLCanvasElement>(`crop-${slot}`));
    clearShown(`conf-${slot}`, 'cosine', 'raw-cosine', 'mls', 'verdict', 'verdict-cosine');
    if (slot === 'b') gallery.setProbe(undefined);
    const message = describeFailure(e, source.name);
    if (slot === 'b' && faces.a !== undefined) trace.recordFailure(await loadModels(), sliderPosition(), message);
    el(`note-${slot}`).textContent = message;
    status(message, 'error');
  }
}

/** A new photo for a slot: the trace starts over, since it belongs to one pair. */
function choose(slot: Slot, file: ChosenFile): Promise<void> {
  sources[slot] = file;
  trace.reset(sliderKind());
  return queue.run(() => embedSlot(slot));
}

async function fetchSample(fixture: string): Promise<ChosenFile> {
  const res = await fetch(sampleUrl(fixture));
  if (!res.ok) throw new Error(`cannot load the sample ${sampleName(fixture)}: HTTP ${res.status}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), name: sampleName(fixture) };
}

function wireSlot(slot: Slot): void {
  attachDropZone(el(`drop-${slot}`), el<HTMLInputElement>(`file-${slot}`), (files) => void choose(slot, files[0]!));
  const select = el<HTMLSelectElement>(`sample-${slot}`);
  select.append(new Option('—', ''), ...SAMPLE_IMAGES.map((f) => new Option(sampleName(f), f)));
  select.addEventListener('change', () => {
    if (select.value === '') return;
    void fetchSample(select.value).then(
      (file) => choose(slot, file),
      (e: unknown) => status(e instanceof Error ? e.message : String(e), 'error'),
    );
  });
}

function wireSlider(): void {
  const slider = el<HTMLInputElement>('degrade-b');
  slider.max = String(SLIDER_STEPS - 1);
  const label = (): void => {
    el('degrade-b-value').textContent = sliderLabel(sliderKind(), sliderPosition());
  };
  slider.addEventListener('input', label);
  slider.addEventListener('change', () => {
    label();
    void queue.run(() => embedSlot('b'));
  });
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="degrade-kind"]')) {
    radio.addEventListener('change', () => {
      label();
      trace.reset(sliderKind());
      void queue.run(() => embedSlot('b'));
    });
  }
  el<HTMLButtonElement>('sweep').addEventListener('click', () => {
    void queue.run(async () => {
      const { a } = faces;
      const b = sources.b;
      if (a === undefined || b === undefined) return;
      const model = await loadModels();
      const kind = sliderKind();
      await trace.sweep(model, async (position): Promise<TraceScores & { confidenceA: number }> => {
        const face = await model.embed(b.bytes, b.name, sliderSteps(kind, position));
        return model.compare(a, face);
      });
    });
  });
}

function wireGallery(): void {
  const add = (files: ChosenFile[]): void => {
    void queue.run(async () => gallery.add(await loadModels(), files));
  };
  attachDropZone(el('drop-gallery'), el<HTMLInputElement>('file-gallery'), add);
  el('sample-gallery').addEventListener('click', () => {
    void Promise.all(GALLERY_SAMPLE.map(fetchSample)).then(add, (e: unknown) => status(e instanceof Error ? e.message : String(e), 'error'));
  });
  el('clear-gallery').addEventListener('click', () => gallery.clear());
  el('fusion-rule').addEventListener('change', () => gallery.refresh());
}

wireSlot('a');
wireSlot('b');
el('sample-pair').addEventListener('click', () => {
  // One after the other (each choose() queues its embedding), so B is compared with this A.
  void Promise.all(DEFAULT_PAIR.map(fetchSample)).then(
    async ([a, b]) => {
      await choose('a', a!);
      await choose('b', b!);
    },
    (e: unknown) => status(e instanceof Error ? e.message : String(e), 'error'),
  );
});
wireSlider();
wireGallery();
status('loading the models…', 'loading');
loadModels().then(
  (model) => status(`ready (backend ${model.backend()?.backend ?? '?'}): choose two images`, 'ready'),
  (e: unknown) => status(`the models did not load: ${e instanceof Error ? e.message : String(e)}`, 'error'),
);
