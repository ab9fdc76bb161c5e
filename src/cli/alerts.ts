/**
 * `driftwatch alerts list | mute | unmute` (docs/alerts.md).
 *   list   [--all] [--history <duration>] [--model <id>] [--rule <name>] [--format text|json]
 *          (read-only: while `driftwatch start` holds the data directory, read from its read API,
 *          ./read-client.ts runningInstance, and said so; otherwise from the store. Both ways
 *          through the same read query, src/read/alert-deliveries.ts)
 *   mute   --rule <name> | --model <id> (or both)  --for <duration> | --until <time>  [--reason <text>]
 *          (the rule and model must be known: ./mute-targets.ts)
 *   unmute <silence id> | --rule <name> | --model <id>
 *          (mute and unmute write: while `driftwatch start` holds the data directory, through its
 *          admin routes, ./admin-client.ts, said on stderr; otherwise on the store. Both ways through
 *          the same writes, ./mute-targets.ts silenceWrites, with the same output and exit code)
 * Exit codes: 0 done, 1 runtime failure or no active silence to unmute (DW_NOT_FOUND), 2 invalid usage.
 */
import { userInfo } from 'node:os'
import type { AlertListItem } from '../alerts/list.js'
import { describeTargets, SILENCE_END_MAX_MS, silenceEndTooLate, type Silence, type SilenceWrites } from '../alerts/silences.js'
import type { RuntimeConfig } from '../config/env.js'
import type { FileConfig } from '../config/file.js'
import { DriftwatchError } from '../errors.js'
import { alertDeliveryReport } from '../read/alert-deliveries.js'
import type { AlertDeliveryItem, AlertDeliveryOptions, AlertDeliveryReport, SilenceView } from '../read/index.js'
import { openStore, type Store } from '../store/clickhouse.js'
import { migrate } from '../store/migrate.js'
import { parseDurationMs } from '../window/duration.js'
import { formatAlertList, formatSilences, windowKey } from './alerts-format.js'
import { EXIT } from './command.js'
import { localNames, silenceWrites, type LocalNames } from './mute-targets.js'
import { linesTo } from './output.js'
import { runningAdminInstance } from './admin-client.js'
import { runningInstance } from './read-client.js'

export interface AlertsDeps {
  readonly out?: (line: string) => void
  readonly now?: () => number
  readonly openStore?: typeof openStore
  /** driftwatch.yaml as the command checked it with the environment (./configuration.ts); default: read here. */
  readonly file?: FileConfig
  /** Where list, mute and unmute find an API token for a running `driftwatch start` (DRIFTWATCH_API_TOKENS(_FILE)); default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Where mute and unmute say that a running `driftwatch start` wrote for them; default: stderr. */
  readonly err?: (line: string) => void
}

async function withStore<T>(config: RuntimeConfig, deps: AlertsDeps, work: (store: Store) => Promise<T>): Promise<T> {
  const store = (deps.openStore ?? openStore)(config.clickhouse)
  try {
    await migrate(store)
    return await work(store)
  } finally {
    await store.close()
  }
}

const usage = (message: string) => new DriftwatchError('DW_CONFIG_INVALID', message)

function durationFlag(flag: string, value: string): number {
  const ms = parseDurationMs(value)
  if (ms === null || ms <= 0) throw usage(`${flag} must be a duration like 30m, 2h, 1d, got "${value}"`)
  return ms
}

export async function runAlertsList(config: RuntimeConfig, o: { all?: boolean; history?: string; model?: string; rule?: string; format?: string }, deps: AlertsDeps = {}): Promise<number> {
  const out = deps.out ?? linesTo(process.stdout)
  const now = (deps.now ?? Date.now)()
  if (o.format && o.format !== 'text' && o.format !== 'json') throw usage(`--format must be text or json, got "${o.format}"`)
  const since = o.history === undefined ? undefined : now - durationFlag('--history', o.history)
  const query: AlertDeliveryOptions = { status: o.all ? 'all' : 'firing', transitions_since: since === undefined ? undefined : String(since), model: o.model, rule: o.rule }
  const instance = runningInstance(config.clickhouse.dataDir, deps.env ?? process.env)
  const { source, report } = instance
    ? { source: { kind: 'api', url: instance.url } as const, report: await instance.ask((read) => read.alertDeliveries(query)) }
    : await withStore(config, deps, async (store) => ({ source: { kind: 'store', location: store.location } as const, report: await alertDeliveryReport({ store, now: () => now }, query) }))
  const { items, silences, openWindows } = fromReport(report)
  if (o.format === 'json') out(JSON.stringify({ source, alerts: items, silences }, null, 2))
  else {
    // Said, as `driftwatch status --json` says it in its source: these come from another process.
    if (instance) out(`read from the running driftwatch start (pid ${instance.pid}) at ${instance.url}, which holds the data directory`)
    for (const line of [...formatAlertList(items, now, openWindows), '', ...formatSilences(silences)]) out(line)
  }
  return EXIT.ok
}

/** The report in the shape the tables and the JSON output have always had (epoch ms, camelCase), and the open alerted windows. */
function fromReport(report: AlertDeliveryReport): { items: AlertListItem[]; silences: Silence[]; openWindows: Set<string> } {
  const ms = (iso: string) => Date.parse(iso)
  const num = (v: number | string | null) => (v === null ? null : Number(v))
  const item = ({ transition: t, deliveries }: AlertDeliveryItem): AlertListItem => ({
    transition: {
      transitionId: t.transition_id, alertKey: t.alert_key, seq: t.seq, status: t.status, rule: t.rule, metric: t.metric, modelId: t.model, modelVersion: t.model_version,
      subject: t.subject, severity: t.severity, value: num(t.value),
      // A threshold is a number; null only for a stored NaN, which JSON writes as null either way.
      threshold: num(t.threshold) ?? Number.NaN,
      windowStartMs: ms(t.window_start), windowEndMs: ms(t.window_end), changedAtMs: ms(t.changed_at), details: t.details,
    },
    deliveries: deliveries.map((d) => ({
      channel: d.channel as AlertListItem['deliveries'][number]['channel'], status: d.status as AlertListItem['deliveries'][number]['status'], attempts: d.attempts,
      nextAttemptMs: ms(d.next_attempt_at), lastError: d.last_error, inDoubt: d.in_doubt, idempotencyKey: d.idempotency_key,
    })),
  })
  const silence = (s: SilenceView): Silence => ({ id: s.id, rule: s.rule, modelId: s.model, startsMs: ms(s.starts_at), endsMs: ms(s.ends_at), reason: s.reason, createdBy: s.created_by, source: 'cli' })
  const open = report.alerts.filter((a) => a.window_open).map((a) => windowKey(a.transition.model, a.transition.model_version, ms(a.transition.window_start)))
  return { items: report.alerts.map(item), silences: report.silences.map(silence), openWindows: new Set(open) }
}

export async function runAlertsMute(config: RuntimeConfig, o: { rule?: string; model?: string; for?: string; until?: string; reason?: string }, deps: AlertsDeps = {}): Promise<number> {
  const out = deps.out ?? linesTo(process.stdout)
  const now = (deps.now ?? Date.now)()
  if (!o.rule && !o.model) throw usage('mute needs --rule, --model, or both')
  if (Boolean(o.for) === Boolean(o.until)) throw usage('mute needs exactly one of --for <duration> and --until <time>')
  const endsMs = o.for ? now + durationFlag('--for', o.for) : Date.parse(o.until!)
  if (!Number.isFinite(endsMs) || endsMs <= now) throw usage(`--until must be a future time like 2026-12-01T08:00:00Z, got "${o.until}"`)
  if (endsMs > SILENCE_END_MAX_MS) throw usage(silenceEndTooLate(o.for ? `--for ${o.for}` : `--until ${o.until}`))
  const silence = { rule: o.rule ?? '', modelId: o.model ?? '', startsMs: now, endsMs, reason: o.reason ?? '', createdBy: safeUser() }
  // A rule or model nobody knows (a typo) is refused: its silence would mute nothing
  // (./mute-targets.ts, checked by the process that holds the store).
  const s = await withSilenceWrites(config, deps, (writes) => writes.mute(silence, now), () => localNames(config, o, deps.file))
  out(`muted ${describeTargets(s.rule, s.modelId)} until ${new Date(s.endsMs).toISOString()} (silence ${s.id}; \`driftwatch alerts unmute ${s.id}\` ends it)`)
  return EXIT.ok
}

export async function runAlertsUnmute(config: RuntimeConfig, id: string | undefined, o: { rule?: string; model?: string }, deps: AlertsDeps = {}): Promise<number> {
  const out = deps.out ?? linesTo(process.stdout)
  const now = (deps.now ?? Date.now)()
  if (!id && !o.rule && !o.model) throw usage('unmute needs a silence id, --rule or --model')
  // None matching is DW_NOT_FOUND (exit 1): an id or a name mistyped, the user's to correct.
  const ended = await withSilenceWrites(config, deps, (writes) => writes.unmute(id ? { id } : { rule: o.rule, model: o.model }, now))
  for (const s of ended) out(`unmuted ${describeTargets(s.rule, s.modelId)} (silence ${s.id})`)
  return EXIT.ok
}

/**
 * `work` with the silence writes of whoever holds the store: the running `driftwatch start` that
 * holds the data directory (its admin routes, ./admin-client.ts), said on stderr once it answered
 * so that stdout and the exit code are the same either way; else this process, on the store it
 * opens, with `names` read before the store is opened.
 */
async function withSilenceWrites<T>(config: RuntimeConfig, deps: AlertsDeps, work: (writes: SilenceWrites) => Promise<T>, names?: () => LocalNames): Promise<T> {
  const instance = runningAdminInstance(config.clickhouse.dataDir, deps.env ?? process.env)
  if (instance) {
    const result = await work(instance.writes)
    ;(deps.err ?? linesTo(process.stderr))(`written through the running driftwatch start (pid ${instance.pid}) at ${instance.url}, which holds the data directory`)
    return result
  }
  const local = names?.()
  return withStore(config, deps, (store) => work(silenceWrites(store, config, deps.file, local)))
}


function safeUser(): string {
  try {
    return userInfo().username
  } catch {
    return ''
  }
}
