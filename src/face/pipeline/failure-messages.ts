/**
 * Plain-language explanations of why a photo could not be embedded, for people rather
 * than programs (the browser demo shows them; the error codes stay for programs).
 */
import { isPfeError, type PfeErrorCode } from '../../core/errors.js';

/**
 * What to tell a user whose image `label` failed with `code`; `reason` is the library's
 * technical message, kept at the end for the codes where it helps.
 */
export function failureMessage(code: PfeErrorCode, label: string, reason: string): string {
  switch (code) {
    case 'NO_FACE':
      return `No face was found in ${label}. Use a photo where one face is clearly visible and roughly frontal.`;
    case 'IMAGE_DECODE_FAILED':
      return `${label} could not be read as an image: the file is damaged or is not an image.`;
    case 'UNSUPPORTED_FORMAT':
      return `${label} is not a JPEG, PNG or WebP image.`;
    case 'IMAGE_TOO_LARGE':
      return `${label} is too large to process here (${reason}). Scale it down and try again.`;
    case 'MODEL_LOAD_FAILED':
    case 'IO_ERROR':
      return `The face models could not be loaded (${reason}). Reload the page.`;
    default:
      return `${label} could not be processed: ${reason}`;
  }
}

/**
 * A note for an image in which the detector found `faceCount` faces (null: landmarks
 * were given, no detection): empty for one face; for several, which one is used
 * (FaceEmbedder takes the largest box, see pickSubjectFace).
 */
export function faceCountNote(faceCount: number | null): string {
  if (faceCount === null || faceCount <= 1) return '';
  return `${faceCount} faces were found; the largest one is used.`;
}

/**
 * What to tell a user about any error thrown while embedding `label`: failureMessage for a
 * PfeError (with the library's reason, kept in details.reason by FacePfe), else the message.
 */
export function describeFailure(error: unknown, label: string): string {
  const reason = isPfeError(error) && typeof error.details['reason'] === 'string' ? error.details['reason'] : error instanceof Error ? error.message : String(error);
  return isPfeError(error) ? failureMessage(error.code, label, reason) : reason;
}
