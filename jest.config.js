/** Jest runs TypeScript as ESM; src imports use `.js` specifiers, emulator imports use `.ts`. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-strip-types.cjs' },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 60000,
  // the integration tests mostly wait on timers and child processes, so more workers than cores pay off
  maxWorkers: 8,
  testSequencer: '<rootDir>/scripts/jest-sequencer.cjs',
  reporters: ['default', '<rootDir>/scripts/jest-closing-line.cjs']
}
