/**
 * `node --import ./test/support/record-loads.mjs …` writes, to the file named by DW_RECORD_LOADS,
 * one URL per line of every module the process loaded: each ES module specifier resolved by the
 * module loader (a resolve hook, registered with node:module `register`, on the hooks thread) and,
 * at exit, every CommonJS module in require.cache (also those reached by createRequire or by a
 * package's own require calls, which no ES module hook sees on Node 20). src/cli/main.test.ts uses
 * it to prove which packages a command loads.
 */
import { appendFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { isMainThread } from 'node:worker_threads'

let log = ''

if (isMainThread) {
  log = process.env.DW_RECORD_LOADS ?? ''
  register(import.meta.url, { data: { log } })
  const require = createRequire(import.meta.url)
  process.on('exit', () => {
    const cjs = Object.keys(require.cache).map((path) => pathToFileURL(path).href)
    if (log !== '' && cjs.length > 0) appendFileSync(log, `${cjs.join('\n')}\n`)
  })
}

/** Hooks thread: receives the log file from the main thread's `register`. */
export function initialize(data) {
  log = data.log
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  if (log !== '') appendFileSync(log, `${resolved.url}\n`)
  return resolved
}
