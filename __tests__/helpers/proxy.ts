import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createProxy } from 'proxy'

export interface RecordingProxy {
  /** http://127.0.0.1:PORT, for https_proxy / http_proxy */
  readonly url: string
  /** What each client asked the proxy for, as `METHOD target` (`CONNECT host:port` for a tunnel). */
  readonly seen: string[]
}

/**
 * A real HTTP proxy on loopback for the test file, emptied before each test. `host` is a name only
 * it resolves (to 127.0.0.1), so a request that reached its service by that name went through the
 * proxy: @actions/http-client never proxies 127.* itself.
 */
export function useRecordingProxy(host: string): RecordingProxy {
  const seen: string[] = []
  let url = ''
  let proxy: http.Server | undefined
  beforeAll(async () => {
    proxy = createProxy(http.createServer())
    // the proxy's own hook sees each request first: record it, and resolve the test-only name
    ;(proxy as unknown as { authenticate: (req: http.IncomingMessage) => boolean }).authenticate = req => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url) req.url = req.url.replace(host, '127.0.0.1')
      return true
    }
    const port = await new Promise<number>(resolve =>
      proxy!.listen(0, '127.0.0.1', () => resolve((proxy!.address() as AddressInfo).port))
    )
    url = `http://127.0.0.1:${port}`
  })
  afterAll(async () => {
    if (!proxy) return
    proxy.closeAllConnections()
    await new Promise(resolve => proxy!.close(resolve))
  })
  beforeEach(() => {
    seen.length = 0
  })
  return {
    get url() {
      return url
    },
    seen
  }
}
