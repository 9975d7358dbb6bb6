/**
 * node emulator/cli.ts [--port N] [--world path.json] [--scan-seconds S]
 * Starts the emulator (sample world by default) and runs until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { CLOUDNEETI_PERMISSIONS, type World, type WorldConfig, parseWorld, sampleWorld } from './world.ts'
import { startEmulator } from './server.ts'

const USAGE = `Usage: node emulator/cli.ts [--port N] [--world path.json] [--scan-seconds S]

  --port N          port on 127.0.0.1 (default 8787; 0 = any free port)
  --world FILE      world JSON (default: the built-in sample world; see emulator/README.md)
  --scan-seconds S  how long a scan or bot run takes (overrides timing.scanSeconds)`

function die(message: string, code = 1): never {
  console.error(message)
  process.exit(code)
}

function loadWorld(path: string | undefined): World {
  if (!path) return sampleWorld()
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    die(`Cannot read world file ${path}: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text) as World
  } catch (err) {
    die(`World file ${path} is not valid JSON: ${(err as Error).message}`)
  }
}

function credentialsTable(world: WorldConfig, url: string): string {
  const lines: string[] = []
  const cn = world.cloudneeti
  lines.push('', `Cloudneeti (api-url ${url})`)
  for (const key of cn.apiKeys) lines.push(`  api-key          ${key}`)
  for (const lic of cn.licenses) {
    const names = new Map(lic.accounts.map(a => [a.accountId, a.accountName]))
    lines.push(`  license-id       ${lic.licenseId}  (${lic.name})`)
    for (const app of lic.apps) {
      const perms =
        app.permissions.length === CLOUDNEETI_PERMISSIONS.length
          ? 'all permissions'
          : app.permissions.join(', ')
      const scope = app.scope.map(id => names.get(id) ?? id).join(', ') || 'none'
      lines.push(`  application-id   ${app.applicationId}  secret ${app.secret}`)
      lines.push(`                   ${perms}; scope: ${scope}`)
    }
    for (const a of lic.accounts) {
      const benchmarks = Object.keys(a.benchmarks).join(', ')
      const outcome = a.scanOutcome === 'Failed' ? '  (scans fail)' : ''
      lines.push(
        `  account-id       ${a.accountId}  ${a.accountName} ${a.connectorType} [${benchmarks}]${outcome}`
      )
    }
  }
  const cc = world.conformity
  lines.push('', `Conformity (api-url ${url}/v1, or ${url}/api)`)
  for (const u of cc.users) {
    for (const k of u.apiKeys) {
      const access =
        u.role === 'USER'
          ? ` ${u.accessList.map(e => `${e.account}=${e.level}`).join(' ') || '(no account access)'}`
          : ''
      const disabled = k.status === 'DISABLED' ? ' (DISABLED key)' : ''
      lines.push(`  api-key          ${k.key.padEnd(18)} ${u.role}${access}${disabled}`)
    }
  }
  for (const a of cc.accounts) lines.push(`  account-id       ${a.id.padEnd(18)} ${a.name} (${a.cloudType})`)
  lines.push(`  external-id      ${cc.externalId}`)
  return lines.join('\n')
}

async function main(): Promise<void> {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        port: { type: 'string', short: 'p' },
        world: { type: 'string', short: 'w' },
        'scan-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }))
  } catch (err) {
    die(`${(err as Error).message}\n\n${USAGE}`, 2)
  }
  if (values.help) {
    console.log(USAGE)
    return
  }
  const port = values.port === undefined ? 8787 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    die(`--port must be an integer 0-65535\n\n${USAGE}`, 2)

  const world = loadWorld(values.world)
  if (values['scan-seconds'] !== undefined) {
    const scanSeconds = Number(values['scan-seconds'])
    if (!Number.isFinite(scanSeconds) || scanSeconds <= 0)
      die(`--scan-seconds must be a positive number\n\n${USAGE}`, 2)
    const pendingSeconds = Math.min(world.timing?.pendingSeconds ?? 0.5, scanSeconds / 2)
    world.timing = { ...world.timing, scanSeconds, pendingSeconds }
  }
  let config: WorldConfig
  try {
    config = parseWorld(world)
  } catch (err) {
    die((err as Error).message)
  }

  const emulator = await startEmulator({ world, port }).catch((err: Error) =>
    die(`Cannot start: ${err.message}`)
  )
  // handlers first: whoever reads the URL below may signal at once
  const stop = (signal: string) => {
    console.log(`\n${signal}: stopping the emulator`)
    emulator.close().then(() => process.exit(0))
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
  console.log(`Emulator listening on ${emulator.url}`)
  console.log(
    `Scans take ${config.timing.scanSeconds}s (${config.timing.pendingSeconds}s pending); ` +
      `tokens last ${config.timing.tokenLifetimeSeconds}s. Control endpoints under ${emulator.url}/_emulator/.`
  )
  console.log(credentialsTable(config, emulator.url))
}

await main()
