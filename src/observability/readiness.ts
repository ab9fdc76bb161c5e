/**
 * Readiness: can this instance do its work right now? Every dependency is checked in parallel,
 * each bounded by a timeout:
 *   clickhouse  SELECT 1                         (always)
 *   kafka       admin describeCluster            (Kafka mode), and when this instance consumes,
 *               the two topics' partition counts: a partition added to one of them while
 *               running fails the check with DW_TOPIC_MISMATCH (src/kafka/topics.ts)
 *   registry    GET <SCHEMA_REGISTRY_URL>/subjects (Kafka mode)
 * The report names each dependency with ok/failed and, for a failure, its DW_* code; the reason
 * (which may name hosts) goes to the log only. Concurrent probes share one round of checks.
 * When the consumer's partition progress is given, a partition stuck longer than
 * DRIFTWATCH_STUCK_PARTITION_MS (a poison batch retried forever, ClickHouse away, a hang) makes
 * the instance unready too: check `partitions` fails with DW_PARTITION_STUCK and `stuckPartitions`
 * names each one (topic, partition, seconds, attempts, last DW_* code).
 *
 * A consumed topic deleted while running fails the kafka check with DW_TOPIC_MISMATCH, and
 * `missingTopics` names it (topic names, never hosts). The clickhouse check also fails while the
 * store's last write failed (./store-writes.ts: a full or read-only disk answers SELECT 1), with
 * that write's code; see clickhouseCheck for how it becomes ready again.
 */
import { pushAll } from '../arrays.js'
import type { Admin, Kafka } from 'kafkajs'
import { isDriftwatchError, type ErrorCode } from '../errors.js'
import { assertCoPartitioned, type TopicLayout } from '../kafka/topics.js'
import { registryRequest } from '../registry/client.js'
import type { Store } from '../store/clickhouse.js'
import type { Logger } from './logger.js'
import { storeWritesOf, type StoreWrites } from './store-writes.js'

export type Dependency = 'clickhouse' | 'kafka' | 'registry'

export interface DependencyCheck {
  readonly name: Dependency
  /** The code reported when the check fails, unless it throws a DriftwatchError, whose code is more precise. */
  readonly code: ErrorCode
  run(): Promise<void>
}

export type CheckResult = { readonly status: 'ok' } | { readonly status: 'failed'; readonly code: ErrorCode }

export interface StuckPartitionReport {
  readonly topic: string
  readonly partition: number
  readonly blockedSeconds: number
  readonly failures: number
  readonly lastCode: string | null
}

export interface ReadinessReport {
  readonly ready: boolean
  readonly checks: Partial<Record<Dependency | 'partitions', CheckResult>>
  /** Present when some partition is stuck. */
  readonly stuckPartitions?: readonly StuckPartitionReport[]
  /** Present when a consumed topic does not exist (the kafka check fails with DW_TOPIC_MISMATCH). */
  readonly missingTopics?: readonly string[]
}

/** The stuck partitions now (PartitionProgress.stuck). */
export type StuckPartitions = () => readonly StuckPartitionReport[]

/** Adds the partitions check to a dependency report. */
export function withPartitions(report: ReadinessReport, stuck: readonly StuckPartitionReport[]): ReadinessReport {
  if (stuck.length === 0) return { ...report, checks: { ...report.checks, partitions: { status: 'ok' } } }
  return {
    ...report,
    ready: false,
    checks: { ...report.checks, partitions: { status: 'failed', code: 'DW_PARTITION_STUCK' } },
    stuckPartitions: stuck.map(({ topic, partition, blockedSeconds, failures, lastCode }) => ({ topic, partition, blockedSeconds: Math.round(blockedSeconds), failures, lastCode })),
  }
}

export interface Readiness {
  check(): Promise<ReadinessReport>
  close(): Promise<void>
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

/** Runs the checks in parallel; pure apart from what the checks do. */
export async function runChecks(checks: readonly DependencyCheck[], timeoutMs: number, onFailure: (name: Dependency, err: unknown) => void): Promise<ReadinessReport> {
  const missing: string[] = []
  const results = await Promise.all(
    checks.map(async (c): Promise<[Dependency, CheckResult]> => {
      try {
        await withTimeout(c.run(), timeoutMs)
        return [c.name, { status: 'ok' }]
      } catch (err) {
        onFailure(c.name, err)
        pushAll(missing, missingTopicsOf(err))
        return [c.name, { status: 'failed', code: isDriftwatchError(err) ? err.code : c.code }]
      }
    }),
  )
  return { ready: results.every(([, r]) => r.status === 'ok'), checks: Object.fromEntries(results), ...(missing.length > 0 ? { missingTopics: missing } : {}) }
}

/** The topics a failed check found missing (src/kafka/topics.ts assertCoPartitioned), else none. */
function missingTopicsOf(err: unknown): string[] {
  const topics = isDriftwatchError(err) ? err.context['missingTopics'] : undefined
  return Array.isArray(topics) ? topics.filter((t): t is string => typeof t === 'string') : []
}

/**
 * The size of the write probe: ClickHouse's smallest reservation for a part ("Cannot reserve
 * 1.00 MiB, not enough space" on a full disk), so that a probe that fits says an insert may too.
 */
export const WRITE_PROBE_BYTES = 1024 * 1024

/**
 * `SELECT 1`, then the store's writes (`writes`, by default the watch trackStoreWrites put on the
 * store): while the last write failed, the check fails with that write's code, and the reason (the
 * store's message, e.g. ENOSPC naming the file) goes to the log.
 *
 * It becomes ready again when a write succeeds. In embedded mode writes come only from HTTP
 * ingest, and a load balancer that routes by readiness would send none to an instance it took out:
 * so on the embedded engine the check tries a write of its own while writes fail, a file of
 * WRITE_PROBE_BYTES where the engine's files go (`withStringSet`, removed at once), and is ready
 * once that is written. A ClickHouse server's disk is not this machine's to probe: the check is
 * ready again after the next insert succeeds (consumers retry theirs on their own).
 */
export function clickhouseCheck(store: Store, writes: StoreWrites | undefined = storeWritesOf(store)): DependencyCheck {
  return {
    name: 'clickhouse',
    code: 'DW_CLICKHOUSE_UNAVAILABLE',
    run: async () => {
      await (await store.client.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' })).json()
      if (!writes?.failure()) return
      if (store.kind === 'chdb') {
        try {
          await store.withStringSet(['x'.repeat(WRITE_PROBE_BYTES)], async () => undefined)
          writes.succeeded()
          return
        } catch (e) {
          writes.failed(e)
        }
      }
      const failure = writes.failureError()
      if (failure) throw failure
    },
  }
}

/**
 * Keeps one admin connection between probes; a failure drops it so the next probe reconnects.
 * With `topics`, also compares the two topics' partition counts.
 */
export function kafkaCheck(kafka: Kafka, topics?: TopicLayout): DependencyCheck & { close(): Promise<void> } {
  let admin: Admin | null = null
  const drop = async () => {
    const a = admin
    admin = null
    await a?.disconnect().catch(() => undefined)
  }
  return {
    name: 'kafka',
    code: 'DW_KAFKA_UNAVAILABLE',
    async run() {
      try {
        if (!admin) {
          admin = kafka.admin({ retry: { retries: 0 } })
          await admin.connect()
        }
        await admin.describeCluster()
      } catch (e) {
        await drop()
        throw e
      }
      if (topics) await assertCoPartitioned(admin, topics)
    },
    close: drop,
  }
}

/** GET /subjects; credentials in the URL (https://user:pass@host) become a Basic header, as fetch refuses them in the URL. */
export function registryCheck(registryUrl: string, fetchFn: typeof fetch = fetch): DependencyCheck {
  const { url, headers } = registryRequest(registryUrl, '/subjects', 'application/json')
  const subjects = url.toString()
  return {
    name: 'registry',
    code: 'DW_REGISTRY_UNAVAILABLE',
    async run() {
      const res = await fetchFn(subjects, { headers, signal: AbortSignal.timeout(10_000) })
      await res.arrayBuffer().catch(() => undefined)
      if (res.status === 401 || res.status === 403) {
        throw new Error(`GET /subjects answered ${res.status}: the registry refuses these credentials; check the user and password in SCHEMA_REGISTRY_URL, or the user's rights`)
      }
      if (!res.ok) throw new Error(`GET /subjects answered ${res.status}`)
    },
  }
}

export interface ReadinessOptions {
  readonly store: Store
  /** Kafka mode: the client and registry URL; embedded mode: null (only ClickHouse is checked). */
  readonly kafka: Kafka | null
  readonly registryUrl: string | null
  readonly logger: Logger
  /** Per check; default 2000 ms. */
  readonly timeoutMs?: number
  /** The consumer's stuck partitions (App.stuckPartitions); absent where this instance consumes nothing. */
  readonly stuckPartitions?: StuckPartitions
  /** The consumed topics, whose partition counts must stay equal; absent where this instance consumes nothing. */
  readonly topics?: TopicLayout
}

export function createReadiness(o: ReadinessOptions): Readiness {
  const kafka = o.kafka ? kafkaCheck(o.kafka, o.topics) : null
  const checks: DependencyCheck[] = [clickhouseCheck(o.store), ...(kafka ? [kafka] : []), ...(o.kafka && o.registryUrl ? [registryCheck(o.registryUrl)] : [])]
  const log = o.logger.child({ component: 'readiness' })
  let inFlight: Promise<ReadinessReport> | null = null
  return {
    check() {
      inFlight ??= runChecks(checks, o.timeoutMs ?? 2000, (dependency, err) => log.warn({ dependency, err: (err as Error).message }, 'dependency not ready')).finally(() => {
        inFlight = null
      })
      const stuck = o.stuckPartitions
      return stuck ? inFlight.then((report) => withPartitions(report, stuck())) : inFlight
    },
    close: async () => {
      await kafka?.close()
    },
  }
}
