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
