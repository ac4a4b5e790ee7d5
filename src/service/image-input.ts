/**
 * Reads the images and small options of an image endpoint from either a multipart upload
 * (file parts named like the image fields, text parts for options) or a JSON body with
 * base64 strings. Both forms are checked against the same field list: unknown fields,
 * missing images, bad base64 and out-of-range options are 400s.
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/** An integer option of an image endpoint. */
export interface IntegerField {
  readonly minimum: number;
  readonly maximum: number;
  readonly description: string;
}

/** The fields of one image endpoint. */
export interface ImageFields {
  /** Names of the required images, e.g. ['image'] or ['a', 'b']. */
  readonly images: readonly string[];
  readonly options: Readonly<Record<string, IntegerField>>;
}

/** What was read. */
export interface ImageInput {
  readonly images: Readonly<Record<string, Uint8Array>>;
  /** The uploaded file's own name per image field, when the client sent one (multipart). */
  readonly fileNames: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, number>>;
}

/** Standard base64 (RFC 4648 §4), padded or not. */
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

function unknownField(name: string): never {
  throw new ApiError(400, 'UNKNOWN_FIELD', `unknown field '${name}'`);
}

function integerOption(name: string, raw: unknown, spec: IntegerField): number {
  const value = typeof raw === 'string' && /^[-+]?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.minimum || value > spec.maximum) {
    throw new ApiError(400, 'INVALID_REQUEST', `'${name}' must be an integer in ${spec.minimum}..${spec.maximum}`);
  }
  return value;
}

function checkComplete(fields: ImageFields, images: Record<string, Uint8Array>): void {
  for (const name of fields.images) {
    if (images[name] === undefined) throw new ApiError(400, 'INVALID_REQUEST', `image '${name}' is missing`);
  }
}

/** Multipart limit errors of @fastify/multipart that are the request's shape, not its size. */
const MULTIPART_COUNT_LIMITS = new Set(['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

/**
 * The API error for anything that went wrong reading a multipart body: a file over the
 * size limit is 413; too many parts, and a body busboy cannot parse (no or wrong
 * boundary, truncated), are the client's fault: 400, never 500.
 */
function multipartError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const err = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (err.statusCode === 413 && !MULTIPART_COUNT_LIMITS.has(String(err.code))) {
    return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'the request is larger than the service accepts');
  }
  if (MULTIPART_COUNT_LIMITS.has(String(err.code))) return new ApiError(400, 'INVALID_REQUEST', 'too many parts in the multipart body for this endpoint');
  const why = typeof err.message === 'string' ? err.message.replace(/^Multipart: /, '') : 'unreadable';
  return new ApiError(400, 'INVALID_REQUEST', `malformed multipart body: ${why}`);
}

async function readMultipart(
  request: FastifyRequest,
  fields: ImageFields,
  images: Record<string, Uint8Array>,
  fileNames: Record<string, string>,
  options: Record<string, number>,
): Promise<void> {
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (!fields.images.includes(part.fieldname)) {
        part.file.resume();
        unknownField(part.fieldname);
      }
      if (images[part.fieldname] !== undefined) throw new ApiError(400, 'INVALID_REQUEST', `image '${part.fieldname}' is given twice`);
      images[part.fieldname] = await part.toBuffer();
      if (part.filename !== undefined && part.filename !== '') fileNames[part.fieldname] = part.filename;
    } else {
      const spec = fields.options[part.fieldname];
      if (spec === undefined) unknownField(part.fieldname);
      options[part.fieldname] = integerOption(part.fieldname, part.value, spec!);
    }
  }
}

/**
 * Reads an image endpoint's input.
 * @param maxImageBytes largest decoded image (the base64 path; multipart is limited by the plugin)
 * @throws ApiError 400 (INVALID_REQUEST, UNKNOWN_FIELD), 413 PAYLOAD_TOO_LARGE, 415 unsupported content type
 */
export async function readImageInput(request: FastifyRequest, fields: ImageFields, maxImageBytes: number): Promise<ImageInput> {
  const images: Record<string, Uint8Array> = {};
  const fileNames: Record<string, string> = {};
  const options: Record<string, number> = {};
  if (request.isMultipart()) {
    try {
      await readMultipart(request, fields, images, fileNames, options);
    } catch (e) {
      throw multipartError(e);
    }
    checkComplete(fields, images);
    return { images, fileNames, options };
  }
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(request.body === undefined ? 415 : 400, 'INVALID_REQUEST', 'send the image as multipart/form-data or as JSON {"image": "<base64>"}');
  }
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (fields.images.includes(name)) {
      if (typeof value !== 'string' || !BASE64_RE.test(value)) throw new ApiError(400, 'INVALID_REQUEST', `'${name}' must be a base64 string`);
      // 3 bytes per 4 characters, minus padding.
      if (Math.floor((value.length * 3) / 4) > maxImageBytes) throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `image '${name}' is larger than ${maxImageBytes} bytes`);
      images[name] = Buffer.from(value, 'base64');
    } else {
      const spec = fields.options[name];
      if (spec === undefined) unknownField(name);
      options[name] = integerOption(name, value, spec!);
    }
  }
  checkComplete(fields, images);
  return { images, fileNames, options };
}

/**
 * How messages name an image: its file name and field when the client sent a file name
 * ("'face.jpg' (field 'image')"), else the field ("'image'").
 */
export function imageLabel(input: ImageInput, field: string): string {
  const name = input.fileNames[field];
  return name === undefined ? `'${field}'` : `'${name}' (field '${field}')`;
}
