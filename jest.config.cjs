/**
 * Nest 12 ships as ES modules, so everything that boots Nest runs as ESM ("esm" project,
 * needs node --experimental-vm-modules, which `npm test` passes). The store libraries and
 * their contract suites run as CommonJS ("stores"), where the gRPC client is native.
 * Test levels by suffix, as in Emmett: *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
 */
const aliases = {
  '^@helpdesk/event-store$': '<rootDir>/libs/event-store/src/index.ts',
  '^@helpdesk/event-store/(.*?)(?:\\.js)?$': '<rootDir>/libs/event-store/src/$1',
  '^@helpdesk/read-store$': '<rootDir>/libs/read-store/src/index.ts',
  '^@helpdesk/config$': '<rootDir>/libs/config/src/index.ts',
  '^@helpdesk/domain$': '<rootDir>/libs/domain/src/index.ts',
  '^@helpdesk/command-handling$': '<rootDir>/libs/command-handling/src/index.ts',
  // Our sources import './x.js' (ESM); jest resolves the .ts file. Real .json.js files stay as they are.
  '^(\\.{1,2}/.*)(?<!\\.json)\\.js$': '$1',
  '^(content-disposition|cookie)$': '<rootDir>/test/support/native-esm/$1.cjs',
};
const shared = { testEnvironment: 'node', testTimeout: 30000, moduleNameMapper: aliases };

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'esm',
      roots: ['<rootDir>/apps', '<rootDir>/projections'],
      testMatch: ['**/*.spec.ts'],
      extensionsToTreatAsEsm: ['.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true, diagnostics: false }] },
    },
    {
      ...shared,
      displayName: 'stores',
      roots: ['<rootDir>/libs', '<rootDir>/test'],
      testMatch: ['**/*.spec.ts'],
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: { ...require('./tsconfig.base.json').compilerOptions, module: 'commonjs', moduleResolution: 'node', paths: undefined, baseUrl: undefined }, diagnostics: false }],
      },
    },
  ],
};
