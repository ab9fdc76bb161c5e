/**
 * bin/driftwatch.js in a source checkout runs the build in dist/ only while it is as new as the
 * sources: after an edit or a pull it runs the TypeScript sources (through tsx) instead of stale
 * code, until the next build. A file touched without a change, a test file, or an installed
 * package (no src/) keeps the build. Each case runs the real bin in a small checkout built by
 * the real tsc with the project's build settings (tsconfig.build.json).
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
const run = promisify(execFile)
const checkout = mkdtempSync(join(tmpdir(), 'dw-bin-'))
afterAll(() => rmSync(checkout, { recursive: true, force: true }))

const write = (path: string, text: string) => {
  mkdirSync(join(checkout, path, '..'), { recursive: true })
  writeFileSync(join(checkout, path), text)
}
/** A file's modification time set `s` seconds from now (file systems with coarse times see it as newer than the build). */
const age = (path: string, s: number) => utimesSync(join(checkout, path), new Date(), new Date(Date.now() + s * 1000))
const word = (w: string) => `export const WORD = '${w}'\n`

/** What `driftwatch` prints in the checkout: its word, and whether the build or the sources ran. */
async function driftwatch(): Promise<string> {
  const { stdout } = await run(process.execPath, [join(checkout, 'bin', 'driftwatch.js')], { cwd: checkout })
  return stdout.trim()
}

async function build(): Promise<void> {
  await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(checkout, 'tsconfig.build.json')])
}

describe('bin/driftwatch.js runs the build only while it is as new as the sources', () => {
  it('sources changed since the build run; a touch, a test file or no src/ keep the build', { timeout: 120_000 }, async () => {
    cpSync(join(ROOT, 'bin'), join(checkout, 'bin'), { recursive: true })
    cpSync(join(ROOT, 'tsconfig.json'), join(checkout, 'tsconfig.json'))
    cpSync(join(ROOT, 'tsconfig.build.json'), join(checkout, 'tsconfig.build.json'))
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'))
    write('package.json', '{ "type": "module" }\n')
    write('src/cli/main.ts', "import { WORD } from '../word.js'\nprocess.stdout.write(`${WORD} ${import.meta.url.endsWith('.js') ? 'build' : 'sources'}\\n`)\n")
    write('src/word.ts', word('one'))
    await build()
    expect(await driftwatch()).toBe('one build')

    // An edit in place (the folder's time stays) after the build: the sources run.
    write('src/word.ts', word('two'))
    age('src/word.ts', 5)
    expect(await driftwatch()).toBe('two sources')
    await build()
    expect(await driftwatch()).toBe('two build')

    // Touched without a change (a branch switched and back): tsc compiles nothing, the build stays right.
    age('src/word.ts', 10)
    expect(await driftwatch()).toBe('two build')
    await build()
    expect(await driftwatch()).toBe('two build')

    // Neither tests nor the browser code are in the build.
    write('src/word.test.ts', 'export {}\n')
    write('src/ui/web/app.ts', 'export {}\n')
    age('src/word.test.ts', 15)
    age('src/ui/web/app.ts', 15)
    expect(await driftwatch()).toBe('two build')

    // A new source file (a pull that adds one) is not in the build yet.
    write('src/new-module.ts', 'export {}\n')
    age('src/new-module.ts', 15)
    expect(await driftwatch()).toBe('two sources')

    // An installed package has no sources: its build runs, however old.
    rmSync(join(checkout, 'src'), { recursive: true })
    expect(await driftwatch()).toBe('two build')
  })
})
