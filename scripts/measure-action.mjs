// Runs the bundled action in this very process and, on exit, writes the process's own resource
// usage (process.resourceUsage(): userCPUTime and systemCPUTime in µs, maxRSS in KiB) as JSON to
// the file named by MEASURE_USAGE_FILE. Used by `npm run bench`; start it with the same
// environment as `node dist/index.js` (INPUT_*, GITHUB_OUTPUT, …).
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const usageFile = process.env.MEASURE_USAGE_FILE
if (!usageFile) {
  console.error('measure-action: set MEASURE_USAGE_FILE')
  process.exit(2)
}
process.on('exit', () => {
  writeFileSync(usageFile, JSON.stringify(process.resourceUsage()))
})

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js')
await import(pathToFileURL(dist).href)
