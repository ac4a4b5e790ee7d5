import { PfeError } from '../../core/errors.js';
import { assertJpegQuality } from '../image/encode.js';
import { MAX_BLUR_SIGMA } from './blur.js';
import { ladderSteps, MAX_DEGRADE_LEVEL } from './ladder.js';
import { MAX_MOTION_LENGTH } from './motion-blur.js';
import { MAX_HAND_SIZE } from './occlusion.js';
import type { DegradeStep } from './steps.js';

/** Step names accepted by parseDegradeSpec. */
export const DEGRADE_SPEC_NAMES: readonly string[] = ['blur', 'scale', 'noise', 'jpeg', 'motion', 'lowlight', 'sunglasses', 'mask', 'hand', 'level'];

/** Plain decimal numbers only: no sign, exponent, hex or empty string (which Number() would accept). */
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/**
 * Parses a degradation spec: steps `name:value` joined by `+`, applied left to right.
 *   blur:S   Gaussian blur, sigma S pixels (0..MAX_BLUR_SIGMA = 100)
 *   scale:F  down to F× the size and back up, F in (0, 1]
 *   noise:D  Gaussian noise, std D grey levels (0..255)
 *   jpeg:Q   JPEG re-encoding at quality Q (integer 1..100)
 *   motion:L     motion blur, a streak of L pixels (0..MAX_MOTION_LENGTH = 100) in a seeded direction
 *   lowlight:F   a photo taken with F× the light (0, 1], brightened back: shot, read and ADC noise
 *   sunglasses:A dark lenses over the eyes, opacity A in (0, 1]         (needs the face's landmarks)
 *   mask:A       a surgical mask over nose tip, mouth and chin, opacity A (needs the face's landmarks)
 *   hand:S       a hand in front of the face at a seeded place, size S in (0, 3] (needs the landmarks)
 *   level:K  ladder level K (integer 0..MAX_DEGRADE_LEVEL), expanded to its steps
 * Example: `blur:2+jpeg:30`. Whitespace around steps is ignored.
 * @returns the flat list of steps (level:K expanded), for applyDegradeSteps
 * @throws PfeError INVALID_ARGUMENT naming the offending step (1-based) and what is allowed
 */
export function parseDegradeSpec(spec: string): DegradeStep[] {
  if (spec.trim() === '') {
    throw new PfeError('INVALID_ARGUMENT', `degradation spec is empty; expected e.g. 'blur:2+jpeg:30' (steps: ${DEGRADE_SPEC_NAMES.join(', ')})`);
  }
  const steps: DegradeStep[] = [];
  const parts = spec.split('+');
  for (let i = 0; i < parts.length; i++) {
    const text = parts[i]!.trim();
    const where = `degradation spec step ${i + 1} ('${text}')`;
    const fail = (why: string): never => {
      throw new PfeError('INVALID_ARGUMENT', `${where}: ${why}`, { spec, step: i + 1, text });
    };
    const colon = text.indexOf(':');
    if (colon < 0) fail(`expected name:value with name one of ${DEGRADE_SPEC_NAMES.join(', ')}`);
    const name = text.slice(0, colon).trim();
    const valueText = text.slice(colon + 1).trim();
    if (!DEGRADE_SPEC_NAMES.includes(name)) fail(`unknown step '${name}'; use one of ${DEGRADE_SPEC_NAMES.join(', ')}`);
    if (!DECIMAL.test(valueText)) fail(`'${valueText}' is not a plain non-negative decimal number`);
    const value = Number(valueText);
    switch (name) {
      case 'blur':
        if (value > MAX_BLUR_SIGMA) fail(`blur sigma must be in 0..${MAX_BLUR_SIGMA} pixels, got ${value}`);
        steps.push({ kind: 'blur', sigma: value });
        break;
      case 'scale':
        if (!(value > 0 && value <= 1)) fail(`scale factor must be in (0, 1], got ${value}`);
        steps.push({ kind: 'scale', factor: value });
        break;
      case 'noise':
        if (value > 255) fail(`noise std must be in 0..255 grey levels, got ${value}`);
        steps.push({ kind: 'noise', std: value });
        break;
      case 'jpeg':
        try {
          assertJpegQuality(value);
        } catch {
          fail(`JPEG quality must be an integer in 1..100, got ${valueText}`);
        }
        steps.push({ kind: 'jpeg', quality: value });
        break;
      case 'motion':
        if (value > MAX_MOTION_LENGTH) fail(`motion length must be in 0..${MAX_MOTION_LENGTH} pixels, got ${value}`);
        steps.push({ kind: 'motion', length: value });
        break;
      case 'lowlight':
        if (!(value > 0 && value <= 1)) fail(`light fraction must be in (0, 1], got ${value}`);
        steps.push({ kind: 'lowlight', light: value });
        break;
      case 'sunglasses':
      case 'mask':
        if (!(value > 0 && value <= 1)) fail(`${name} opacity must be in (0, 1], got ${value}`);
        steps.push({ kind: name, opacity: value });
        break;
      case 'hand':
        if (!(value > 0 && value <= MAX_HAND_SIZE)) fail(`hand size must be in (0, ${MAX_HAND_SIZE}], got ${value}`);
        steps.push({ kind: 'hand', size: value });
        break;
      case 'level':
        if (!Number.isInteger(value) || value > MAX_DEGRADE_LEVEL) fail(`level must be an integer in 0..${MAX_DEGRADE_LEVEL}, got ${valueText}`);
        steps.push(...ladderSteps(value));
        break;
    }
  }
  return steps;
}

/** One step in the spec syntax parseDegradeSpec reads, e.g. `blur:2` or `mask:1`. */
export function formatDegradeStep(step: DegradeStep): string {
  switch (step.kind) {
    case 'blur':
      return `blur:${step.sigma}`;
    case 'scale':
      return `scale:${step.factor}`;
    case 'noise':
      return `noise:${step.std}`;
    case 'jpeg':
      return `jpeg:${step.quality}`;
    case 'motion':
      return `motion:${step.length}`;
    case 'lowlight':
      return `lowlight:${step.light}`;
    case 'sunglasses':
    case 'mask':
      return `${step.kind}:${step.opacity}`;
    case 'hand':
      return `hand:${step.size}`;
  }
}
