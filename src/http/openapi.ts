/**
 * The OpenAPI 3.1 document served at GET /openapi.json. Request item schemas are generated from
 * schemas/*.avsc (avro-json-schema.ts) plus the simple bounds of src/ingest/validate.ts that JSON
 * Schema can state; cross-field rules (e.g. a prediction needs one of class_label, score,
 * probabilities, value) and time ranges are described, not encoded. Response schemas are the
 * ones fastify serializes with (schemas.ts).
 */
import { rawSchema, type EventKind } from '../ingest/schemas.js'
import type { ValidationLimits } from '../ingest/validate.js'
import { avroToJsonSchema, type JsonSchema } from './avro-json-schema.js'
import { ErrorBodySchema, HealthSchema, IngestResponseSchema } from './schemas.js'

export interface OpenApiOptions {
  readonly validation: ValidationLimits
  readonly maxItems: number
  readonly bodyLimitBytes: number
}

type Overlay = Readonly<Record<string, JsonSchema>>

function overlays(kind: EventKind, limits: ValidationLimits): Overlay {
  const id = { minLength: 1, maxLength: limits.maxIdLength }
  if (kind === 'ground-truth') return { prediction_id: id }
  return { prediction_id: id, model_id: { minLength: 1 }, model_version: { minLength: 1 } }
}

/** The JSON Schema of one request item of `kind`. */
export function eventItemSchema(kind: EventKind, limits: ValidationLimits): JsonSchema {
  const schema = avroToJsonSchema(rawSchema(kind) as Parameters<typeof avroToJsonSchema>[0])
  const properties = schema['properties'] as Record<string, JsonSchema>
  for (const [field, extra] of Object.entries(overlays(kind, limits))) properties[field] = { ...properties[field], ...extra }
  return schema
}

const SEMANTICS: Record<EventKind, string> = {
  prediction:
    'Checked per item beyond this schema: event_time from 2000-01-01 to at most ingest.maxFutureMs after now; ' +
    'numbers finite; prediction needs at least one of class_label, score, probabilities, value; ' +
    'model_id must be listed in driftwatch.yaml when ingest.unknownModels is reject.',
  'ground-truth': 'Checked per item beyond this schema: label_time from 2000-01-01 to at most ingest.maxFutureMs after now; label needs class_label or value.',
}

const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } })
const errorRef = { $ref: '#/components/schemas/Error' }

function ingestOperation(kind: EventKind, component: string, o: OpenApiOptions) {
  return {
    operationId: kind === 'prediction' ? 'ingestPredictions' : 'ingestLabels',
    summary: kind === 'prediction' ? 'Ingest prediction events' : 'Ingest ground-truth labels',
    description:
      `A JSON array of up to ${o.maxItems} ${component} items (body at most ${o.bodyLimitBytes} bytes). Each item is validated on its own; ` +
      `accepted items are published to the pipeline before the response is sent. ${SEMANTICS[kind]} ` +
      'Re-sending an item with the same prediction_id is idempotent, so a request that failed with 503 can be sent again as a whole.',
    security: [{ bearerAuth: [] }],
    requestBody: {
      required: true,
      ...json({ type: 'array', maxItems: o.maxItems, items: { $ref: `#/components/schemas/${component}` } }, `${component} items`),
    },
    responses: {
      '200': json({ $ref: '#/components/schemas/IngestResponse' }, 'The request was processed; see results for each item (some may be rejected).'),
      '400': json(errorRef, 'The body is not a JSON array (or not valid JSON).'),
      '401': json(errorRef, 'No bearer token, or not a valid one.'),
      '403': json(errorRef, 'The token lacks the ingest (or admin) role.'),
      '413': json(errorRef, `The body exceeds ${o.bodyLimitBytes} bytes or holds more than ${o.maxItems} items.`),
      '415': json(errorRef, 'Content-Type is not application/json.'),
      '503': json(errorRef, 'Publishing failed (Kafka, the schema registry or ClickHouse unavailable); retriable: send the request again.'),
    },
  }
}

export function openApiDocument(o: OpenApiOptions): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'driftwatch HTTP ingest API',
      version: '1.0.0',
      description: 'Publishes prediction events and ground-truth labels into the driftwatch pipeline, for services without a Kafka client.',
    },
    paths: {
      '/v1/predictions': { post: ingestOperation('prediction', 'PredictionEvent', o) },
      '/v1/labels': { post: ingestOperation('ground-truth', 'GroundTruthEvent', o) },
      '/healthz': { get: { operationId: 'healthz', summary: 'Liveness', security: [], responses: { '200': json(HealthSchema, 'The process serves HTTP.') } } },
      '/openapi.json': {
        get: { operationId: 'openapi', summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': {} } } } },
      },
    },
    components: {
      schemas: {
        PredictionEvent: eventItemSchema('prediction', o.validation),
        GroundTruthEvent: eventItemSchema('ground-truth', o.validation),
        IngestResponse: IngestResponseSchema,
        Error: ErrorBodySchema,
      },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A token from DRIFTWATCH_API_TOKENS(_FILE); roles ingest, read, admin.' } },
    },
  }
}
