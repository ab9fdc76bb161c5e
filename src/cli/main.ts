/**
 * `driftwatch` command line. Exit codes: 0 success, 1 runtime failure, 2 invalid configuration
 * or usage. A failure is one line on stderr, `driftwatch: <CODE>: <what to do>`, never a stack
 * trace (DRIFTWATCH_DEBUG=1 adds the stack of an unexpected error, for a bug report).
 */
import { readFileSync } from 'node:fs'
import { Command, Option } from 'commander'
import { loadRuntimeConfig } from '../config/env.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import { createLogger } from '../observability/logger.js'
import { EXIT, type CommandContext } from './command.js'
import { fileError } from './files.js'
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
    .exitOverride()
    // Usage mistakes are one line with the way to the help, not the whole help (subcommands inherit this).
    .configureOutput({ outputError: (text, write) => write(`driftwatch: ${oneLine(text.replace(/^error: /, ''))} (see --help)\n`) })

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
    const known = isDriftwatchError(e) ? e : asDriftwatchError(e)
    if (known) {
      process.stderr.write(`driftwatch: ${known.code}: ${oneLine(known.message)}\n`)
      return known.code === 'DW_CONFIG_INVALID' || known.code.startsWith('DW_FILE_') ? EXIT.config : EXIT.failure
    }
    const message = e instanceof Error ? e.message : String(e)
    process.stderr.write(`driftwatch: unexpected error: ${oneLine(message)}${process.env['DRIFTWATCH_DEBUG'] ? `\n${(e as Error).stack ?? ''}` : ' (DRIFTWATCH_DEBUG=1 shows the stack trace; please report it)'}\n`)
    return EXIT.failure
  }
}

/** Messages go on one line, and not kilobytes of it (a header row of a binary file, say). */
function oneLine(text: string, max = 600): string {
  // A list (one problem per line) becomes `a; b; c`.
  const line = text.trim().replace(/:\s*[\r\n]+\s*/g, ': ').replace(/\s*[\r\n]+\s*/g, '; ')
  return line.length > max ? `${line.slice(0, max)}...` : line
}

/** Node's errors for the usual mistakes (a file that is a directory, a port in use) as DriftwatchErrors. */
function asDriftwatchError(e: unknown): DriftwatchError | null {
  const err = e as NodeJS.ErrnoException & { port?: number; address?: string }
  if (err?.code === 'EADDRINUSE') {
    return new DriftwatchError('DW_PORT_IN_USE', `${err.address ?? ''}:${err.port ?? ''} is already in use: stop what listens there, or set DRIFTWATCH_HTTP_PORT`)
  }
  if (typeof err?.path === 'string') {
    const mapped = fileError(e, err.path, 'file', err.syscall === 'write' || err.syscall === 'mkdir' ? 'write' : 'read')
    if (isDriftwatchError(mapped)) return mapped
  }
  // A file error without a path (a read on an open descriptor): still the user's file.
  if (err?.code === 'EISDIR' || err?.code === 'EACCES' || err?.code === 'EPERM' || err?.code === 'ENOENT') {
    return new DriftwatchError('DW_FILE_INVALID', `a file could not be read: ${err.message}`)
  }
  return null
}

process.exitCode = await main(process.argv)
