/** Three levels by suffix, as in Emmett: *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/projections', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  moduleNameMapper: {
    '^@helpdesk/event-store$': '<rootDir>/libs/event-store/src',
    '^@helpdesk/event-store/(.*)$': '<rootDir>/libs/event-store/src/$1',
    '^@helpdesk/read-store$': '<rootDir>/libs/read-store/src',
    '^@helpdesk/config$': '<rootDir>/libs/config/src',
  },
  testTimeout: 30000,
};
