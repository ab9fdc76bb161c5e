#!/usr/bin/env node
// The `driftwatch` command. Runs the compiled JavaScript in dist/ (`npm run build`; the published
// package and the image ship it). A source checkout without a build falls back to the TypeScript
// sources through tsx, a development dependency.
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/src/cli/main.js', import.meta.url)
if (existsSync(compiled)) {
  await import(compiled.href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}
