/**
 * Occluders drawn onto a face, placed from its five landmarks: sunglasses, a surgical mask
 * and a hand. Shapes live in the face's own frame — origin at the midpoint of the eyes, unit
 * length the eye distance, a along the eye line (towards the eye on the image's right), b
 * perpendicular to it (towards the mouth) — so they follow the face's size and roll. The
 * proportions were set by hand and checked by eye on LFW photos (`pfe degrade`), not
 * measured from real accessories.
 */
import { PfeError } from '../../core/errors.js';
import type { SeededRandom } from '../../core/random.js';
import type { FiveLandmarks, RgbImage } from '../types.js';
import { assertRgbImage } from '../image/rgb-image.js';

/** Largest hand size accepted (in eye distances of the palm's half-height unit). */
export const MAX_HAND_SIZE = 3;

type Rgb = readonly [number, number, number];

/** Dark lens colour, mask light blue, and a mid skin tone (sRGB). */
const SUNGLASS_COLOUR: Rgb = [18, 18, 22];
const MASK_COLOUR: Rgb = [170, 200, 225];
const HAND_COLOUR: Rgb = [205, 160, 130];

/** The face frame: origin, the two unit axes and the eye distance, from five landmarks. */
interface FaceFrame {
  readonly ox: number;
  readonly oy: number;
  readonly ux: number;
  readonly uy: number;
  readonly eye: number;
  /** b (face units) of the nose tip and of the mouth corners' midpoint. */
  readonly noseB: number;
  readonly mouthB: number;
}

function faceFrame(face: FiveLandmarks): FaceFrame {
  for (const p of face) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) throw new PfeError('INVALID_ARGUMENT', `face landmark (${p.x}, ${p.y}) is not finite`);
  }
  const [l, r, nose, ml, mr] = face;
  const eye = Math.hypot(r.x - l.x, r.y - l.y);
  if (!(eye > 1)) throw new PfeError('INVALID_ARGUMENT', `the eyes are ${eye.toFixed(2)} px apart; an occluder needs a face at least a few pixels wide`);
  const ux = (r.x - l.x) / eye;
  const uy = (r.y - l.y) / eye;
  const ox = (l.x + r.x) / 2;
  const oy = (l.y + r.y) / 2;
  // b axis = u rotated by +90° in image coordinates (y down): (−uy, ux).
  const b = (x: number, y: number): number => ((x - ox) * -uy + (y - oy) * ux) / eye;
  return { ox, oy, ux, uy, eye, noseB: b(nose.x, nose.y), mouthB: b((ml.x + mr.x) / 2, (ml.y + mr.y) / 2) };
}

/**
 * Blends `colour` with weight `opacity` into every pixel whose centre lies inside the shape
 * (a predicate on face coordinates a, b). Returns a new image.
 */
function paint(img: RgbImage, frame: FaceFrame, inside: (a: number, b: number) => boolean, colour: Rgb, opacity: number): RgbImage {
  const { width: w, height: h } = img;
  const out = img.data.slice();
  const { ox, oy, ux, uy, eye } = frame;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const px = x + 0.5 - ox;
      const py = y + 0.5 - oy;
      const a = (px * ux + py * uy) / eye;
      const b = (px * -uy + py * ux) / eye;
      if (!inside(a, b)) continue;
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(out[o + c]! * (1 - opacity) + colour[c]! * opacity);
    }
  }
  return { width: w, height: h, data: out };
}

function checkOpacity(opacity: number, what: string): void {
  if (!(opacity > 0 && opacity <= 1)) throw new PfeError('INVALID_ARGUMENT', `${what} opacity must be in (0, 1], got ${opacity}`, { opacity });
}

function insideEllipse(a: number, b: number, ca: number, cb: number, ra: number, rb: number): boolean {
  const da = (a - ca) / ra;
  const db = (b - cb) / rb;
  return da * da + db * db <= 1;
}

/**
 * Sunglasses: two dark elliptical lenses over the eyes (semi-axes 0.5 × 0.36 eye distances) joined
 * by a bridge. opacity 1 hides the eyes completely; 0.7 is a strong tint.
 * @param opacity in (0, 1]
 */
export function drawSunglasses(img: RgbImage, face: FiveLandmarks, opacity: number): RgbImage {
  assertRgbImage(img);
  checkOpacity(opacity, 'sunglasses');
  const frame = faceFrame(face);
  const inside = (a: number, b: number): boolean =>
    insideEllipse(a, b, -0.5, 0.05, 0.5, 0.36) || insideEllipse(a, b, 0.5, 0.05, 0.5, 0.36) || (Math.abs(a) <= 0.12 && b >= -0.1 && b <= -0.02);
  return paint(img, frame, inside, SUNGLASS_COLOUR, opacity);
}

/**
 * A surgical mask: from the middle of the nose (0.3 eye distances above its tip) down over
 * the mouth and chin, 2.1 eye distances wide, with a rounded bottom edge 0.8 below the mouth.
 * @param opacity in (0, 1]
 */
export function drawMask(img: RgbImage, face: FiveLandmarks, opacity: number): RgbImage {
  assertRgbImage(img);
  checkOpacity(opacity, 'mask');
  const frame = faceFrame(face);
  const top = frame.noseB - 0.3;
  const inside = (a: number, b: number): boolean => {
    if (b < top || Math.abs(a) > 1.05) return false;
    return b <= frame.mouthB || insideEllipse(a, b, 0, frame.mouthB, 1.05, 0.8);
  };
  return paint(img, frame, inside, MASK_COLOUR, opacity);
}

/**
 * A flat, skin-coloured hand (an elliptical palm and four fingers) in front of the face, at a
 * seeded place — over the mouth, a cheek or an eye — and a seeded tilt. size 1 gives a palm
 * of 0.9 × 1.2 eye distances with fingers 0.9 long.
 * @param size scale of the hand, in (0, MAX_HAND_SIZE]
 */
export function drawHand(img: RgbImage, face: FiveLandmarks, size: number, rng: SeededRandom): RgbImage {
  assertRgbImage(img);
  if (!(size > 0 && size <= MAX_HAND_SIZE)) throw new PfeError('INVALID_ARGUMENT', `hand size must be in (0, ${MAX_HAND_SIZE}], got ${size}`, { size });
  const frame = faceFrame(face);
  const side = rng.nextFloat() < 0.5 ? -1 : 1;
  const places: readonly (readonly [number, number])[] = [
    [0.15 * side, frame.mouthB + 0.1], // over the mouth and chin
    [0.75 * side, (frame.noseB + frame.mouthB) / 2], // a cheek
    [0.5 * side, 0.05], // an eye
  ];
  const [pa, pb] = places[Math.min(places.length - 1, Math.floor(rng.nextFloat() * places.length))]!;
  const ca = pa + (rng.nextFloat() - 0.5) * 0.2;
  const cb = pb + (rng.nextFloat() - 0.5) * 0.2;
  const tilt = (rng.nextFloat() - 0.5) * (Math.PI / 2); // fingers point up, ±45°
  const cos = Math.cos(tilt);
  const sin = Math.sin(tilt);
  const inside = (a: number, b: number): boolean => {
    // Hand coordinates: p across the palm, q along the fingers (negative = towards the fingertips).
    const p = ((a - ca) * cos + (b - cb) * sin) / size;
    const q = (-(a - ca) * sin + (b - cb) * cos) / size;
    if (insideEllipse(p, q, 0, 0, 0.45, 0.6)) return true;
    for (let f = 0; f < 4; f++) if (insideEllipse(p, q, -0.33 + f * 0.22, -0.85, 0.1, 0.45)) return true;
    return false;
  };
  return paint(img, frame, inside, HAND_COLOUR, 1);
}
