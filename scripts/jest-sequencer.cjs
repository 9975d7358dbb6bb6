// Runs the slowest test files first, so that no slow file starts last and holds the run open
// while the other workers idle. Jest orders by the durations of its own last run, kept in its
// cache; a fresh clone (CI) has none and jest would fall back to file size, which put small
// files that wait on scans for half a minute (github-checks) at the very end. There, the
// durations recorded in __tests__/durations.json (`node scripts/test-durations.mjs`) stand in.
// A file in neither runs first.
const path = require('node:path')
const Sequencer = require('@jest/test-sequencer').default
const recorded = require('../__tests__/durations.json')

class SlowestFirst extends Sequencer {
  time(test) {
    const cached = super.time(test)
    if (cached !== undefined && cached !== null) return cached
    const seconds = recorded[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')]
    return seconds === undefined ? undefined : seconds * 1000
  }
}

module.exports = SlowestFirst
