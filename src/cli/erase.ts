/**
 * `driftwatch erase --subject <id> [--dry-run]`: deletes every stored row of a data subject
 * (src/store/erase.ts) and reports the rows per table, and the labels and dead letters of ids
 * erased earlier that were stored again since (any subject's; one line, when there are any), then
 * marks the windows that counted them for re-evaluation (the running evaluator, or `driftwatch
 * recompute`, recomputes them).
 * Exit codes: 0 done (also when nothing was stored), 1 ClickHouse failure (safe to run again),
 * 2 usage. The subject id is never printed: it is personal data.
 *
 * subject_id is stored pseudonymized (HMAC-SHA256, src/store/pseudonymize.ts), so the id a person
 * gives is turned into the stored value first: `runErase(…, { subjectKey })` takes that function;
 * the command (./commands.ts) passes `pseudonymizedSubjectKey`, the key resolution of `driftwatch start`.
 */
import type { RuntimeConfig } from '../config/env.js'
import { loadFileConfig, modelConfig, type FileConfig } from '../config/file.js'
import { openStore, type Store } from '../store/clickhouse.js'
import { ERASED_TABLES, eraseSubject, type SubjectKey } from '../store/erase.js'
import { pseudonymizerFor } from '../store/pseudonymize.js'
import { EXIT } from './command.js'
import { openForMaintenance } from './maintenance-store.js'
import { linesTo } from './output.js'

export interface EraseFlags {
  readonly subject: string
  readonly dryRun?: boolean
}

export interface EraseDeps {
  readonly subjectKey: SubjectKey
  readonly out?: (line: string) => void
  readonly err?: (line: string) => void
  readonly now?: () => number
  readonly openStore?: typeof openStore
  /** driftwatch.yaml as the command checked it with the environment (./configuration.ts); default: read here. */
  readonly file?: FileConfig
}

export async function runErase(config: RuntimeConfig, flags: EraseFlags, deps: EraseDeps): Promise<number> {
  const out = deps.out ?? linesTo(process.stdout)
  const err = deps.err ?? linesTo(process.stderr)
  if (flags.subject.trim() === '') {
    err('driftwatch: DW_CONFIG_INVALID: --subject must not be empty')
    return EXIT.config
  }
  const file = deps.file ?? loadFileConfig(config.configFile)
  const store: Store = await openForMaintenance(config, deps.openStore ?? openStore, { file, logger: { warn: (_, message) => err(`warning: ${message}`) } })
  try {
    const report = await eraseSubject(store, {
      subjectId: flags.subject,
      subjectKey: deps.subjectKey,
      model: (id) => modelConfig(file, id),
      dryRun: flags.dryRun === true,
      runId: String((deps.now ?? Date.now)()),
    })
    const verb = flags.dryRun ? 'would delete' : 'deleted'
    out(`${flags.dryRun ? 'dry run: ' : ''}subject with ${report.predictionIds} prediction id(s) in ${store.location}, database ${store.database}`)
    const s = report.superseded
    // Older versions naming the subject of predictions that are another subject's now: those predictions stay.
    const superseded = s.rows > 0 ? `, ${s.rows} of them older version(s) of ${s.predictionIds} prediction id(s) now naming another subject (kept, with their labels)` : ''
    for (const table of ERASED_TABLES) out(`  ${table.padEnd(13)} ${verb} ${report.rows[table]} row(s)${table === 'predictions' ? superseded : ''}`)
    // Any subject's run removes these: labels and dead letters of ids erased earlier, stored again since (src/store/erase.ts).
    const again = report.stragglers
    if (again.predictionIds > 0) {
      out(`  stored again  ${verb} ${again.rows.ground_truth} label row(s) and ${again.rows.dead_letters} dead letter row(s) of ${again.predictionIds} prediction id(s) erased earlier`)
    }
    const d = report.derived
    out(`  derived       ${flags.dryRun ? 'would delete' : 'deleted'} ${d.partial_aggregates} partial aggregate row(s); ${flags.dryRun ? 'would rewrite' : 'rewrote'} ${d.reference_profiles} baseline profile(s) and ${d.drift} drift row(s) holding the subject's pii values`)
    out(
      flags.dryRun
        ? `  ${report.windows} window(s) would be marked for re-evaluation`
        : `  ${report.windows} window(s) marked for re-evaluation: the evaluator of \`driftwatch start\` recomputes them (or run \`driftwatch recompute\`)`,
    )
    return EXIT.ok
  } finally {
    await store.close()
  }
}

/** subject_id as `start` stores it: HMAC under DRIFTWATCH_PSEUDONYMIZATION_KEY (embedded: the key in the data directory). */
export const pseudonymizedSubjectKey = (config: RuntimeConfig): SubjectKey => pseudonymizerFor(config)
