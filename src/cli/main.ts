/**
 * `driftwatch` command line. Exit codes: 0 success, 1 runtime failure, 2 invalid configuration
 * or usage. A failure is one line on stderr, `driftwatch: <CODE>: <what to do>`, never a stack
 * trace (DRIFTWATCH_DEBUG=1 adds the stack of an unexpected error, for a bug report).
 */
import { Command } from 'commander'
import type { RuntimeConfig } from '../config/env.js'
import { DriftwatchError, isDriftwatchError } from '../errors.js'
import { EXIT, type CommandContext } from './command.js'
import { registerCommands } from './commands.js'
import { fileError } from './files.js'
import { PACKAGE_VERSION } from '../package-root.js'

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('driftwatch')
    .description('ML-model monitoring on Kafka and ClickHouse: drift, performance, fairness, data quality.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .exitOverride()
    // Usage mistakes are one line with the way to the help, not the whole help (subcommands inherit this).
    .configureOutput({ outputError: (text, write) => write(`driftwatch: ${oneLine(text.replace(/^error: /, ''))} (see --help)\n`) })

  let work: (() => Promise<number>) | undefined
  let loadConfig: ((env: NodeJS.ProcessEnv) => RuntimeConfig) | undefined
  const ctx: CommandContext = {
    config: () => {
      if (loadConfig === undefined) throw new Error('the configuration is read by a command\'s work, after parsing')
      return loadConfig(process.env)
    },
    run: (w) => {
      work = w
    },
  }
  // Declarations only: a command's implementation is imported when it runs (./commands.ts).
  registerCommands(program, ctx)

  try {
    await program.parseAsync(argv)
    if (work === undefined) return EXIT.ok
    // The environment's schema (zod) is loaded for a command that runs, not for --help or --version.
    loadConfig = (await import('../config/env.js')).loadRuntimeConfig
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
