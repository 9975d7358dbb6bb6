// Jest's TypeScript transform: Node's own type stripping, the way Node runs the emulator and the
// scripts. Types are replaced by blanks, so every line and column stays where it was and no source
// map is needed. tsconfig's `erasableSyntaxOnly` and `verbatimModuleSyntax` keep the code strippable;
// `npm run typecheck` does the type checking.
const { stripTypeScriptTypes } = require('node:module')
const { createHash } = require('node:crypto')

const VERSION = `${process.version} strip 1`

module.exports = {
  process(source) {
    return { code: stripTypeScriptTypes(source, { mode: 'strip' }) }
  },
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(VERSION)
      .update('\0')
      .update(filename)
      .update('\0')
      .update(source)
      .digest('hex')
  }
}
