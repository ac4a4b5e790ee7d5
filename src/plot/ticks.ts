/** A tick mark: its value in data units and its label. */
export interface Tick {
  readonly value: number;
  readonly label: string;
}

/** Removes float noise from a tick value (0.30000000000000004 → "0.3"). 12 significant digits is well past plot resolution. */
export function formatTickValue(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(12)));
}

/**
 * A "nice" step (1, 2 or 5 × 10^k) giving about `target` intervals over `span` (> 0),
 * the usual choice of plotting libraries (Heckbert, "Nice numbers for graph labels", 1990).
 */
export function niceStep(span: number, target: number): number {
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  const nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  return nice * magnitude;
}

/**
 * Widens [min, max] outward to multiples of a nice step, so the axis starts and ends on ticks.
 * Widening can change the step `linearTicks` picks for the new span, so it repeats until the
 * step is stable (the step only grows with the span, so this ends within a few rounds).
 */
export function niceLinearDomain(min: number, max: number, target: number): [number, number] {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    [min, max] = [min - pad, max + pad];
  }
  for (let round = 0; round < 8; round++) {
    const step = niceStep(max - min, target);
    // 1e-9 of a step: values a rounding error away from a multiple count as on it
    const lo = Math.floor(min / step + 1e-9) * step;
    const hi = Math.ceil(max / step - 1e-9) * step;
    [min, max] = [lo, hi];
    if (niceStep(hi - lo, target) === step) break;
  }
  return [min, max];
}

/** Ticks at multiples of a nice step inside [min, max]. */
export function linearTicks(min: number, max: number, target: number): Tick[] {
  const step = niceStep(max - min, target);
  const ticks: Tick[] = [];
  const first = Math.ceil(min / step - 1e-9); // 1e-9 of a step: tolerate rounding at the domain ends
  const last = Math.floor(max / step + 1e-9);
  for (let i = first; i <= last; i++) {
    const value = i * step;
    ticks.push({ value, label: formatTickValue(value) });
  }
  return ticks;
}

const SUPERSCRIPT: Readonly<Record<string, string>> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** "10⁻³" for exponent −3. */
export function powerOfTenLabel(exponent: number): string {
  return '10' + Array.from(String(exponent), (c) => SUPERSCRIPT[c] ?? c).join('');
}

/**
 * Ticks at the powers of ten inside [10^logMin, 10^logMax] (domain given in log10 units).
 * When fewer than two powers fall inside, the domain ends are labelled instead.
 */
export function logTicks(logMin: number, logMax: number): Tick[] {
  const ticks: Tick[] = [];
  for (let e = Math.ceil(logMin - 1e-9); e <= Math.floor(logMax + 1e-9); e++) ticks.push({ value: e, label: powerOfTenLabel(e) });
  if (ticks.length >= 2) return ticks;
  return [
    { value: logMin, label: formatTickValue(Number((10 ** logMin).toPrecision(3))) },
    { value: logMax, label: formatTickValue(Number((10 ** logMax).toPrecision(3))) },
  ];
}
