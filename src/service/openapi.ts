/**
 * The OpenAPI 3.1 document of the API, generated from the route table (api-spec.ts).
 */
import type { JsonSchema, RouteSpec } from './api-spec.js';

function imageRequestBody(route: RouteSpec): JsonSchema {
  const fields = route.imageFields!;
  const props: Record<string, JsonSchema> = {};
  for (const name of fields.images) props[name] = { type: 'string', contentEncoding: 'base64', description: 'JPEG, PNG or WebP image' };
  for (const [name, spec] of Object.entries(fields.options)) props[name] = { type: 'integer', minimum: spec.minimum, maximum: spec.maximum, description: spec.description };
  const multipart: Record<string, JsonSchema> = {};
  for (const name of fields.images) multipart[name] = { type: 'string', format: 'binary' };
  for (const [name, spec] of Object.entries(fields.options)) multipart[name] = { type: 'integer', minimum: spec.minimum, maximum: spec.maximum };
  return {
    required: true,
    content: {
      'multipart/form-data': { schema: { type: 'object', additionalProperties: false, required: fields.images, properties: multipart } },
      'application/json': { schema: { type: 'object', additionalProperties: false, required: fields.images, properties: props } },
    },
  };
}

/** Builds the document for the given routes. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = route.params?.['properties'] as Record<string, JsonSchema> | undefined;
    const query = route.query?.['properties'] as Record<string, JsonSchema> | undefined;
    const parameters = [
      ...Object.entries(params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema })),
      ...Object.entries(query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, [description, schema, mediaType]] of Object.entries(route.responses)) {
      responses[status] = schema === null ? { description } : { description, content: { [mediaType ?? 'application/json']: { schema } } };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.id,
      summary: route.summary,
      ...(route.auth ? { security: [{ bearer: [] }, { apiKey: [] }] } : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.imageFields !== undefined ? { requestBody: imageRequestBody(route) } : {}),
      ...(route.body !== undefined ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
      ...(route.ndjsonBody !== undefined
        ? { requestBody: { required: true, description: 'NDJSON: one JSON value per line, each matching the schema', content: { 'application/x-ndjson': { schema: route.ndjsonBody } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PFE face verification and identification service',
      version,
      description:
        'Probabilistic Face Embeddings (Shi & Jain, ICCV 2019) as a service: calibrated decisions (thresholds as false-accept rates), a quality gate on uncertainty, and uncertainty-weighted fusion of a subject\'s faces. Errors are {"error": {"code", "message"}}.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    paths,
  };
}
