/**
 * The data and the request-log analysis of `npm run bench`'s fleet section (scripts/bench.ts,
 * section 5): a Conformity world of many accounts of many checks, what the gate must say about
 * each, and how many accounts the action had in flight at once according to the emulator's log.
 */
import type { RequestLogEntry, World } from '../emulator/server.ts'

export const FLEET_KEY = 'cc-fleet-admin-key'
export const fleetAccountId = (i: number) => `fleet-${String(i).padStart(2, '0')}`

const RISKS = ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH', 'EXTREME'] as const
type Risk = (typeof RISKS)[number]
/** fail-on-severity's default, high: HIGH and above fail the gate */
const BLOCKING: readonly Risk[] = ['HIGH', 'VERY_HIGH', 'EXTREME']
const SERVICES = ['S3', 'EC2', 'IAM', 'RDS', 'KMS', 'CloudTrail', 'Lambda', 'ELB', 'VPC', 'SNS', 'EBS', 'EKS']
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1']
const COMPLIANCES = ['CISAWSF', 'PCI', 'AWAF']
const RULES_PER_SERVICE = 10
const FAILURE_SHARE = 0.15
/** checks whose status a bot run flips, per account */
const FLIPS_PER_RUN = 20

interface FleetCheck {
  rule: string
  status: 'SUCCESS' | 'FAILURE'
  risk: Risk
  region: string
  service: string
  resource: string
  compliances: string[]
}

/** What the gate must say about an account after its bot run (its checksAfterScan). */
export interface FleetExpectation {
  accountId: string
  result: 'pass' | 'fail'
  score: number
  failedControls: number
}

export interface Fleet {
  world: World
  expected: FleetExpectation[]
  checksPerAccount: number
  failuresAfterScan: number
}

/**
 * `accounts` Conformity accounts of `checksPerAccount` checks each, one ADMIN key. Every rule has
 * one risk level; about 15 % of the checks fail. Every third account (fleet-00, -03, …) fails
 * only LOW and MEDIUM rules and so passes the default gate; the others fail HIGH and above too.
 * A bot run flips the status of a few checks (checksAfterScan), so the scan's results differ
 * from the ones at load.
 */
export function fleetWorld(
  accounts: number,
  checksPerAccount: number,
  timing: { scanSeconds: number; pendingSeconds: number },
  prng: (seed: number) => () => number
): Fleet {
  const rules = SERVICES.flatMap((service, si) =>
    Array.from({ length: RULES_PER_SERVICE }, (_, k) => ({
      id: `${service}-${String(k + 1).padStart(3, '0')}`,
      service,
      risk: RISKS[(si * RULES_PER_SERVICE + k) % RISKS.length],
      canFail: k % 3 !== 2
    }))
  )
  const riskOf = new Map(rules.map(r => [r.id, r.risk]))
  const expected: FleetExpectation[] = []
  let failuresAfterScan = 0
  const worldAccounts = Array.from({ length: accounts }, (_, i) => {
    const accountId = fleetAccountId(i)
    const random = prng(9_000 + i)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
    const gentle = i % 3 === 0
    const failing = rules.filter(r => r.canFail && (!gentle || !BLOCKING.includes(r.risk)))
    const checks: FleetCheck[] = Array.from({ length: checksPerAccount }, (_, k) => {
      const fails = random() < FAILURE_SHARE
      const rule = fails ? pick(failing) : pick(rules)
      return {
        rule: rule.id,
        status: fails ? 'FAILURE' : 'SUCCESS',
        risk: rule.risk,
        region: rule.service === 'IAM' ? 'global' : pick(REGIONS),
        service: rule.service,
        resource: `${rule.service.toLowerCase()}-${accountId}-${k}`,
        compliances: [pick(COMPLIANCES)]
      }
    })
    const after = checks.map(c => ({ ...c }))
    for (let f = 0; f < FLIPS_PER_RUN; f++) {
      const check = after[Math.floor(random() * after.length)]
      if (check.status === 'FAILURE') check.status = 'SUCCESS'
      else if (failing.some(r => r.id === check.rule)) check.status = 'FAILURE'
    }
    const failures = after.filter(c => c.status === 'FAILURE')
    failuresAfterScan += failures.length
    const success = after.length - failures.length
    expected.push({
      accountId,
      result: failures.some(c => BLOCKING.includes(riskOf.get(c.rule)!)) ? 'fail' : 'pass',
      // conformityScore in src/providers/conformity/normalize.ts: 100 × SUCCESS / all, two decimals
      score: Math.round(((100 * success) / after.length) * 100) / 100,
      failedControls: new Set(failures.map(c => c.rule)).size
    })
    return {
      id: accountId,
      name: `fleet ${i}`,
      environment: i % 2 ? 'production' : 'staging',
      cloudType: 'aws' as const,
      awsAccountId: String(100_000_000_000 + i),
      createdDate: Date.now() - 90 * 86_400_000,
      lastCheckedDate: Date.now() - 86_400_000,
      checks,
      checksAfterScan: after
    }
  })
  return {
    world: {
      timing,
      conformity: {
        users: [
          {
            id: 'usr-fleet',
            firstName: 'Fleet',
            lastName: 'Admin',
            email: 'fleet@example.com',
            role: 'ADMIN',
            apiKeys: [{ id: 'key-fleet', key: FLEET_KEY }]
          }
        ],
        accounts: worldAccounts
      }
    },
    expected,
    checksPerAccount,
    failuresAfterScan
  }
}

/** The Conformity account a request is about (path /accounts/{id}… or ?accountIds=), if any. */
export function accountOf(entry: RequestLogEntry): string | undefined {
  const url = new URL(entry.path, 'http://x')
  const inPath = /\/accounts\/([^/]+)/.exec(url.pathname)
  if (inPath) return decodeURIComponent(inPath[1])
  return url.searchParams.get('accountIds') ?? undefined
}

/** Requests by kind: whoami, account reads, scan requests, GET /checks, anything else. */
export function requestKinds(entries: RequestLogEntry[]): Record<string, number> {
  const kinds: Record<string, number> = { whoami: 0, account: 0, scan: 0, checks: 0, other: 0 }
  for (const e of entries) {
    const pathname = new URL(e.path, 'http://x').pathname
    if (pathname.endsWith('/users/whoami')) kinds.whoami++
    else if (e.method === 'POST' && /\/accounts\/[^/]+\/scan$/.test(pathname)) kinds.scan++
    else if (e.method === 'GET' && /\/accounts\/[^/]+$/.test(pathname)) kinds.account++
    else if (pathname.endsWith('/checks')) kinds.checks++
    else kinds.other++
  }
  return kinds
}

export interface InFlight {
  /** the most accounts in flight at one moment */
  max: number
  /** how long (ms) that many were in flight, summed over the run */
  atMaxMs: number
  /** each account's span, first request → last request (epoch ms) */
  spans: Map<string, { first: number; last: number; requests: number }>
}

/**
 * Accounts in flight, by the log: an account is in flight from its first request's arrival to
 * its last's. At one millisecond an account's end counts before another's start (the pool starts
 * the next account only once one has finished, so such a start follows that end).
 */
export function accountsInFlight(entries: RequestLogEntry[]): InFlight {
  const spans = new Map<string, { first: number; last: number; requests: number }>()
  for (const e of entries) {
    const account = accountOf(e)
    if (account === undefined) continue
    const span = spans.get(account)
    if (span) {
      span.first = Math.min(span.first, e.time)
      span.last = Math.max(span.last, e.time)
      span.requests++
    } else spans.set(account, { first: e.time, last: e.time, requests: 1 })
  }
  const events = [...spans.values()]
    .flatMap(s => [
      { time: s.first, delta: 1 },
      { time: s.last, delta: -1 }
    ])
    .sort((a, b) => a.time - b.time || a.delta - b.delta)
  let now = 0
  let max = 0
  let atMaxMs = 0
  for (let i = 0; i < events.length; i++) {
    now += events[i].delta
    if (now > max) {
      max = now
      atMaxMs = 0
    }
    if (now === max && i + 1 < events.length) atMaxMs += events[i + 1].time - events[i].time
  }
  return { max, atMaxMs, spans }
}

/** An account's status polls: the GET account requests after its scan request, in ms after it. */
export function pollsAfterScan(entries: RequestLogEntry[]): Map<string, number[]> {
  const scans = new Map<string, number>()
  const polls = new Map<string, number[]>()
  for (const e of entries) {
    const account = accountOf(e)
    if (account === undefined) continue
    const pathname = new URL(e.path, 'http://x').pathname
    if (e.method === 'POST' && pathname.endsWith('/scan')) {
      scans.set(account, e.time)
      polls.set(account, [])
    } else if (e.method === 'GET' && /\/accounts\/[^/]+$/.test(pathname) && scans.has(account)) {
      polls.get(account)!.push(e.time - scans.get(account)!)
    }
  }
  return polls
}
