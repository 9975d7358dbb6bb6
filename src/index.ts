import { run, unexpectedFailure } from './main.js'

/** The runner's entry point: cancel on SIGINT/SIGTERM, then leave once the outcome is published. */
const controller = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort())
}

run({ signal: controller.signal }).then(
  outcome => {
    // A cancelled run may leave a socket open; everything is written, so leave now.
    if (outcome.accounts.some(a => a.error?.kind === 'cancelled')) process.exit(1)
  },
  err => {
    process.stdout.write(unexpectedFailure(err))
    process.exit(1)
  }
)
