/**
 * The demo page's script (web/index.html): two images in, detections, aligned crops, each
 * one's uncertainty, cosine and MLS with their calibrated verdicts out; a slider that
 * degrades B, or both photos (blur or down-scale), with a trace of how the scores move; a gallery that
 * fuses several photos of one person. Every number shown is also written at full
 * precision into a data-value attribute so the end-to-end test reads what was computed.
 */
import { BLUR_SIGMAS_PX, isSliderKind, SLIDER_STEPS, type SliderKind, sliderLabel, sliderSteps } from '../demo/degradation-slider.js';
import { DEFAULT_PAIR, DILEMMA_BLUR_SIGMA_PX, DILEMMA_PAIR, GALLERY_SAMPLE, SAMPLE_IMAGES, sampleName, sampleUrl } from '../demo/sample-images.js';
import type { TraceScores } from '../demo/score-trace.js';
import type { DegradeStep } from '../face/degrade/steps.js';
import { describeFailure, faceCountNote } from '../face/pipeline/failure-messages.js';
import { type Decision, describeDecision } from '../verify/decision.js';
import type { FacePfe, PfeFace } from '../face-pfe/face-pfe.js';
import { loadBrowserFacePfe } from './browser-pfe.js';
import { clearCanvas, clearShown, drawDetection, drawRgb, el, show } from './dom.js';
import { attachDropZone, type ChosenFile } from './drop-zone.js';
import { fetchBytes } from './fetch-bytes.js';
import { GalleryPanel } from './gallery-panel.js';
import { SerialQueue } from './serial-queue.js';
import { TracePanel } from './trace-panel.js';

type Slot = 'a' | 'b';

/** The photo chosen for each slot, undegraded: the slider re-degrades it. */
const sources: Partial<Record<Slot, ChosenFile>> = {};
const faces: Partial<Record<Slot, PfeFace>> = {};
const queue = new SerialQueue();
const trace = new TracePanel(sliderKind());
const gallery = new GalleryPanel();
let models: Promise<FacePfe> | undefined;

/** The models, loaded once; the page loads them at start so it works offline afterwards. */
function loadModels(): Promise<FacePfe> {
  models ??= loadBrowserFacePfe();
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

/** True when the slider degrades A as well as B (the blurry-image dilemma: two poor photos). */
function degradeBoth(): boolean {
  return el<HTMLInputElement>('degrade-both').checked;
}

/** The slots the slider degrades. */
function degradedSlots(): Slot[] {
  return degradeBoth() ? ['a', 'b'] : ['b'];
}

/** The degradation steps of a slot at the slider's current setting. */
function stepsOf(slot: Slot, position = sliderPosition()): DegradeStep[] {
  return degradedSlots().includes(slot) ? sliderSteps(sliderKind(), position) : [];
}


function showVerdict(id: string, d: Decision): void {
  const v = el(id);
  v.textContent = describeDecision(d);
  v.dataset['match'] = String(d.match);
  v.dataset['far'] = String(d.estimatedFar);
}

/** Scores A against B and shows everything that depends on the pair. */
function showComparison(model: FacePfe, a: PfeFace, b: PfeFace): void {
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

/**
 * Embeds the slot's photo (degraded as the slider says) and shows it; on failure clears
 * the slot and every pair score and says why. Returns whether it worked.
 */
async function embedSlot(model: FacePfe, slot: Slot): Promise<boolean> {
  const source = sources[slot];
  if (source === undefined) return true;
  const steps = stepsOf(slot);
  status(`embedding ${source.name}${steps.length > 0 ? ` (${sliderLabel(sliderKind(), sliderPosition())})` : ''}…`, 'busy');
  el(`label-${slot}`).textContent = source.name;
  el(`note-${slot}`).textContent = '';
  delete faces[slot];
  try {
    const face = await model.embed(source.bytes, source.name, steps);
    faces[slot] = face;
    el(`note-${slot}`).textContent = faceCountNote(face.embedded.faceCount);
    drawDetection(el<HTMLCanvasElement>(`photo-${slot}`), face.image, face.landmarks, face.embedded.box);
    drawRgb(el<HTMLCanvasElement>(`crop-${slot}`), face.aligned);
    show(`conf-${slot}`, face.uncertainty, face.uncertainty.toExponential(3));
    if (slot === 'b') gallery.setProbe(face);
    return true;
  } catch (e) {
    // Nothing stale stays on screen: this slot's views and every pair score are cleared.
    clearCanvas(el<HTMLCanvasElement>(`photo-${slot}`));
    clearCanvas(el<HTMLCanvasElement>(`crop-${slot}`));
    clearShown(`conf-${slot}`, 'cosine', 'raw-cosine', 'mls', 'verdict', 'verdict-cosine');
    if (slot === 'b') gallery.setProbe(undefined);
    const message = describeFailure(e, source.name);
    // A degraded photo that lost its face is a point of the trace too (a gap in its lines).
    const other = sources[slot === 'a' ? 'b' : 'a'];
    if (steps.length > 0 && other !== undefined) trace.recordFailure(model, sliderPosition(), message);
    el(`note-${slot}`).textContent = message;
    status(message, 'error');
    return false;
  }
}

/** Embeds the slots in order, then compares A with B once both are there. */
async function refresh(slots: readonly Slot[]): Promise<void> {
  let model: FacePfe;
  try {
    model = await loadModels();
  } catch (e) {
    status(`the models did not load: ${e instanceof Error ? e.message : String(e)}`, 'error');
    return;
  }
  for (const slot of slots) if (!(await embedSlot(model, slot))) return;
  const { a, b } = faces;
  if (a !== undefined && b !== undefined) showComparison(model, a, b);
  else status(`embedded ${slots.map((s) => sources[s]?.name).join(', ')}; choose the other image`, 'embedded');
}

/** A new photo for a slot: the trace starts over, since it belongs to one pair. */
function choose(slot: Slot, file: ChosenFile): Promise<void> {
  sources[slot] = file;
  trace.reset(sliderKind());
  return queue.run(() => refresh([slot]));
}

async function fetchSample(fixture: string): Promise<ChosenFile> {
  return { bytes: await fetchBytes(sampleUrl(fixture), 'sample'), name: sampleName(fixture) };
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
    void queue.run(() => refresh(degradedSlots()));
  });
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="degrade-kind"]')) {
    radio.addEventListener('change', () => {
      label();
      trace.reset(sliderKind());
      void queue.run(() => refresh(degradedSlots()));
    });
  }
  el('degrade-both').addEventListener('change', () => {
    // A's degradation switched on or off: a new trace, and A embedded again.
    trace.reset(sliderKind());
    void queue.run(() => refresh(['a']));
  });
  el<HTMLButtonElement>('sweep').addEventListener('click', () => {
    void queue.run(async () => {
      const { a, b } = sources;
      if (a === undefined || b === undefined) return;
      const model = await loadModels();
      // A photo the slider leaves alone is the same at every position: reuse its embedding.
      const fixedA = degradedSlots().includes('a') ? undefined : faces.a;
      await trace.sweep(model, async (position): Promise<TraceScores> => {
        const faceA = fixedA ?? (await model.embed(a.bytes, a.name, stepsOf('a', position)));
        const faceB = await model.embed(b.bytes, b.name, stepsOf('b', position));
        return model.compare(faceA, faceB);
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

/** Sets the degradation controls as a preset wants them. */
function setDegradation(kind: SliderKind, position: number, both: boolean): void {
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="degrade-kind"]')) radio.checked = radio.value === kind;
  el<HTMLInputElement>('degrade-b').value = String(position);
  el<HTMLInputElement>('degrade-both').checked = both;
  el('degrade-b-value').textContent = sliderLabel(kind, position);
}

/** Loads a preset pair into A and B and compares them under the current degradation. */
function loadPair(pair: readonly [string, string]): void {
  void Promise.all(pair.map(fetchSample)).then(
    ([a, b]) => {
      sources.a = a!;
      sources.b = b!;
      trace.reset(sliderKind());
      return queue.run(() => refresh(['a', 'b']));
    },
    (e: unknown) => status(e instanceof Error ? e.message : String(e), 'error'),
  );
}

wireSlot('a');
wireSlot('b');
el('sample-pair').addEventListener('click', () => loadPair(DEFAULT_PAIR));
el('dilemma').addEventListener('click', () => {
  setDegradation('blur', BLUR_SIGMAS_PX.indexOf(DILEMMA_BLUR_SIGMA_PX), true);
  loadPair(DILEMMA_PAIR);
});
wireSlider();
wireGallery();
status('loading the models…', 'loading');
loadModels().then(
  (model) => status(`ready (backend ${model.backend()?.backend ?? '?'}): choose two images`, 'ready'),
  (e: unknown) => status(`the models did not load: ${e instanceof Error ? e.message : String(e)}`, 'error'),
);
