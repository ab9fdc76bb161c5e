#!/usr/bin/env node
// The `driftwatch` command. Runs the compiled JavaScript in dist/ (`npm run build`; the published
// package and the image ship it, without the sources). In a source checkout it runs the TypeScript
// sources through tsx, a development dependency, when there is no build or when the build is
// older than the sources (a pull or an edit since the last build: ./stale-build.js), so that what
// runs is what the checkout says.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { staleBuild } from './stale-build.js'

const compiled = new URL('../dist/src/cli/main.js', import.meta.url)
const built = existsSync(compiled)
let register
if (!built || (await staleBuild(fileURLToPath(new URL('..', import.meta.url))))) {
  try {
    ;({ register } = await import('tsx/esm/api'))
  } catch (e) {
    // A checkout installed without development dependencies: the build, with a word.
    if (!built) throw e
    process.stderr.write('driftwatch: note: dist/ is older than src/ and tsx (a development dependency) is not installed to run the sources: running dist/; `npm run build` updates it\n')
  }
}
if (register) {
  register()
  await import('../src/cli/main.ts')
} else {
  await import(compiled.href)
}
