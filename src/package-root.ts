/**
 * The package's root folder (the one holding package.json), found from this module's own location,
 * so bundled files (schemas/, alerts/) are found alike from the TypeScript sources (src/) and from
 * the compiled output (dist/src/).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'driftwatch') return dir
    if (dirname(dir) === dir) throw new Error(`driftwatch: no package.json of driftwatch above ${start}`)
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))

/** The package's version, from its package.json. */
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** A path inside the package: packagePath('schemas', 'clickhouse'). */
export const packagePath = (...parts: string[]) => join(PACKAGE_ROOT, ...parts)
