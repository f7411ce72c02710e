/**
 * Nest 12 ships as ES modules, so the tests run as ESM like the service does
 * (`npm test` passes node --experimental-vm-modules).
 * Test levels by suffix, as in Emmett: *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
 */
module.exports = {
  testEnvironment: 'node',
  testTimeout: 30000,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/projections', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true, diagnostics: false }] },
  moduleNameMapper: {
    '^@helpdesk/event-store$': '<rootDir>/libs/event-store/src/index.ts',
    '^@helpdesk/event-store/(.*?)(?:\\.js)?$': '<rootDir>/libs/event-store/src/$1',
    '^@helpdesk/read-store$': '<rootDir>/libs/read-store/src/index.ts',
    '^@helpdesk/media-store$': '<rootDir>/libs/media-store/src/index.ts',
    '^@helpdesk/config$': '<rootDir>/libs/config/src/index.ts',
    '^@helpdesk/domain/fixtures$': '<rootDir>/libs/domain/src/helpdesk.fixtures.ts',
    '^@helpdesk/domain$': '<rootDir>/libs/domain/src/index.ts',
    '^@helpdesk/command-handling$': '<rootDir>/libs/command-handling/src/index.ts',
    '^@helpdesk/projections/(.*?)(?:\\.js)?$': '<rootDir>/projections/$1',
    '^@helpdesk/audit$': '<rootDir>/libs/audit/src/index.ts',
    '^@helpdesk/commands$': '<rootDir>/libs/commands/src/index.ts',
    '^@helpdesk/commands/(.*?)(?:\\.js)?$': '<rootDir>/libs/commands/src/$1',
    '^@helpdesk/auth/fixtures$': '<rootDir>/libs/auth/src/access-token.fixtures.ts',
    '^@helpdesk/auth$': '<rootDir>/libs/auth/src/index.ts',
    '^@helpdesk/demo$': '<rootDir>/libs/demo/src/index.ts',
    '^@helpdesk/fake-graph-api$': '<rootDir>/libs/fake-graph-api/src/index.ts',
    // Our sources import './x.js' (ESM); jest resolves the .ts file. Real .json.js files stay as they are.
    '^(\\.{1,2}/.*)(?<!\\.json)\\.js$': '$1',
  },
};
