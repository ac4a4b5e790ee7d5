/**
 * The gallery section of the demo page: photos of one person, each embedded with its σ²,
 * fused into one template (src/face-pfe/gallery-fusion.ts) whose uncertainty is shown beside
 * each photo's; when image B is there, each photo and the template are scored against it.
 */
import { type FusionRule, isFusionRule } from '../core/fusion.js';
import { fuseGallery, scorePair } from '../face-pfe/gallery-fusion.js';
import { describeFailure } from '../face/pipeline/failure-messages.js';
import type { FacePfe, PfeFace } from '../face-pfe/face-pfe.js';
import { clearShown, drawRgb, el, show } from './dom.js';
import type { ChosenFile } from './drop-zone.js';

/** One photo of the gallery: embedded, or the reason it could not be. */
interface GalleryEntry {
  readonly label: string;
  readonly face?: PfeFace;
  readonly failure?: string;
}

/** The ids of the fused values on the page. */
const FUSED_IDS = ['gallery-count', 'gallery-conf', 'gallery-cosine', 'gallery-mls'] as const;

/** The gallery's photos and what the page shows of them. */
export class GalleryPanel {
  private entries: GalleryEntry[] = [];
  private probe: PfeFace | undefined;

  /** Embeds `files` one by one and adds them (a photo without a usable face is listed with its reason, not fused). */
  async add(model: FacePfe, files: readonly ChosenFile[]): Promise<void> {
    const section = el('gallery');
    section.dataset['state'] = 'busy';
    for (const [i, f] of files.entries()) {
      el('gallery-note').textContent = `embedding ${f.name} (${i + 1} of ${files.length})…`;
      try {
        this.entries.push({ label: f.name, face: await model.embed(f.bytes, f.name) });
      } catch (e) {
        this.entries.push({ label: f.name, failure: describeFailure(e, f.name) });
      }
    }
    this.render();
  }

  /** Removes every photo. */
  clear(): void {
    this.entries = [];
    this.render();
  }

  /** Scores the photos and the template against `probe` (image B), or stops scoring without one. */
  setProbe(probe: PfeFace | undefined): void {
    this.probe = probe;
    this.render();
  }

  /** Re-fuses with the rule now selected. */
  refresh(): void {
    this.render();
  }

  private rule(): FusionRule {
    const value = el<HTMLSelectElement>('fusion-rule').value;
    return isFusionRule(value) ? value : 'min';
  }

  private render(): void {
    const list = el('gallery-list');
    list.replaceChildren(...this.entries.map((entry, i) => this.entryView(entry, i)));
    const faces = this.entries.flatMap((e) => (e.face === undefined ? [] : [e.face]));
    const failed = this.entries.length - faces.length;
    clearShown(...FUSED_IDS);
    const section = el('gallery');
    if (faces.length === 0) {
      section.dataset['state'] = this.entries.length === 0 ? 'empty' : 'error';
      el('gallery-note').textContent = failed > 0 ? 'None of the photos has a usable face.' : '';
      return;
    }
    const fused = fuseGallery(
      faces.map((f) => f.gaussian),
      this.rule(),
    );
    show('gallery-count', fused.count, String(fused.count));
    show('gallery-conf', fused.uncertainty, fused.uncertainty.toExponential(3));
    if (this.probe !== undefined) {
      const s = scorePair(fused.template, this.probe.gaussian);
      show('gallery-cosine', s.cosine, s.cosine.toFixed(4));
      show('gallery-mls', s.mls, s.mls.toFixed(1));
    }
    const best = Math.min(...faces.map((f) => f.uncertainty));
    el('gallery-note').textContent =
      `${failed > 0 ? `${failed} photo(s) without a usable face are left out. ` : ''}` +
      `Fused uncertainty ${fused.uncertainty.toExponential(3)} against ${best.toExponential(3)} for the most certain single photo` +
      `${this.probe === undefined ? '; choose image B to score it against the template.' : '.'}`;
    section.dataset['state'] = 'fused';
  }

  private entryView(entry: GalleryEntry, index: number): HTMLElement {
    const box = document.createElement('div');
    box.className = 'gallery-entry';
    box.dataset['label'] = entry.label;
    const title = document.createElement('div');
    title.textContent = entry.label;
    box.append(title);
    if (entry.face === undefined) {
      const note = document.createElement('div');
      note.className = 'note';
      note.textContent = entry.failure ?? '';
      box.append(note);
    } else {
      const canvas = document.createElement('canvas');
      canvas.className = 'crop';
      drawRgb(canvas, entry.face.aligned);
      const facts = document.createElement('div');
      box.dataset['uncertainty'] = String(entry.face.uncertainty);
      let text = `σ² ${entry.face.uncertainty.toExponential(3)}`;
      if (this.probe !== undefined) {
        const s = scorePair(entry.face.gaussian, this.probe.gaussian);
        box.dataset['mls'] = String(s.mls);
        text += ` · vs B: cos ${s.cosine.toFixed(3)}, MLS ${s.mls.toFixed(1)}`;
      }
      facts.textContent = text;
      box.append(canvas, facts);
    }
    const remove = document.createElement('button');
    remove.textContent = 'remove';
    remove.addEventListener('click', () => {
      this.entries.splice(index, 1);
      this.render();
    });
    box.append(remove);
    return box;
  }
}
