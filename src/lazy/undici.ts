import { createRequire } from 'node:module'

/**
 * What the bundle gets for `undici` (tsconfig.json `paths`, which ncc follows).
 *
 * `@actions/http-client` imports undici at the top of its module for a single class, the
 * ProxyAgent behind getAgentDispatcher(), which only Octokit's fetch uses. Bundled in, undici
 * was 440 KB of the 700 KB that Node had to compile before the action's first request.
 * `npm run bundle` builds it into its own file, `dist/undici/index.cjs`, and this class loads
 * it on first use, so a run that never needs it never compiles it.
 */
const RUNTIME_FILE = './undici/index.cjs'

type Undici = { ProxyAgent: new (...args: unknown[]) => object }
let undici: Undici | undefined

function load(): Undici {
  // a runtime require, relative to dist/index.js: the bundler must not follow it
  undici ??= createRequire(import.meta.url)(/* webpackIgnore: true */ RUNTIME_FILE) as Undici
  return undici
}

export class ProxyAgent {
  constructor(...args: unknown[]) {
    // a constructor that returns an object yields that object: callers get undici's own agent
    return new (load().ProxyAgent)(...args)
  }
}
