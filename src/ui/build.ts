/** `npm run build`: bundles the web UI into dist/ui and prints the size of each file. */
import { buildUi } from './assets.js'

const { out, sizes } = await buildUi()
for (const [file, bytes] of Object.entries(sizes)) process.stdout.write(`${out}/${file}  ${(bytes / 1024).toFixed(1)} KiB\n`)
