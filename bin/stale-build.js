// Whether a source checkout's build (dist/, from `npm run build`) is older than its TypeScript
// sources, so that bin/driftwatch.js runs the sources instead of stale compiled code after a pull
// or an edit. An installed package or the image has no src/: what is built is what runs.
//
// Cost on every start: a listing of each folder under src/ and a stat of each source file the
// build compiles (tsconfig.build.json: src/**/*.ts but tests and src/ui/web, whose bundle is
// rebuilt on its own: src/ui/assets.ts), about 5 ms for 375 files; nothing is read unless a
// source file is newer than the build. Folder times alone would be cheaper but miss an edit saved
// in place. A newer file counts only when its text is not the one compiled: tsc writes
// dist/.tsbuildinfo at each build that compiles something, with each file's SHA-256 as its
// `version`, and an incremental build leaves both that record and the outputs alone when nothing
// changed, so a file touched without a change (a branch switched and back) would otherwise make
// every later start run the sources. A record that cannot be read leaves the verdict to the times.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** Source files the build compiles: src/**\/*.ts without tests, declarations and the browser code (src/ui/web). */
function compiledSources(dir, skip, files = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name
    // Concatenated, not join()ed: join() normalizes each path, a third of the cost here.
    const path = `${dir}${sep}${name}`
    if (entry.isDirectory()) {
      if (path !== skip) compiledSources(path, skip, files)
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts') && !name.endsWith('.test-helper.ts')) {
      files.push(path)
    }
  }
  return files
}

/** tsc's record of the last build: each compiled file (relative to dist/, with '/') and the SHA-256 of the text it compiled. */
function compiledVersions(buildInfo) {
  try {
    const info = JSON.parse(readFileSync(buildInfo, 'utf8'))
    const versions = new Map()
    info.fileNames.forEach((name, i) => {
      const file = info.fileInfos[i]
      const version = typeof file === 'string' ? file : file?.version
      if (typeof version === 'string') versions.set(name, version)
    })
    return versions
  } catch {
    return undefined
  }
}

/**
 * True when `root` (the package folder) is a checkout whose src/ holds a compiled source file
 * changed since the build in dist/ (or one the build has not seen); false without src/.
 */
export async function staleBuild(root) {
  const src = join(root, 'src')
  const dist = join(root, 'dist')
  if (!existsSync(src)) return false
  const buildInfo = join(dist, '.tsbuildinfo')
  const builtMs = statSync(existsSync(buildInfo) ? buildInfo : join(dist, 'src', 'cli', 'main.js')).mtimeMs
  const newer = compiledSources(src, join(src, 'ui', 'web')).filter((f) => statSync(f).mtimeMs > builtMs)
  if (newer.length === 0) return false
  const versions = existsSync(buildInfo) ? compiledVersions(buildInfo) : undefined
  if (versions === undefined) return true
  const { createHash } = await import('node:crypto')
  return newer.some((f) => versions.get(relative(dist, f).split(sep).join('/')) !== createHash('sha256').update(readFileSync(f, 'utf8')).digest('hex'))
}
