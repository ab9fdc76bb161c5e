/**
 * `driftwatch status [--model M] [--windows N] [--json]`: each model's latest windows, the
 * firing alerts and the dead letters of the last day. Works whether or not `driftwatch start`
 * runs: when it holds the data directory, the figures come from its read API (./read-client.ts
 * runningInstance); otherwise from the store directly. Both ways go through the same read
 * queries (src/read), so they show the same figures.
 * Exit codes: 0 shown, 1 runtime failure (store or API unavailable, unknown model), 2 usage.
 */
import type { RuntimeConfig } from '../config/env.js'
import { DriftwatchError } from '../errors.js'
import { createReadQueries, type AlertView, type DeadLetterReport, type ModelSummary, type ReadQueries } from '../read/index.js'
import { openStore } from '../store/clickhouse.js'
import { loadFileConfig, type FileConfig } from '../config/file.js'
import { EXIT } from './command.js'
import { openForMaintenance } from './maintenance-store.js'
import { runningInstance } from './read-client.js'
import { formatStatus, type StatusAlert, type StatusView } from './status-format.js'
import { deadLetterLine, deadLetterStatus } from './status-dead-letters.js'
import { pushAll } from '../arrays.js'
import { linesTo } from './output.js'

export interface StatusOptions {
  readonly model?: string
  readonly windows?: string
  readonly json?: boolean
}

export interface StatusDeps {
  readonly out?: (line: string) => void
  readonly env?: Readonly<Record<string, string | undefined>>
  /**
   * driftwatch.yaml, read only when no running `driftwatch start` answers (its problems are
   * thrown then: ./configuration.ts); default: read from config.configFile.
   */
  readonly file?: () => FileConfig
}

async function all<T>(fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor: string | null }>): Promise<T[]> {
  const items: T[] = []
  let cursor: string | undefined
  do {
    const page = await fetchPage(cursor)
    pushAll(items, page.items)
    cursor = page.next_cursor ?? undefined
  } while (cursor !== undefined)
  return items
}

/** The status of every model (or one), read through `read`. */
export async function collectStatus(read: ReadQueries, o: { model?: string; windows: number }): Promise<Omit<StatusView, 'source'> & { dead_letters: DeadLetterReport }> {
  // One model: read alone (404 DW_NOT_FOUND when unknown), not every model's headline to keep one.
  const models: ModelSummary[] = o.model === undefined ? await all((cursor) => read.models({ limit: 1000, cursor })) : [await read.model(o.model)]
  const withWindows = await Promise.all(models.map(async (summary) => ({ summary, windows: (await read.windows(summary.model, { order: 'desc', limit: o.windows })).items })))
  const alerts: AlertView[] = await all((cursor) => read.alerts({ status: 'firing', limit: 1000, cursor, ...(o.model === undefined ? {} : { model: o.model }) }))
  return { models: withWindows, alerts: await withWindowOpen(read, alerts), dead_letters: await deadLetterStatus(read) }
}

/**
 * Each alert with whether its window is open. An alert carries no open flag: it is read from each
 * alerted model's windows from its oldest alerted window on, as the web UI's alerts page reads it.
 * A model the read queries no longer know has no open window; a service-level alert (no model) has none.
 */
async function withWindowOpen(read: ReadQueries, alerts: readonly AlertView[]): Promise<StatusAlert[]> {
  const key = (model: string, version: string, start: string) => JSON.stringify([model, version, start])
  const oldest = new Map<string, string>()
  for (const a of alerts) {
    if (a.model === '') continue
    const seen = oldest.get(a.model)
    if (seen === undefined || a.window_start < seen) oldest.set(a.model, a.window_start)
  }
  const open = new Set<string>()
  for (const [model, from] of oldest) {
    try {
      for (const w of await all((cursor) => read.windows(model, { from, limit: 1000, cursor }))) if (!w.closed) open.add(key(model, w.model_version, w.window_start))
    } catch (e) {
      if (!(e instanceof DriftwatchError && e.code === 'DW_NOT_FOUND')) throw e
    }
  }
  return alerts.map((a) => ({ ...a, window_open: a.model !== '' && open.has(key(a.model, a.model_version, a.window_start)) }))
}

function windowsFlag(value: string | undefined): number {
  if (value === undefined) return 5
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new DriftwatchError('DW_CONFIG_INVALID', `--windows must be a whole number from 1 to 1000, got "${value}"`)
  return n
}

export async function runStatus(config: RuntimeConfig, o: StatusOptions, deps: StatusDeps = {}): Promise<number> {
  const out = deps.out ?? linesTo(process.stdout)
  const windows = windowsFlag(o.windows)
  const instance = runningInstance(config.clickhouse.dataDir, deps.env ?? process.env)
  let view: StatusView & { dead_letters: DeadLetterReport }
  if (instance) {
    view = { source: { kind: 'api', url: instance.url }, ...(await instance.ask((read) => collectStatus(read, { model: o.model, windows }))) }
  } else {
    // Read before the store is opened: a bad file is refused before anything starts.
    const file = (deps.file ?? (() => loadFileConfig(config.configFile)))()
    const store = await openForMaintenance(config, openStore)
    try {
      const read = createReadQueries({ store, file, now: Date.now })
      view = { source: { kind: 'store', location: store.location }, ...(await collectStatus(read, { model: o.model, windows })) }
    } finally {
      await store.close()
    }
  }
  if (o.json) out(JSON.stringify(view, null, 2))
  else for (const line of [...formatStatus(view), deadLetterLine(view.dead_letters)]) out(line)
  return EXIT.ok
}
