/**
 * The web UI's built files (dist/ui: index.html, app.js, report.js), built by esbuild from
 * src/ui/web at `npm run build`. The package runs from its TypeScript sources (bin/driftwatch.js),
 * so a clone that never ran the build gets the bundle built on first use; esbuild is there
 * anyway (tsx runs on it).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root: the nearest directory above this file with the package's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'driftwatch') return dir
    const up = dirname(dir)
    if (up === dir) throw new Error('driftwatch package root not found above src/ui/assets.ts')
    dir = up
  }
}

export const UI_FILES = ['index.html', 'app.js', 'report.js'] as const

export function uiPaths(root = packageRoot()): { readonly source: string; readonly out: string } {
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

/** Newest modification time of the UI's sources (src/ui/web and the chart spec it imports). */
function sourcesMtimeMs(source: string): number {
  const files = [join(source, '..', 'chart-spec.ts'), ...readdirSync(source, { recursive: true, encoding: 'utf8' }).map((f) => join(source, f))]
  return Math.max(...files.map((f) => statSync(f).mtimeMs))
}

/** dist/ui, built first when a file is missing or older than the sources (a pull since the last build). */
export async function ensureUi(paths = uiPaths()): Promise<string> {
  const built = UI_FILES.map((f) => join(paths.out, f))
  const stale = built.some((f) => !existsSync(f)) || Math.min(...built.map((f) => statSync(f).mtimeMs)) < sourcesMtimeMs(paths.source)
  if (stale) await buildUi(paths)
  return paths.out
}

/** The script the HTML report inlines (Chart.js and the drawing code). */
export async function reportScript(paths = uiPaths()): Promise<string> {
  return readFileSync(join(await ensureUi(paths), 'report.js'), 'utf8')
}
