/**
 * JSON Schemas of the HTTP responses. Fastify serializes replies with them (fast-json-stringify),
 * and the OpenAPI document publishes the same objects, so what is documented is what is sent.
 */
import type { ErrorCode } from '../errors.js'


export type ItemResult =
  | { readonly index: number; readonly status: 'accepted' }
  | { readonly index: number; readonly status: 'rejected'; readonly code: ErrorCode; readonly path: string; readonly reason: string }

export interface IngestResponse {
  readonly results: readonly ItemResult[]
  readonly accepted: number
  readonly rejected: number
}

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly retriable: boolean }
}

export const ItemResultSchema = {
  type: 'object',
  description: "One result per request item, in request order. 'rejected' items carry the error code, the field path and the reason.",
  properties: {
    index: { type: 'integer', minimum: 0, description: 'Position of the item in the request array.' },
    status: { type: 'string', enum: ['accepted', 'rejected'] },
    code: { type: 'string', description: 'DW_* error code (rejected items only).' },
    path: { type: 'string', description: "Dotted path of the offending field, '(root)' for the item itself (rejected items only)." },
    reason: { type: 'string', description: 'Human-readable reason (rejected items only).' },
  },
  required: ['index', 'status'],
  additionalProperties: false,
} as const

export const IngestResponseSchema = {
  type: 'object',
  properties: {
    results: { type: 'array', items: ItemResultSchema },
    accepted: { type: 'integer', minimum: 0 },
    rejected: { type: 'integer', minimum: 0 },
  },
  required: ['results', 'accepted', 'rejected'],
  additionalProperties: false,
} as const

export const ErrorBodySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'DW_* error code.' },
        message: { type: 'string' },
        retriable: { type: 'boolean', description: 'True when the same request may succeed later (send it again; prediction_id makes that idempotent).' },
      },
      required: ['code', 'message', 'retriable'],
      additionalProperties: false,
    },
  },
  required: ['error'],
  additionalProperties: false,
} as const

export const HealthSchema = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ok'] } },
  required: ['status'],
  additionalProperties: false,
} as const

/** A stored silence, as GET /v1/alerts/deliveries lists it (src/read/alert-deliveries.ts SilenceView). */
const SilenceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'What `driftwatch alerts unmute <id>` and DELETE /v1/alerts/silences/{id} take.' },
    rule: { type: 'string', description: "'' for every rule." },
    model: { type: 'string', description: "'' for every model." },
    starts_at: { type: 'string', format: 'date-time' },
    ends_at: { type: 'string', format: 'date-time' },
    reason: { type: 'string' },
    created_by: { type: 'string' },
  },
  required: ['id', 'rule', 'model', 'starts_at', 'ends_at', 'reason', 'created_by'],
  additionalProperties: false,
} as const

/** POST /v1/alerts/silences: the options of `driftwatch alerts mute`, one field each. */
export const SilenceCreateSchema = {
  type: 'object',
  description: 'At least one of rule and model; exactly one of duration and ends_at.',
  properties: {
    rule: { type: 'string', description: 'The rule to mute (`--rule`); it must be in the rule directory of this instance or have stored alerts.' },
    model: { type: 'string', description: 'The model to mute (`--model`); it must be in driftwatch.yaml or have stored predictions, evaluated windows or alerts.' },
    duration: { type: 'string', description: 'How long from now (`--for`): a duration like 30m, 2h, 1d.' },
    ends_at: { type: 'string', description: 'Until this time (`--until`): epoch milliseconds or ISO 8601 with a zone; in the future, and by 2051-01-01.' },
    reason: { type: 'string', description: 'Why (`--reason`), shown by `driftwatch alerts list`.' },
    created_by: { type: 'string', description: "Who mutes (the CLI sends its user's name); '' when not given." },
  },
  additionalProperties: false,
} as const

export const SilenceCreatedSchema = {
  type: 'object',
  description: 'The silence stored.',
  properties: { silence: SilenceSchema },
  required: ['silence'],
  additionalProperties: false,
} as const

export const SilenceIdParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, description: 'A silence id, as GET /v1/alerts/deliveries lists it.' } },
  required: ['id'],
} as const

/** DELETE /v1/alerts/silences: the options of `driftwatch alerts unmute --rule / --model`. */
export const SilenceMatchQuerySchema = {
  type: 'object',
  description: 'At least one of rule and model: every active silence of the rule and/or model ends.',
  properties: {
    rule: { type: 'string', description: 'Silences of this rule (`--rule`).' },
    model: { type: 'string', description: 'Silences of this model (`--model`).' },
  },
  additionalProperties: false,
} as const

export const SilencesEndedSchema = {
  type: 'object',
  description: 'The silences ended, each with ends_at the time it ended.',
  properties: { ended: { type: 'array', items: SilenceSchema, minItems: 1 } },
  required: ['ended'],
  additionalProperties: false,
} as const
