import { ActionError } from './errors.js'

/** Waits, or rejects with a `cancelled` error as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ActionError('cancelled', 'The run was cancelled.'))
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.max(0, ms)
    )
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new ActionError('cancelled', 'The run was cancelled.'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
