/**
 * `driftwatch` command line. Exit codes: 0 success, 1 runtime failure, 2 invalid configuration
 * or usage.
 */
import { Command, Option } from 'commander'
import { loadRuntimeConfig } from '../config/env.js'
import { isDriftwatchError } from '../errors.js'
import { createLogger } from '../observability/logger.js'
import { EXIT, type CommandContext } from './command.js'
import { runDemo } from './demo.js'
import { runMigrate } from './migrate.js'
import { ROLES, runStart, type Role } from './start.js'
import { registerReportCommand } from './report.js'
import { registerBackfillCommand } from './backfill.js'
import { registerBaselineCommand } from './baseline.js'
import { registerConfigCommand } from './config.js'
import { registerEraseCommand } from './erase.js'
import { registerRecomputeCommand } from './recompute.js'
import { registerAlertsCommand } from './alerts.js'
import { PACKAGE_VERSION } from '../package-root.js'
import { registerStatusCommand } from './status.js'

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('driftwatch')
    .description('ML-model monitoring on Kafka and ClickHouse: drift, performance, fairness, data quality.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride()

  let work: () => Promise<number> = async () => EXIT.ok
  const ctx: CommandContext = {
    config: () => loadRuntimeConfig(process.env),
    run: (w) => {
      work = w
    },
  }

  program
    .command('start')
    .description('run the pipeline: consume predictions and labels (Kafka, or the embedded source) into ClickHouse, evaluate, alert, serve HTTP')
    .addOption(new Option('--role <role>', 'run one role (needs Kafka and a ClickHouse server); default: every role').choices([...ROLES]).default('all'))
    .action((o: { role: Role }) => ctx.run(() => runStart(ctx.config(), createLogger(ctx.config().logLevel, { format: ctx.config().logFormat }), o.role)))
  program
    .command('migrate')
    .description('apply the ClickHouse migrations in schemas/clickhouse (idempotent)')
    .action(() => ctx.run(() => runMigrate(ctx.config())))
  program
    .command('demo')
    .description('simulate a loan-approval model through the real pipeline and show what was stored')
    .option('--days <n>', 'days of simulated traffic', '14')
    .option('--per-day <n>', 'predictions per day', '2000')
    .option('--seed <n>', 'random seed', '42')
    .action((o: { days: string; perDay: string; seed: string }) => ctx.run(() => runDemo(ctx.config(), o)))

  registerReportCommand(program, ctx)
  registerBackfillCommand(program, ctx)
  registerBaselineCommand(program, ctx)
  registerConfigCommand(program, ctx)
  registerRecomputeCommand(program, ctx)
  registerEraseCommand(program, ctx)
  registerAlertsCommand(program, ctx)
  registerStatusCommand(program, ctx)

  try {
    await program.parseAsync(argv)
    return await work()
  } catch (e) {
    const err = e as { code?: string }
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) return EXIT.config
    if (isDriftwatchError(e)) {
      process.stderr.write(`driftwatch: ${e.code}: ${e.message}\n`)
      return e.code === 'DW_CONFIG_INVALID' || e.code.startsWith('DW_FILE_') ? EXIT.config : EXIT.failure
    }
    process.stderr.write(`driftwatch: ${(e as Error).stack ?? String(e)}\n`)
    return EXIT.failure
  }
}

process.exitCode = await main(process.argv)
