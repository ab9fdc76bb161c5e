/**
 * The closed list of driftwatch error codes. Code branches on `code` and `retriable`,
 * never on message text.
 */
export const ErrorCodes = [
  // configuration
  'DW_CONFIG_INVALID',
  // decoding (bytes -> event)
  'DW_DECODE_NOT_AVRO',
  'DW_DECODE_UNKNOWN_SCHEMA',
  'DW_DECODE_UNSUPPORTED_SCHEMA',
  'DW_DECODE_FAILED',
  'DW_RECORD_TOO_LARGE',
  'DW_RECORD_UNPROCESSABLE',
  // storing (a row ClickHouse refuses for its content: parse error, constraint, type, size)
  'DW_STORE_REJECTED',
  // validation (event -> accepted event)
  'DW_VALIDATION_FAILED',
  'DW_MISSING_FIELD',
  'DW_NON_FINITE_NUMBER',
  'DW_TIMESTAMP_OUT_OF_RANGE',
  'DW_BAD_PREDICTION_ID',
  'DW_UNKNOWN_MODEL',
  'DW_TOO_MANY_FEATURES',
  'DW_FEATURE_NAME_TOO_LONG',
  // join
  'DW_ORPHAN_LABEL',
  'DW_PREDICTION_ID_CONFLICT',
  // HTTP API
  'DW_UNAUTHORIZED',
  'DW_FORBIDDEN',
  'DW_PAYLOAD_TOO_LARGE',
  'DW_NOT_FOUND',
  'DW_INTERNAL',
  // files (backfill, baseline, report)
  'DW_FILE_INVALID',
  'DW_FILE_NOT_FOUND',
  'DW_FILE_UNWRITABLE',
  // report gates (--fail-on): an expression that cannot be parsed
  'DW_GATE_INVALID',
  // infrastructure
  'DW_KAFKA_UNAVAILABLE',
  'DW_REGISTRY_UNAVAILABLE',
  'DW_CLICKHOUSE_UNAVAILABLE',
  'DW_CLICKHOUSE_QUERY_FAILED',
  'DW_TOPIC_MISMATCH',
  // the schema registry refuses driftwatch's schema or its subjects' compatibility level for good
  'DW_SCHEMA_REFUSED',
  'DW_MIGRATION_FAILED',
  'DW_INFRA_MISSING',
  'DW_DATA_DIR_LOCKED',
  'DW_PORT_IN_USE',
  'DW_ALERT_DELIVERY_FAILED',
  'DW_PARTITION_STUCK',
  // a consumer group shared by instances that cannot share it (src/kafka/co-partitioned-assigner.ts)
  'DW_GROUP_SHARED_EMBEDDED_STORE',
  'DW_GROUP_CONFIG_MISMATCH',
  // a running driftwatch's HTTP API did not answer (driftwatch status)
  'DW_API_UNAVAILABLE',
  // producer client
  'DW_BUFFER_FULL',
] as const

export type ErrorCode = (typeof ErrorCodes)[number]

export interface ErrorContext {
  readonly cause?: unknown
  readonly retriable?: boolean
  readonly [key: string]: unknown
}

export class DriftwatchError extends Error {
  readonly code: ErrorCode
  readonly retriable: boolean
  readonly context: Readonly<Record<string, unknown>>

  constructor(code: ErrorCode, message: string, { cause, retriable = false, ...context }: ErrorContext = {}) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'DriftwatchError'
    this.code = code
    this.retriable = retriable
    this.context = context
  }
}

export const isDriftwatchError = (e: unknown): e is DriftwatchError => e instanceof DriftwatchError

/** How deep `causeChain` follows `cause`: enough for a driftwatch error around a client's around a socket's. */
const CAUSE_DEPTH = 5

/** The error and its causes (`cause`, then its `cause`, …), objects only, at most CAUSE_DEPTH of them. */
export function causeChain(e: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = []
  for (let cur: unknown = e; cur !== null && typeof cur === 'object' && chain.length < CAUSE_DEPTH; cur = (cur as { cause?: unknown }).cause) {
    chain.push(cur as Record<string, unknown>)
  }
  return chain
}

/**
 * The message of anything thrown, for building another error's message: never throws itself
 * (a thrown Symbol, null, or an object whose `message` getter or `toString` throws).
 */
export function describeError(e: unknown): string {
  try {
    if (e instanceof Error) return String(e.message)
    if (typeof e === 'string') return e
    return String(e)
  } catch {
    return 'an error that cannot be printed'
  }
}
