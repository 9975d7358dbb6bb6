import { ActionError } from '../../errors.js'
import type { Mode } from '../../settings.js'
import type { WhoAmI } from './schemas.js'

/**
 * The Users API privilege matrix, as it applies to what the action does. POWER_USER acts as FULL on
 * every account, READ_ONLY as READONLY, USER per its access list (NONE when absent).
 */
export type Need = 'admin' | 'full' | 'read'

export const NEEDS: Record<Mode, Need> = { scan: 'full', audit: 'read', onboard: 'admin' }

export interface KeyUser {
  id: string
  role: string
  levels: Map<string, string>
}

export function keyUser(who: WhoAmI): KeyUser {
  const levels = new Map<string, string>()
  for (const entry of who.data.relationships?.accountAccessList ?? []) levels.set(entry.account, entry.level)
  return { id: who.data.id, role: who.data.attributes.role.toUpperCase(), levels }
}

/** The access level the user has on an account, in the matrix's terms. */
export function levelOn(user: KeyUser, accountId: string): string {
  switch (user.role) {
    case 'ADMIN':
    case 'POWER_USER':
      return 'FULL'
    case 'READ_ONLY':
      return 'READONLY'
    case 'USER':
      return user.levels.get(accountId) ?? 'NONE'
    default:
      return 'NONE'
  }
}

function describe(user: KeyUser, accountId: string | undefined): string {
  if (user.role === 'USER' && accountId)
    return `a USER with ${levelOn(user, accountId)} access to account ${accountId}`
  return `a ${user.role} user`
}

const WHAT: Record<Need, string> = {
  admin: 'the ADMIN role',
  full: 'ADMIN, POWER_USER, or USER with FULL access to the account',
  read: 'ADMIN, POWER_USER, READ_ONLY, or USER with READONLY or FULL access to the account'
}

/** Throws a `permission` error saying which role or level the key has and which one is needed. */
export function requirePrivilege(user: KeyUser, mode: Mode, accountId: string | undefined): void {
  const need = NEEDS[mode]
  const level = accountId ? levelOn(user, accountId) : 'NONE'
  const allowed =
    need === 'admin'
      ? user.role === 'ADMIN'
      : need === 'full'
        ? level === 'FULL'
        : level === 'FULL' || level === 'READONLY'
  if (allowed) return
  const action = {
    scan: 'start a Conformity bot scan',
    audit: 'read the checks',
    onboard: 'onboard an account'
  }[mode]
  const alternative = mode === 'scan' && level === 'READONLY' ? ' This key can run mode audit.' : ''
  throw new ActionError(
    'permission',
    `The API key belongs to ${describe(user, accountId)}; to ${action} it needs ${WHAT[need]}.${alternative} Ask a Conformity ADMIN to change the user's role or access level, or use another key.`
  )
}

/** The hint added to a 401 that still happens after the preflight (e.g. the role changed meanwhile). */
export function privilegeHint(user: KeyUser | undefined, need: Need, accountId: string | undefined): string {
  const has = user ? `The key belongs to ${describe(user, accountId)}; this` : 'This'
  return `${has} operation needs ${WHAT[need]}.`
}
