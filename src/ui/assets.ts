/**
 * The web UI's built files (dist/ui: index.html, app.js, report.js), built by esbuild from
 * src/ui/web at `npm run build` (and so at `npm install`, through `prepare`). A source checkout
 * whose sources changed since gets the bundle rebuilt on first use; an installed package or the
 * image, which ship dist/ui without the sources, use what they ship.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGE_ROOT } from '../package-root.js'
import { maxOf, minOf } from '../arrays.js'

export const UI_FILES = ['index.html', 'app.js', 'report.js'] as const

export function uiPaths(root = PACKAGE_ROOT): { readonly source: string; readonly out: string } {
  return { source: join(root, 'src', 'ui', 'web'), out: join(root, 'dist', 'ui') }
}

export interface UiBuild {
  readonly out: string
  /** Bytes per built file. */
  readonly sizes: Readonly<Record<string, number>>
}

/** Bundles src/ui/web into dist/ui (minified, no source maps: nothing is loaded but these files). */
export async function buildUi(paths = uiPaths()): Promise<UiBuild> {
  const { build } = await import('esbuild')
  mkdirSync(paths.out, { recursive: true })
  await build({
    entryPoints: { app: join(paths.source, 'app.ts'), report: join(paths.source, 'report.ts') },
    outdir: paths.out,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    legalComments: 'eof',
    logLevel: 'error',
  })
  writeFileSync(join(paths.out, 'index.html'), readFileSync(join(paths.source, 'index.html')))
  const sizes = Object.fromEntries(UI_FILES.map((f) => [f, statSync(join(paths.out, f)).size]))
  return { out: paths.out, sizes }
}

/** The modules beside src/ui/web that the bundle imports (shared with the Node side; web/tsconfig.json lists them too). */
export const SHARED_SOURCES = ['chart-spec.ts', 'figures.ts', 'health.ts', 'quality-problems.ts'] as const

/** Newest modification time of the UI's sources (src/ui/web and the shared modules it imports). */
function sourcesMtimeMs(source: string): number {
  const files = [...SHARED_SOURCES.map((f) => join(source, '..', f)), ...readdirSync(source, { recursive: true, encoding: 'utf8' }).map((f) => join(source, f))]
  return maxOf(files.map((f) => statSync(f).mtimeMs))
}

/** dist/ui, built first when a file is missing or older than the sources (a pull since the last build). */
export async function ensureUi(paths = uiPaths()): Promise<string> {
  const built = UI_FILES.map((f) => join(paths.out, f))
  const missing = built.some((f) => !existsSync(f))
  // An installed package or image ships dist/ui without the sources: what is built is what runs.
  if (!missing && !existsSync(paths.source)) return paths.out
  const stale = missing || minOf(built.map((f) => statSync(f).mtimeMs)) < sourcesMtimeMs(paths.source)
  if (stale) await buildUi(paths)
  return paths.out
}

/** The script the HTML report inlines (Chart.js and the drawing code). */
export async function reportScript(paths = uiPaths()): Promise<string> {
  return readFileSync(join(await ensureUi(paths), 'report.js'), 'utf8')
}
