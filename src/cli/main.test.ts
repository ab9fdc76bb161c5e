/**
 * `driftwatch --help` (and a command's --help, and --version) loads commander and no other
 * package: not chDB, @clickhouse/client, kafkajs, fastify or the report engine, so that it answers at once,
 * because ./commands.ts imports a command's module only when it runs. Each case spawns the CLI
 * from the sources (through tsx, as bin/driftwatch.js does without a build) with
 * test/support/record-loads.mjs, which records every module the process loads, ES and CommonJS.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const RECORDER = join(ROOT, 'test', 'support', 'record-loads.mjs')
const dir = mkdtempSync(join(tmpdir(), 'dw-cli-loads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The packages (by name) a node process loaded, and its stdout. */
async function packagesLoaded(nodeArgs: string[], name: string): Promise<{ packages: Set<string>; stdout: string }> {
  const log = join(dir, `${name}.txt`)
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', RECORDER, ...nodeArgs], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], DW_RECORD_LOADS: log },
  })
  const packages = new Set<string>()
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
    if (m) packages.add(m[1]!)
  }
  return { packages, stdout }
}

/** tsx compiles the TypeScript sources; the built CLI (dist/) does without it. */
const LOADER = new Set(['tsx', 'esbuild', 'get-tsconfig', 'resolve-pkg-maps'])
const HEAVY = ['chdb', '@clickhouse/client', '@clickhouse/client-common', 'kafkajs', '@kafkajs/confluent-schema-registry', 'fastify', 'avsc', 'pino', 'zod']

const cli = (args: string[], name: string) => packagesLoaded(['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], name)

describe('driftwatch --help loads no storage engine, Kafka or HTTP server', () => {
  it('the recorder sees a package loaded by require and one loaded by import', async () => {
    const { packages } = await packagesLoaded(['--input-type=module', '-e', "import { createRequire } from 'node:module'; createRequire(import.meta.url)('kafkajs'); await import('fastify')"], 'control')
    expect(packages).toContain('kafkajs')
    expect(packages).toContain('fastify')
  }, 60_000)

  it.each([
    ['--help', /Commands:[\s\S]*start[\s\S]*report[\s\S]*status/],
    ['--version', /^\d+\.\d+\.\d+/],
    ['start --help', /--role <role>/],
    ['report --help', /--fail-on <gates>/],
    ['baseline --help', /--label <column>\s+label column \(default: "label"\)/],
    ['alerts list --help', /--history <duration>/],
  ])('`driftwatch %s` loads commander and nothing else', async (args, output) => {
    const { packages, stdout } = await cli(args.split(' '), args.replace(/\W+/g, '-'))
    expect(stdout).toMatch(output)
    for (const heavy of HEAVY) expect(packages, heavy).not.toContain(heavy)
    expect([...packages].filter((p) => !LOADER.has(p))).toEqual(['commander'])
  }, 60_000)
})
