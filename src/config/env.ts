/**
 * Connection settings from the environment. This folder is the only code that reads
 * process.env; everything else receives a validated `RuntimeConfig`.
 *
 * No KAFKA_BROKERS      -> embedded source (in-process, fed by HTTP ingest and the demo).
 * No CLICKHOUSE_URL     -> embedded ClickHouse (chDB) under DRIFTWATCH_DATA_DIR.
 *
 * A variable set to an empty value is unset, its default applies (./unset-empty.ts).
 */
import { z } from 'zod'
import { DriftwatchError } from '../errors.js'
import { problemLines } from '../validation-problems.js'
import { choiceVar, hostPortListVar, httpUrlVar, intVar, portVar } from './env-values.js'
import { plainIssueMessage } from '../plain-issues.js'
import { loadApiTokens, type ApiToken } from './api-tokens.js'
import { parseAlertChannelsEnv, type AlertChannelsConfig } from './alerts-env.js'
import { loadSecrets, type KafkaSecurity } from './secrets.js'
import { unsetEmpty, type Env } from './unset-empty.js'

export type { ApiRole, ApiToken } from './api-tokens.js'

/** Where the HTTP server listens when DRIFTWATCH_HTTP_HOST and DRIFTWATCH_HTTP_PORT are unset. */
export const DEFAULT_HTTP = { host: '127.0.0.1', port: 8080 } as const

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain identifier: letters, digits, _')
const EnvSchema = z.object({
  KAFKA_BROKERS: hostPortListVar.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('driftwatch'),
  KAFKA_GROUP_ID: z.string().min(1).default('driftwatch'),
  // Both clients speak HTTP only: `localhost:8123` (a URL of scheme `localhost:`), port 0 or an
  // unparsable URL is refused here rather than at the first request (./env-values.ts).
  SCHEMA_REGISTRY_URL: httpUrlVar('http://localhost:8081').optional(),
  CLICKHOUSE_URL: httpUrlVar('http://localhost:8123').optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: identifier.default('driftwatch'),
  DRIFTWATCH_DATA_DIR: z.string().min(1).default('.driftwatch'),
  DRIFTWATCH_CONFIG: z.string().min(1).optional(),
  DRIFTWATCH_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, . _ -').default(''),
  DRIFTWATCH_PARTITIONS: intVar(1, 1000).default(6),
  DRIFTWATCH_LOG_LEVEL: choiceVar(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DRIFTWATCH_LOG_FORMAT: choiceVar(['json', 'pretty']).optional(),
  DRIFTWATCH_HTTP_ENABLED: choiceVar(['true', 'false']).default('true'),
  DRIFTWATCH_HTTP_HOST: z.string().min(1).default(DEFAULT_HTTP.host),
  DRIFTWATCH_HTTP_PORT: portVar(0).default(DEFAULT_HTTP.port),
  DRIFTWATCH_HTTP_BODY_LIMIT_BYTES: intVar(1024, 1024 ** 3).default(5 * 1024 * 1024),
  DRIFTWATCH_HTTP_MAX_ITEMS: intVar(1, 1_000_000).default(10_000),
  DRIFTWATCH_SHUTDOWN_TIMEOUT_MS: intVar(100, 3_600_000).default(30_000),
  DRIFTWATCH_STUCK_PARTITION_MS: intVar(1000, 86_400_000).default(60_000),
  // DRIFTWATCH_API_TOKENS and DRIFTWATCH_API_TOKENS_FILE: parsed by api-tokens.ts, which keeps
  // only digests and never puts a token into a problem message.
})

export interface RuntimeConfig {
  readonly kafka: { readonly brokers: readonly string[]; readonly clientId: string; readonly groupId: string; readonly security: KafkaSecurity } | null
  readonly registryUrl: string | null
  readonly clickhouse: {
    readonly url: string | null
    readonly user: string
    readonly password: string
    readonly database: string
    readonly dataDir: string
    /** PEM CA certificate for an https CLICKHOUSE_URL. */
    readonly caCert: string | null
  }
  /** HMAC-SHA256 key for personal fields (subject_id, features listed as pii); see store/pseudonymize.ts. */
  readonly pseudonymizationKey: string | null
  readonly topics: {
    readonly predictions: string
    readonly groundTruth: string
    readonly partitions: number
    /** DRIFTWATCH_TOPIC_PREFIX: topics driftwatch creates for its own use (leader election) carry it too. */
    readonly prefix: string
  }
  readonly logLevel: string
  /** DRIFTWATCH_LOG_FORMAT; null: pretty on a terminal, JSON otherwise. */
  readonly logFormat: 'json' | 'pretty' | null
  /** How long a graceful stop (SIGTERM) may take before the process exits anyway. */
  readonly shutdownTimeoutMs: number
  /** A partition whose batch has not succeeded for this long (retrying, or hanging) is reported stuck in /readyz and the metrics. */
  readonly stuckPartitionMs: number
  /** Path of the monitoring configuration file; null: ./driftwatch.yaml when it exists. */
  readonly configFile: string | null
  readonly http: {
    /** `driftwatch start` serves the HTTP API (false: consume only). */
    readonly enabled: boolean
    readonly host: string
    /** 0 picks a free port. */
    readonly port: number
    readonly bodyLimitBytes: number
    readonly maxItems: number
    /** SHA-256 digests of the configured bearer tokens, never the tokens themselves. */
    readonly tokens: readonly ApiToken[]
  }
  /** Alert channels (Slack, SMTP, Grafana), the rule directory, and whether this instance runs alerts. */
  readonly alerts: AlertChannelsConfig
}

/** Validates the environment once; every problem is reported with its variable name. */
export function loadRuntimeConfig(given: Env): RuntimeConfig {
  const env = unsetEmpty(given)
  const parsed = EnvSchema.safeParse(env, { error: plainIssueMessage })
  const tokens = loadApiTokens(env['DRIFTWATCH_API_TOKENS'], env['DRIFTWATCH_API_TOKENS_FILE'])
  const secrets = loadSecrets(env)
  const alerts = parseAlertChannelsEnv(env)
  if (!parsed.success || tokens.problems.length || secrets.problems.length || alerts.problems.length) {
    const problems = [...problemLines(parsed.error?.issues ?? []), ...tokens.problems, ...secrets.problems, ...alerts.problems]
    throw new DriftwatchError('DW_CONFIG_INVALID', `invalid environment:\n  ${problems.join('\n  ')}`, { problems })
  }
  const e = parsed.data
  if (e.KAFKA_BROKERS && !e.SCHEMA_REGISTRY_URL) {
    throw new DriftwatchError(
      'DW_CONFIG_INVALID',
      'invalid environment:\n  SCHEMA_REGISTRY_URL: required when KAFKA_BROKERS is set (events on Kafka are Avro with registry ids)',
      { problems: ['SCHEMA_REGISTRY_URL: required when KAFKA_BROKERS is set'] },
    )
  }
  return {
    kafka: e.KAFKA_BROKERS ? { brokers: e.KAFKA_BROKERS, clientId: e.KAFKA_CLIENT_ID, groupId: e.KAFKA_GROUP_ID, security: secrets.kafka } : null,
    registryUrl: e.SCHEMA_REGISTRY_URL ?? null,
    clickhouse: {
      url: e.CLICKHOUSE_URL ?? null,
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
      dataDir: e.DRIFTWATCH_DATA_DIR,
      caCert: secrets.clickhouseCaCert,
    },
    topics: {
      predictions: `${e.DRIFTWATCH_TOPIC_PREFIX}predictions`,
      groundTruth: `${e.DRIFTWATCH_TOPIC_PREFIX}ground-truth`,
      partitions: e.DRIFTWATCH_PARTITIONS,
      prefix: e.DRIFTWATCH_TOPIC_PREFIX,
    },
    logLevel: e.DRIFTWATCH_LOG_LEVEL,
    logFormat: e.DRIFTWATCH_LOG_FORMAT ?? null,
    configFile: e.DRIFTWATCH_CONFIG ?? null,
    shutdownTimeoutMs: e.DRIFTWATCH_SHUTDOWN_TIMEOUT_MS,
    stuckPartitionMs: e.DRIFTWATCH_STUCK_PARTITION_MS,
    pseudonymizationKey: secrets.pseudonymizationKey,
    http: {
      enabled: e.DRIFTWATCH_HTTP_ENABLED === 'true',
      host: e.DRIFTWATCH_HTTP_HOST,
      port: e.DRIFTWATCH_HTTP_PORT,
      bodyLimitBytes: e.DRIFTWATCH_HTTP_BODY_LIMIT_BYTES,
      maxItems: e.DRIFTWATCH_HTTP_MAX_ITEMS,
      tokens: tokens.tokens,
    },
    alerts: alerts.config!,
  }
}
