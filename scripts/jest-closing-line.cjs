// Prints one plain closing line ("Tests: N passed, N failed") that CI logs can be read by.
class ClosingLine {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    const tail = skipped ? `, ${skipped} skipped` : ''
    process.stdout.write(
      `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${tail}\n`
    )
  }
}
module.exports = ClosingLine
