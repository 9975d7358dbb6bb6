// The node test environment, with one difference: an error Node itself throws (a socket's
// ECONNRESET, a request's abort) is `instanceof Error` in the test too. Jest runs each test file
// in its own realm, whose `Error` is not the one Node's errors inherit from, so code that checks
// `err instanceof Error` (src/http/retry.ts, src/errors.ts) would read a reset as an unknown
// failure in process, where the bundle sees a network error (jest issue #2549).
const { TestEnvironment } = require('jest-environment-node')

class NodeErrorsEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context)
    const RealmError = this.global.Error
    const ordinary = Function.prototype[Symbol.hasInstance]
    Object.defineProperty(RealmError, Symbol.hasInstance, {
      configurable: true,
      value(value) {
        // subclasses (ActionError, …) inherit this: for them, the ordinary check alone
        return ordinary.call(this, value) || (this === RealmError && value instanceof Error)
      }
    })
  }
}

module.exports = NodeErrorsEnvironment
