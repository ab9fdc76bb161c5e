/**
 * driftwatch's own Prometheus metrics (prom-client). `createMetrics` builds them on a registry
 * that the composition root owns and passes down: nothing here is a global, so two apps in one
 * process (the tests) never share a counter, and pure code never imports prom-client (it gets a
 * narrow hook, e.g. AlertDeliveryRecorder, instead).
 *
 * Series (all prefixed driftwatch_; *_seconds are histograms):
 *   events_consumed_total{topic}                records whose batch was stored (accepted + dead-lettered)
 *   dead_letters_total{topic,code}              dead letters written (incl. DW_ORPHAN_LABEL from the evaluator)
 *   erased_records_skipped_total{topic}         records of erased predictions read again, neither stored nor dead-lettered
 *   batch_duration_seconds{topic}               one batch handler call: decode, validate, write, join
 *   batch_failures_total{topic,retriable}       batch handler calls that threw
 *   clickhouse_write_duration_seconds{table}    one insert, successful or not
 *   clickhouse_write_errors_total{table}        inserts that failed
 *   consumer_lag_messages{topic,partition}      high watermark - committed offset of the consumer group
 *   join_index_size / join_index_capacity       predictions in the in-memory join index / its bound
 *   pending_labels                              stored labels still waiting for their prediction
 *   watermark_lag_seconds{model}                wall clock - the model's event-time watermark (sampled)
 *   alert_deliveries_total{channel,status}      alert notifications, by channel and outcome
 *   sampler_errors_total{sampler}               periodic samples (lag, pending labels) that failed
 *   sample_timestamp_seconds{sampler}           when a sampler last succeeded (staleness alerts)
 *   partition_stuck{topic,partition}            1 while the partition's batch has not succeeded for longer than DRIFTWATCH_STUCK_PARTITION_MS
 *   partition_blocked_seconds{topic,partition}  how long the partition's current batch has been retrying (or hanging); 0 when idle
 *   build_info{version,node}                    1, labelled with the running version (join it onto other series)
 * plus prom-client's standard process and Node.js metrics, unprefixed as every Node.js exporter
 * names them (process_*, nodejs_*), so stock dashboards and alerts for Node.js work unchanged.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import { PACKAGE_VERSION } from '../package-root.js'

export const METRIC_PREFIX = 'driftwatch_'

/** Seconds; from a 1 ms insert on chDB to a 30 s batch stuck behind a slow ClickHouse. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** What the partition gauges read at scrape time (PartitionProgress satisfies it). */
export interface PartitionStates {
  states(): readonly { readonly topic: string; readonly partition: number; readonly blockedSeconds: number; readonly stuck: boolean }[]
}

/** What the join index gauge reads at scrape time (Joiner.index satisfies it). */
export interface SizedIndex {
  readonly size: number
  readonly capacity: number
}

export interface DriftwatchMetrics {
  readonly registry: Registry
  readonly eventsConsumed: Counter<'topic'>
  readonly deadLetters: Counter<'topic' | 'code'>
  readonly erasedSkipped: Counter<'topic'>
  readonly batchDuration: Histogram<'topic'>
  readonly batchFailures: Counter<'topic' | 'retriable'>
  readonly clickhouseWriteDuration: Histogram<'table'>
  readonly clickhouseWriteErrors: Counter<'table'>
  readonly consumerLag: Gauge<'topic' | 'partition'>
  readonly groupConfigMismatch: Gauge
  readonly pendingLabels: Gauge
  readonly watermarkLag: Gauge<'model'>
  readonly alertDeliveries: Counter<'channel' | 'status'>
  readonly samplerErrors: Counter<'sampler'>
  readonly sampleTimestamp: Gauge<'sampler'>
  /** Reads `index.size` (and capacity) at every scrape from now on. */
  watchJoinIndex(index: SizedIndex): void
  /** Reads the partitions' progress at every scrape from now on. */
  watchPartitions(partitions: PartitionStates): void
}

export interface MetricsOptions {
  /** Default: a new registry. */
  readonly registry?: Registry
  /** prom-client's process/Node.js metrics (CPU, memory, event-loop lag, GC). Default true. */
  readonly processMetrics?: boolean
}

export function createMetrics(options: MetricsOptions = {}): DriftwatchMetrics {
  const registry = options.registry ?? new Registry()
  const registers = [registry]
  const name = (n: string) => `${METRIC_PREFIX}${n}`
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry })
  new Gauge({ name: name('build_info'), help: 'Always 1; the labels say which driftwatch and Node.js versions run.', labelNames: ['version', 'node'], registers })
    .set({ version: PACKAGE_VERSION, node: process.versions.node }, 1)

  let joinIndex: SizedIndex | null = null
  new Gauge({
    name: name('join_index_size'),
    help: 'Predictions held in the in-memory join index of this process (labels of older ones are looked up in ClickHouse).',
    registers,
    collect() {
      if (joinIndex) this.set(joinIndex.size)
    },
  })
  new Gauge({
    name: name('join_index_capacity'),
    help: 'Bound of the in-memory join index (join.indexSize).',
    registers,
    collect() {
      if (joinIndex) this.set(joinIndex.capacity)
    },
  })

  let partitions: PartitionStates | null = null
  new Gauge({
    name: name('partition_stuck'),
    help: '1 while the partition has not completed a batch for longer than DRIFTWATCH_STUCK_PARTITION_MS (retrying with backoff, or hanging); /readyz then names it.',
    labelNames: ['topic', 'partition'],
    registers,
    collect() {
      for (const p of partitions?.states() ?? []) this.set({ topic: p.topic, partition: String(p.partition) }, p.stuck ? 1 : 0)
    },
  })
  new Gauge({
    name: name('partition_blocked_seconds'),
    help: "Seconds the partition's current batch has been in progress without success (backing off after retriable failures, or hanging); 0 when idle.",
    labelNames: ['topic', 'partition'],
    registers,
    collect() {
      for (const p of partitions?.states() ?? []) this.set({ topic: p.topic, partition: String(p.partition) }, p.blockedSeconds)
    },
  })

  return {
    registry,
    eventsConsumed: new Counter({
      name: name('events_consumed_total'),
      help: 'Records processed durably, by source topic: accepted events plus dead letters.',
      labelNames: ['topic'],
      registers,
    }),
    deadLetters: new Counter({
      name: name('dead_letters_total'),
      help: 'Dead letters written, by source topic and DW_* error code.',
      labelNames: ['topic', 'code'],
      registers,
    }),
    erasedSkipped: new Counter({
      name: name('erased_records_skipped_total'),
      help: 'Records of predictions driftwatch erase deleted, read again (a replay) and neither stored nor dead-lettered, by source topic.',
      labelNames: ['topic'],
      registers,
    }),
    batchDuration: new Histogram({
      name: name('batch_duration_seconds'),
      help: 'Duration of one batch handler call (decode, validate, ClickHouse writes, join), by topic.',
      labelNames: ['topic'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    batchFailures: new Counter({
      name: name('batch_failures_total'),
      help: 'Batch handler calls that failed, by topic; retriable="true" ones are retried with backoff.',
      labelNames: ['topic', 'retriable'],
      registers,
    }),
    clickhouseWriteDuration: new Histogram({
      name: name('clickhouse_write_duration_seconds'),
      help: 'Duration of one ClickHouse insert, by table (failed inserts included).',
      labelNames: ['table'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    clickhouseWriteErrors: new Counter({
      name: name('clickhouse_write_errors_total'),
      help: 'ClickHouse inserts that failed, by table.',
      labelNames: ['table'],
      registers,
    }),
    consumerLag: new Gauge({
      name: name('consumer_lag_messages'),
      help: "Messages not yet committed by driftwatch's consumer group: high watermark minus committed offset, per partition (sampled).",
      labelNames: ['topic', 'partition'],
      registers,
    }),
    groupConfigMismatch: new Gauge({
      name: name('group_config_mismatch_members'),
      help: "Members of the consumer group whose driftwatch.yaml differs from this instance's, as of the last rebalance (0: all the same). Above 0 for longer than a rolling change takes, some records are judged by another file.",
      registers,
    }),
    pendingLabels: new Gauge({
      name: name('pending_labels'),
      help: 'Stored labels whose prediction is not stored yet and that are not dead-lettered as orphans (sampled).',
      registers,
    }),
    watermarkLag: new Gauge({
      name: name('watermark_lag_seconds'),
      help: "Wall clock minus each model's event-time watermark (before allowed lateness): how far behind event time runs (sampled).",
      labelNames: ['model'],
      registers,
    }),
    alertDeliveries: new Counter({
      name: name('alert_deliveries_total'),
      help: 'Alert notifications by channel (slack, email, grafana, ...) and status (sent, failed, unknown: given up with the outcome in doubt, retried, suppressed).',
      labelNames: ['channel', 'status'],
      registers,
    }),
    samplerErrors: new Counter({
      name: name('sampler_errors_total'),
      help: 'Periodic samples that failed (Kafka or ClickHouse unreachable), by sampler.',
      labelNames: ['sampler'],
      registers,
    }),
    sampleTimestamp: new Gauge({
      name: name('sample_timestamp_seconds'),
      help: 'Unix time of the last successful sample, by sampler: alert when it is older than a few intervals.',
      labelNames: ['sampler'],
      registers,
    }),
    watchJoinIndex(index) {
      joinIndex = index
    },
    watchPartitions(p) {
      partitions = p
    },
  }
}
