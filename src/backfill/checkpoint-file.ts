/** The checkpoint on disk, next to the input: `<file>.driftwatch-checkpoint.json`, replaced atomically. */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { DriftwatchError } from '../errors.js'
import { parseCheckpoint, type Checkpoint, type FileFingerprint } from './checkpoint.js'

export const checkpointPathFor = (file: string): string => `${file}.driftwatch-checkpoint.json`

/** Size, mtime and SHA-256 of the whole file; DW_FILE_NOT_FOUND / DW_FILE_INVALID when it cannot be read. */
export async function fingerprintFile(path: string): Promise<FileFingerprint> {
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new DriftwatchError('DW_FILE_NOT_FOUND', `${path}: no such file`, { path })
    throw new DriftwatchError('DW_FILE_INVALID', `${path}: cannot read it: ${e.message}`, { path, cause: e })
  })
  if (!info.isFile()) throw new DriftwatchError('DW_FILE_INVALID', `${path}: not a regular file`, { path })
  const hash = createHash('sha256')
  try {
    await pipeline(createReadStream(path), hash)
  } catch (e) {
    throw new DriftwatchError('DW_FILE_INVALID', `${path}: cannot read it: ${(e as Error).message}`, { path, cause: e })
  }
  return { size: info.size, mtimeMs: info.mtimeMs, sha256: hash.digest('hex') }
}

export async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new DriftwatchError('DW_FILE_INVALID', `checkpoint ${path}: cannot read it: ${(e as Error).message}`, { path, cause: e })
  }
  return parseCheckpoint(text, path)
}

/**
 * Write to a temporary file, fsync, rename over the checkpoint: a crash leaves the old checkpoint
 * or the new one, never half of one (rename is atomic within a file system, POSIX rename(2)).
 */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`
  try {
    const handle = await open(tmp, 'w')
    try {
      await handle.writeFile(`${JSON.stringify(checkpoint, null, 2)}\n`, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  } catch (e) {
    await unlink(tmp).catch(() => undefined)
    throw new DriftwatchError('DW_FILE_INVALID', `cannot write the checkpoint ${path}: ${(e as Error).message}`, { path, cause: e })
  }
}
