/**
 * Reading a 5-point landmark file together with its frame, and fitting its points to the
 * image files they belong to (each image's size read from its header, not decoded).
 */
import { open, readFile } from 'node:fs/promises';
import { PfeError } from '../../core/errors.js';
import { headerDimensions, type ImageDimensions } from '../image/header-dimensions.js';
import type { FiveLandmarks } from '../types.js';
import { fitLandmarks, landmarkFileFrame, type FrameSource, type LandmarkScaleChoice } from './landmark-frame.js';
import { parseLfwLandmarks } from './lfw-landmarks.js';

/** A landmark file's points in its own frame (unscaled), and the frame when known. */
export interface LandmarkFile {
  /** The file path, for messages. */
  readonly source: string;
  /** The frame the coordinates are in, when the file states it or is known by name. */
  readonly frame: FrameSource | undefined;
  /** Relative image path (as written in the file) → landmarks in the file's frame. */
  readonly points: ReadonlyMap<string, FiveLandmarks>;
}

/**
 * Reads a landmark file in the LFW MTCNN format (see parseLfwLandmarks) without scaling,
 * with its frame (see landmarkFileFrame).
 * @throws PfeError IO_ERROR when it cannot be read; INVALID_FORMAT for a malformed line
 */
export async function readLandmarkFile(filePath: string): Promise<LandmarkFile> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (e) {
    throw new PfeError('IO_ERROR', `cannot read landmark file ${filePath}: ${e instanceof Error ? e.message : String(e)}`, { path: filePath }, { cause: e });
  }
  return { source: filePath, frame: landmarkFileFrame(text, filePath), points: parseLfwLandmarks(text, { scale: 1, source: filePath }) };
}

/**
 * Bytes read to find an image's size: JPEG's frame header can follow an EXIF block of up to
 * 64 KiB (one APPn segment) plus thumbnails in further segments; 256 KiB covers camera files.
 */
const HEADER_BYTES = 256 * 1024;

/**
 * An image file's width and height from its header, or undefined when unreadable or not JPEG/PNG/WebP.
 * @param buffer scratch space for the header (reused across calls by a caller reading many files)
 */
export async function imageFileSize(file: string, buffer: Uint8Array = new Uint8Array(HEADER_BYTES)): Promise<ImageDimensions | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return headerDimensions(buffer.subarray(0, bytesRead));
  } catch {
    return undefined; // the embedder reports an unreadable file with its own reason
  } finally {
    await handle?.close();
  }
}

/** One image to fit: its key in the landmark file and its path on disk. */
export interface LandmarkTarget {
  readonly key: string;
  readonly file: string;
}

/** What fitting a landmark file to images found. */
export interface LandmarkFitReport {
  /** Images with landmarks in the file. */
  readonly fitted: number;
  /** How many images got each scale (rounded to 4 digits). */
  readonly scales: ReadonlyMap<number, number>;
  /** Keys of images whose given scale disagrees with the one their size calls for. */
  readonly mismatched: readonly string[];
  /** The scale those images' sizes call for (the most common one). */
  readonly suggestedScale: number | undefined;
  /** Keys of images with a landmark outside the image after scaling. */
  readonly outside: readonly string[];
}

/** How many image headers are read at once. */
const CONCURRENCY = 16;

/**
 * Fits the file's landmarks to each target image (see fitLandmarks); targets without a line
 * in the file are left out of the result.
 */
export async function fitLandmarkFile(
  file: LandmarkFile,
  targets: readonly LandmarkTarget[],
  choice: LandmarkScaleChoice,
): Promise<{ landmarks: Map<string, FiveLandmarks>; report: LandmarkFitReport }> {
  const withPoints = targets.filter((t) => file.points.has(t.key));
  const landmarks = new Map<string, FiveLandmarks>();
  const scales = new Map<number, number>();
  const suggested = new Map<number, number>();
  const mismatched: string[] = [];
  const outside: string[] = [];
  // The size is only needed to infer or check the scale; without a frame and with a fixed
  // scale, reading it still finds points outside the image.
  let next = 0;
  const worker = async (): Promise<void> => {
    const buffer = new Uint8Array(HEADER_BYTES);
    while (next < withPoints.length) {
      const t = withPoints[next++]!;
      const size = await imageFileSize(t.file, buffer);
      const fit = fitLandmarks(file.points.get(t.key)!, file.frame?.frame, size, choice);
      landmarks.set(t.key, fit.landmarks);
      const rounded = Number(fit.scale.toPrecision(4));
      scales.set(rounded, (scales.get(rounded) ?? 0) + 1);
      if (fit.scaleMismatch) {
        mismatched.push(t.key);
        const s = Number(fit.inferredScale!.toPrecision(4));
        suggested.set(s, (suggested.get(s) ?? 0) + 1);
      }
      if (fit.outside) outside.push(t.key);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, withPoints.length) }, worker));
  mismatched.sort();
  outside.sort();
  const suggestedScale = [...suggested].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { landmarks, report: { fitted: withPoints.length, scales, mismatched, suggestedScale, outside } };
}

/** Examples named in a warning before "and N more". */
const EXAMPLES = 3;

function examples(keys: readonly string[]): string {
  const head = keys.slice(0, EXAMPLES).join(', ');
  return keys.length > EXAMPLES ? `${head} and ${keys.length - EXAMPLES} more` : head;
}

/**
 * Warnings for a fit: a given scale that disagrees with the images' sizes, and points outside
 * their image. Empty when all is well.
 */
export function landmarkFitWarnings(file: LandmarkFile, report: LandmarkFitReport, choice: LandmarkScaleChoice): string[] {
  const out: string[] = [];
  if (report.mismatched.length > 0 && choice.kind === 'fixed' && file.frame !== undefined) {
    const f = file.frame.frame;
    out.push(
      `--landmark-scale ${choice.scale} disagrees with the images for ${report.mismatched.length} of ${report.fitted} images ` +
        `(${examples(report.mismatched)}): ${file.source} is in the ${f.width}×${f.height} frame (from ${file.frame.origin}), so their size calls for ` +
        `scale ${report.suggestedScale}; drop --landmark-scale to take the scale from each image`,
    );
  }
  if (report.outside.length > 0) {
    const scales = [...report.scales.keys()].join(', ');
    out.push(
      `${report.outside.length} of ${report.fitted} images have landmarks outside the image after scaling by ${scales} ` +
        `(${examples(report.outside)}); ` +
        (file.frame === undefined
          ? `${file.source} does not state its frame: add a line '# frame: WxH' (the image size its coordinates refer to) or give --landmark-scale`
          : 'check --landmark-scale and that the file belongs to these images'),
    );
  }
  return out;
}
