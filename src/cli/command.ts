/**
 * How a command plugs into the `driftwatch` program: ./commands.ts declares each command with a
 * `register…Command(program, ctx)` (options, help) that, when chosen, hands its work to `ctx.run`;
 * the work imports the command's module (./report.ts, ./start.ts …) and returns the exit code (see EXIT).
 */
import type { Command } from 'commander'
import type { RuntimeConfig } from '../config/env.js'
import type { Configuration, ConfigurationOptions } from './configuration.js'

/** gate: `driftwatch report --fail-on` found a failing gate. */
export const EXIT = { ok: 0, failure: 1, config: 2, gate: 3 } as const

export interface CommandContext {
  /** The validated environment; throws DW_CONFIG_INVALID (exit 2) on a bad one. */
  config(): RuntimeConfig
  /**
   * The environment and driftwatch.yaml of a command that reads both, checked together: one
   * DW_CONFIG_INVALID (exit 2) lists every problem of both, as `config validate` prints them
   * (./configuration.ts).
   */
  configuration(o?: ConfigurationOptions): Promise<Configuration>
  /** Declares the chosen command's work; main runs it after parsing. */
  run(work: () => Promise<number>): void
}

export type RegisterCommand = (program: Command, ctx: CommandContext) => void
