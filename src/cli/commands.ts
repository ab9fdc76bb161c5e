/**
 * Every `driftwatch` command as the user sees it: names, options, help texts. No implementation is
 * imported here: a command's module (and with it kafkajs, fastify, chDB, the report engine) is
 * loaded by a dynamic import() only when that command runs, so `driftwatch --help`, a command's
 * `--help` and `--version` load commander and little else (src/cli/main.test.ts proves it).
 * Imports in this file are type-only, or of modules that load no package but commander.
 */
import { type Command, Option } from 'commander'
import type { ReportCommandOptions } from './report.js'
import type { BackfillLabelsFlags } from './backfill.js'
import type { BaselineFlags } from './baseline.js'
import type { RecomputeFlags } from './recompute.js'
import type { EraseFlags } from './erase.js'
import type { StatusOptions } from './status.js'
import { EXIT, type CommandContext, type RegisterCommand } from './command.js'
// The demo's settings: a small pure module (no package), so --help can say what --days accepts.
import { DEFAULT_LOAN_DEMO } from '../demo/loan-model.js'

/** `driftwatch start --role`: what each role runs is in ./start.ts. */
export const ROLES = ['all', 'ingest', 'processor', 'evaluator', 'alerts'] as const
export type Role = (typeof ROLES)[number]

/**
 * `driftwatch baseline`'s default column names: ../report/columns.ts DEFAULT_TARGETS, written out
 * because importing that module loads the metrics and zod (commands.test.ts keeps the two equal).
 */
export const BASELINE_TARGETS = { label: 'label', prediction: 'prediction', score: 'score' } as const

export const registerStartCommand: RegisterCommand = (program, ctx) => {
  program
    .command('start')
    .description('run the pipeline: consume predictions and labels (Kafka, or the embedded source) into ClickHouse, evaluate, alert, serve HTTP')
    .addOption(new Option('--role <role>', 'run one role (needs Kafka and a ClickHouse server); default: every role').choices([...ROLES]).default('all'))
    .action((o: { role: Role }) =>
      ctx.run(async () => {
        const [{ ROLE_PARTS, runStart }, { createLogger }] = await Promise.all([import('./start.js'), import('../observability/logger.js')])
        const { config, file } = await ctx.configuration({ start: { ...ROLE_PARTS[o.role], role: o.role } })
        return runStart(config, createLogger(config.logLevel, { format: config.logFormat }), o.role, file())
      }),
    )
}

export const registerMigrateCommand: RegisterCommand = (program, ctx) => {
  program
    .command('migrate')
    .description('apply the ClickHouse migrations in schemas/clickhouse (idempotent)')
    .action(() => ctx.run(async () => (await import('./migrate.js')).runMigrate(ctx.config())))
}

export const registerDemoCommand: RegisterCommand = (program, ctx) => {
  program
    .command('demo')
    .description('simulate a loan-approval model through the real pipeline and show what was stored')
    .option('--days <n>', `days of simulated traffic, more than ${DEFAULT_LOAN_DEMO.driftDay} (the drift starts on day ${DEFAULT_LOAN_DEMO.driftDay + 1})`, String(DEFAULT_LOAN_DEMO.days))
    .option('--per-day <n>', 'predictions per day', '2000')
    .option('--seed <n>', 'random seed', '42')
    .action((o: { days: string; perDay: string; seed: string }) => ctx.run(async () => (await import('./demo.js')).runDemo(ctx.config(), o)))
}

export const registerReportCommand: RegisterCommand = (program, ctx) => {
  program
    .command('report')
    .description('compare a current file with a reference file (CSV or Parquet): feature drift, performance, fairness, data quality')
    .option('--reference <file>', 'reference data: CSV with a header row, or Parquet (*.parquet, *.pq) (features, and optionally label, prediction, score); optional when every --fail-on gate is on performance.* (not performance.degradation.*) or fairness.*')
    .requiredOption('--current <file>', 'current data, same columns (CSV, or Parquet: *.parquet, *.pq)')
    .option('--config <file>', 'model file (YAML): feature kinds, positive class, protected attributes, thresholds (docs/report.md)')
    .option('--protected <columns>', 'protected attributes for the fairness section, comma-separated')
    .option('--exclude <columns>', 'columns to leave out of the report, comma-separated')
    .option('--fail-on <gates>', "CI gates, e.g. 'drift_share>0.3, performance.f1<0.8': exit 3 when one holds (docs/report.md)")
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'text', 'html']).default('json'))
    .option('--progress', 'show progress on stderr even when it is not a terminal (always shown on a terminal)')
    .option('--output <file>', 'write the report to this file instead of standard output')
    .action((o: ReportCommandOptions) => ctx.run(async () => (await import('./report.js')).runReport(o)))
}

export const registerBackfillCommand: RegisterCommand = (program: Command, ctx) => {
  const backfill = program.command('backfill').description('send historical data through the pipeline')
  backfill
    .command('labels')
    .description('validate a file of ground-truth labels (CSV or JSON Lines), then publish it in acknowledged, resumable batches')
    .requiredOption('--file <path>', 'labels file: .csv with a header row, or .jsonl/.ndjson (see docs/backfill.md)')
    .option('--format <format>', 'csv or jsonl (default: from the extension)')
    .option('--skip-invalid', 'send the valid rows and skip (and count) invalid ones, instead of refusing the file')
    .option('--restart', 'ignore the checkpoint next to the file and send the whole file again')
    .option('--batch-size <n>', 'labels per acknowledged batch', '1000')
    .option('--max-errors <n>', 'invalid rows to print (all are counted)', '20')
    .action((flags: BackfillLabelsFlags) =>
      ctx.run(async () => {
        const { interruptSignal, runBackfillLabels } = await import('./backfill.js')
        const { config, file } = await ctx.configuration()
        const interrupt = interruptSignal()
        try {
          return await runBackfillLabels(config, flags, { signal: interrupt.signal, file: file() })
        } finally {
          interrupt.dispose()
        }
      }),
    )
}

export const registerBaselineCommand: RegisterCommand = (program, ctx) => {
  program
    .command('baseline')
    .description('profile a reference file (e.g. the training set) and store it as a model\'s baseline reference')
    .requiredOption('--model <id>', 'model id, as in driftwatch.yaml')
    .requiredOption('--file <file>', 'reference rows: CSV with a header row, or JSON lines (.jsonl/.ndjson), one flat object per row')
    .addOption(new Option('--format <format>', 'file format (default: by extension)').choices(['csv', 'jsonl']))
    .option('--label <column>', `label column (default: "${BASELINE_TARGETS.label}")`)
    .option('--prediction <column>', `predicted class column (default: "${BASELINE_TARGETS.prediction}")`)
    .option('--score <column>', `score column (probability of the positive class) (default: "${BASELINE_TARGETS.score}")`)
    .option('--exclude <columns>', 'columns that are not features (ids, timestamps), comma-separated')
    .action((o: BaselineFlags) =>
      ctx.run(async () => {
        const { runBaseline } = await import('./baseline.js')
        // Profiled as the stream stores: pii features pseudonymized under the deployment's key.
        const { config, file } = await ctx.configuration({ pseudonymizationKey: true })
        return runBaseline(config, o, { file: file() })
      }),
    )
}

export const registerConfigCommand: RegisterCommand = (program: Command, ctx) => {
  const config = program.command('config').description('check and describe the configuration')
  config
    .command('validate')
    .description('validate the environment and driftwatch.yaml; print every problem with its path (exit 0 valid, 2 invalid)')
    .option('--file <path>', 'the configuration file (default: DRIFTWATCH_CONFIG, else ./driftwatch.yaml when present)')
    .action((flags: { file?: string }) => ctx.run(async () => (await import('./config.js')).runConfigValidate(process.env, flags)))
  config
    .command('schema')
    .description('print the JSON Schema of driftwatch.yaml (for editors: see docs/operations.md)')
    .action(() =>
      ctx.run(async () => {
        process.stdout.write((await import('./config-schema.js')).formatConfigSchema())
        return EXIT.ok
      }),
    )
}

export const registerRecomputeCommand: RegisterCommand = (program, ctx) => {
  program
    .command('recompute')
    .description("re-evaluate a model's windows in an event-time range: mark them, then evaluate them under a new metric version")
    .requiredOption('--model <id>', 'model id')
    .requiredOption('--from <date>', 'start of the event-time range, inclusive: 2026-11-01 or 2026-11-01T00:00:00Z')
    .requiredOption('--to <date>', 'end of the event-time range, exclusive')
    .action((flags: RecomputeFlags) =>
      ctx.run(async () => {
        const { runRecompute } = await import('./recompute.js')
        const { config, file } = await ctx.configuration()
        return runRecompute(config, flags, { file: file() })
      }),
    )
}

export const registerEraseCommand: RegisterCommand = (program, ctx) => {
  program
    .command('erase')
    .description("right to erasure: delete every stored row of a data subject (predictions, their labels and dead letters) and re-mark the windows that counted them")
    .requiredOption('--subject <id>', 'the subject id as sent in subject_id (pseudonymized the same way before matching, when that is configured)')
    .option('--dry-run', 'count the rows and windows, delete nothing')
    .action((flags: EraseFlags) =>
      ctx.run(async () => {
        const { pseudonymizedSubjectKey, runErase } = await import('./erase.js')
        const { config, file } = await ctx.configuration({ pseudonymizationKey: true })
        return runErase(config, flags, { subjectKey: pseudonymizedSubjectKey(config), file: file() })
      }),
    )
}

export const registerAlertsCommand: RegisterCommand = (program: Command, ctx) => {
  const alerts = program.command('alerts').description('alert state, delivery status and silences')
  alerts
    .command('list')
    .description('firing alerts with their delivery status per channel (--all: resolved too; --history: every transition); asks the running `driftwatch start` when there is one')
    .option('--all', 'include resolved alerts')
    .option('--history <duration>', 'every transition in this past period, e.g. 7d')
    .option('--model <id>', 'only this model')
    .option('--rule <name>', 'only this rule')
    .option('--format <format>', 'text or json', 'text')
    .action((o: { all?: boolean; history?: string; model?: string; rule?: string; format?: string }) =>
      ctx.run(async () => (await import('./alerts.js')).runAlertsList(ctx.config(), o)),
    )
  alerts
    .command('mute')
    .description('hold notifications of a rule, a model, or a rule of a model, for a period')
    .option('--rule <name>', 'the rule to mute')
    .option('--model <id>', 'the model to mute')
    .option('--for <duration>', 'how long, e.g. 2h')
    .option('--until <time>', 'until this time, e.g. 2026-12-01T08:00:00Z')
    .option('--reason <text>', 'why (shown in alerts list)')
    .action((o: { rule?: string; model?: string; for?: string; until?: string; reason?: string }) =>
      ctx.run(async () => {
        const { runAlertsMute } = await import('./alerts.js')
        // driftwatch.yaml is read for the models it lists, so only with --model.
        if (!o.model) return runAlertsMute(ctx.config(), o)
        const { config, file } = await ctx.configuration()
        return runAlertsMute(config, o, { file: file() })
      }),
    )
  alerts
    .command('unmute [id]')
    .description('end a silence by id, or every silence of --rule / --model')
    .option('--rule <name>', 'silences of this rule')
    .option('--model <id>', 'silences of this model')
    .action((id: string | undefined, o: { rule?: string; model?: string }) => ctx.run(async () => (await import('./alerts.js')).runAlertsUnmute(ctx.config(), id, o)))
}

export const registerStatusCommand: RegisterCommand = (program, ctx) => {
  program
    .command('status')
    .description("each model's latest windows (volume, labels, drift, performance, fairness, quality) and the firing alerts; asks the running `driftwatch start` when there is one")
    .option('--model <id>', 'only this model')
    .option('--windows <n>', 'latest windows per model', '5')
    .option('--json', 'JSON instead of a table')
    .action((o: StatusOptions) =>
      ctx.run(async () => {
        const { runStatus } = await import('./status.js')
        // driftwatch.yaml is read only when no `driftwatch start` answers for the store.
        const { config, file } = await ctx.configuration({ fileRead: 'sometimes' })
        return runStatus(config, o, { file })
      }),
    )
}

/** Every command, in the order `driftwatch --help` lists them. */
export function registerCommands(program: Command, ctx: CommandContext): void {
  for (const register of [
    registerStartCommand,
    registerMigrateCommand,
    registerDemoCommand,
    registerReportCommand,
    registerBackfillCommand,
    registerBaselineCommand,
    registerConfigCommand,
    registerRecomputeCommand,
    registerEraseCommand,
    registerAlertsCommand,
    registerStatusCommand,
  ]) {
    register(program, ctx)
  }
}
