/**
 * `driftwatch` command line. Exit codes: 0 success, 1 runtime failure, 2 invalid configuration
 * or usage, 3 a failed `report --fail-on` gate. A failure is one line on stderr,
 * `driftwatch: <CODE>: <what to do>`, never a stack trace (DRIFTWATCH_DEBUG=1 adds the stack of
 * an unexpected error, for a bug report); an invalid configuration with several problems is
 * that line followed by one line per problem (./one-line.ts). Output whose reader has gone
 * (`| head -1`) is dropped while the command finishes its work (./output.ts).
 */
import { Command } from 'commander'
import type { RuntimeConfig } from '../config/env.js'
import { isDriftwatchError } from '../errors.js'
import { EXIT, type CommandContext } from './command.js'
import { registerCommands } from './commands.js'
import { assertDataDir } from './data-dir.js'
import { asDriftwatchError } from './known-errors.js'
import { failureText, oneLine } from './one-line.js'
import { guardOutput, linesTo } from './output.js'
import { terminalLines } from '../terminal-text.js'
import { PACKAGE_VERSION } from '../package-root.js'

/** A failure's line(s) on stderr, a name from data quoted in them rendered for a terminal (../terminal-text.ts). */
const printError = linesTo(process.stderr)

async function main(argv: string[]): Promise<number> {
  const output = guardOutput()
  const code = await run(argv)
  // A failed write reports its error on a later tick.
  await new Promise((resolve) => setImmediate(resolve))
  const failure = output.failure()
  if (failure === undefined) return code
  if (failure.stream !== 'standard error') printError(`driftwatch: cannot write to ${failure.stream}: ${oneLine(failure.message)}; the output is incomplete`)
  return code === EXIT.ok ? EXIT.failure : code
}

async function run(argv: string[]): Promise<number> {
  const program = new Command()
    .name('driftwatch')
    .description('ML-model monitoring on Kafka and ClickHouse: drift, performance, fairness, data quality.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .exitOverride()
    // Usage mistakes are one line with the way to the help, not the whole help (subcommands inherit this).
    .configureOutput({ outputError: (text, write) => write(`${terminalLines(`driftwatch: ${oneLine(text.replace(/^error: /, ''))} (see --help)`)}\n`) })

  let work: (() => Promise<number>) | undefined
  let loadConfig: ((env: NodeJS.ProcessEnv) => RuntimeConfig) | undefined
  let config: RuntimeConfig | undefined
  const ctx: CommandContext = {
    config: () => {
      if (loadConfig === undefined) throw new Error('the configuration is read by a command\'s work, after parsing')
      config = loadConfig(process.env)
      // Every command that reads the environment refuses a data folder that is a file, as start does.
      assertDataDir(config.clickhouse.dataDir)
      return config
    },
    configuration: async (o) => {
      if (loadConfig === undefined) throw new Error('the configuration is read by a command\'s work, after parsing')
      const loaded = (await import('./configuration.js')).loadConfiguration(process.env, o)
      config = loaded.config
      return loaded
    },
    run: (w) => {
      work = w
    },
  }
  // Declarations only: a command's implementation is imported when it runs (./commands.ts).
  registerCommands(program, ctx)

  try {
    refuseUnknownHelpTopic(program, argv.slice(2))
    await program.parseAsync(argv)
    if (work === undefined) return EXIT.ok
    // The environment's schema (zod) is loaded for a command that runs, not for --help or --version.
    loadConfig = (await import('../config/env.js')).loadRuntimeConfig
    return await work()
  } catch (e) {
    const err = e as { code?: string; exitCode?: number }
    // `help`, --help and --version exit 0; help shown for a missing subcommand exits non-zero: a usage mistake.
    if (err.code === 'commander.help' || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return err.exitCode === 0 ? EXIT.ok : EXIT.config
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) return EXIT.config
    const known = isDriftwatchError(e) ? e : asDriftwatchError(e, config)
    if (known) {
      printError(`driftwatch: ${known.code}: ${failureText(known)}`)
      return known.code === 'DW_CONFIG_INVALID' || known.code.startsWith('DW_FILE_') ? EXIT.config : EXIT.failure
    }
    const message = e instanceof Error ? e.message : String(e)
    printError(`driftwatch: unexpected error: ${oneLine(message)}${process.env['DRIFTWATCH_DEBUG'] ? `\n${(e as Error).stack ?? ''}` : ' (DRIFTWATCH_DEBUG=1 shows the stack trace; please report it)'}`)
    return EXIT.failure
  }
}

/**
 * `driftwatch help <name>` (or `backfill help <name>`) of a name that is no command: commander
 * would print the whole help; this is the unknown-command error `driftwatch <name>` gives.
 */
function refuseUnknownHelpTopic(program: Command, args: readonly string[]): void {
  const find = (cmd: Command, name: string) => cmd.commands.find((c) => c.name() === name || c.aliases().includes(name))
  let cmd = program
  for (const [i, arg] of args.entries()) {
    if (arg.startsWith('-')) return
    if (arg === 'help' && cmd.commands.length > 0) {
      const topic = args[i + 1]
      if (topic !== undefined && !topic.startsWith('-') && !find(cmd, topic)) cmd.error(`unknown command '${topic}'`, { code: 'commander.unknownCommand', exitCode: EXIT.config })
      return
    }
    const sub = find(cmd, arg)
    if (sub === undefined) return
    cmd = sub
  }
}

process.exitCode = await main(process.argv)
