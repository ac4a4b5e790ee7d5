/**
 * A contact sheet as a self-contained SVG: rows of small face images (embedded as data
 * URIs) with a caption under each and a title per row. Pure string building, deterministic.
 */
import { PfeError } from '../core/errors.js';
import { escapeXml } from '../plot/index.js';

/** One image of a sheet. */
export interface SheetTile {
  /** A `data:image/...;base64,` URI (kept inside the SVG, so the file stands alone). */
  readonly href: string;
  /** One short line under the image. */
  readonly caption: string;
  /** Optional frame colour, e.g. to mark a match ('#2ca02c') or a mismatch ('#d62728'). */
  readonly frame?: string;
}

/** A titled row of tiles. */
export interface SheetRow {
  readonly title: string;
  readonly tiles: readonly SheetTile[];
}

const MARGIN = 10;
const TITLE_HEIGHT = 30;
const ROW_TITLE_HEIGHT = 18;
const CAPTION_HEIGHT = 14;
const GAP = 6;

/**
 * The SVG of a contact sheet.
 * @param tileSize edge of each square image in pixels
 * @throws PfeError EMPTY_INPUT (no rows), INVALID_ARGUMENT (a tile without a data URI)
 */
export function contactSheetSvg(title: string, rows: readonly SheetRow[], tileSize = 75): string {
  if (rows.length === 0) throw new PfeError('EMPTY_INPUT', 'a contact sheet needs at least one row');
  const columns = Math.max(...rows.map((r) => r.tiles.length), 1);
  const cellW = tileSize + GAP;
  const rowH = ROW_TITLE_HEIGHT + tileSize + CAPTION_HEIGHT + GAP;
  const width = 2 * MARGIN + columns * cellW;
  const height = TITLE_HEIGHT + 2 * MARGIN + rows.length * rowH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 16}" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  rows.forEach((row, r) => {
    const y0 = TITLE_HEIGHT + MARGIN + r * rowH;
    out.push(`<text x="${MARGIN}" y="${y0 + 13}" font-size="12">${escapeXml(row.title)}</text>`);
    row.tiles.forEach((t, c) => {
      if (!t.href.startsWith('data:image/')) throw new PfeError('INVALID_ARGUMENT', `row ${r} tile ${c}: href must be a data:image/ URI`);
      const x = MARGIN + c * cellW;
      const y = y0 + ROW_TITLE_HEIGHT;
      out.push(`<image x="${x}" y="${y}" width="${tileSize}" height="${tileSize}" href="${t.href}"/>`);
      if (t.frame !== undefined) out.push(`<rect x="${x}" y="${y}" width="${tileSize}" height="${tileSize}" fill="none" stroke="${escapeXml(t.frame)}" stroke-width="3"/>`);
      out.push(`<text x="${x + tileSize / 2}" y="${y + tileSize + 11}" font-size="9" text-anchor="middle">${escapeXml(t.caption)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * Indices of the `n` smallest and `n` largest values (ties by index), skipping NaN.
 * @returns lowest ascending and highest descending
 */
export function extremes(values: ArrayLike<number>, n: number): { lowest: number[]; highest: number[] } {
  const idx = Array.from({ length: values.length }, (_, i) => i).filter((i) => !Number.isNaN(values[i]!));
  idx.sort((a, b) => values[a]! - values[b]! || a - b);
  return { lowest: idx.slice(0, n), highest: idx.slice(-n).reverse() };
}
