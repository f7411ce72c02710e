/**
 * The layers (npm run lint:deps, part of npm test):
 *
 *   apps/<app>     api, cli, projector, simulator: each may import libs and projections, never another app
 *   projections/   read models: may import libs, never an app
 *   libs/<lib>     may import other libs (no cycles between libs), never an app or projections
 *   libs/domain    pure: only itself and luxon, libphonenumber-js (no Nest, no node: modules, no other lib)
 *   test/          cross-app specs (test/e2e), crash, bench, security...: may import anything
 *
 * Every rule is an error; `depcruise` exits non-zero on any violation.
 */
const TEST_FILE = '\\.(spec|fixtures|test-world)\\.ts$';
const DOMAIN_PACKAGES = '(^|/)node_modules/(luxon|@types/luxon|libphonenumber-js)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-imports-another-app',
      comment:
        'An app never imports another app: what two apps share lives in a lib (libs/commands, libs/auth, libs/demo...). Specs that drive several apps together live in test/e2e.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'projection-imports-an-app',
      comment: 'Read models are built from events and libs only; the apps import projections, not the other way round.',
      severity: 'error',
      from: {
        path: '^projections/',
      },
      to: { path: '^apps/' },
    },
    {
      name: 'lib-imports-an-app',
      comment: 'Libs sit under the apps: an app imports a lib, never the reverse.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'lib-imports-projections',
      comment: 'Libs sit under the read models too: projections import libs, never the reverse.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^projections/' },
    },
    {
      name: 'domain-is-pure',
      comment:
        'libs/domain holds deciders and value objects: it imports only itself, luxon and libphonenumber-js (no Nest, no node: modules, no other lib).',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: TEST_FILE },
      to: { pathNot: ['^libs/domain/', DOMAIN_PACKAGES] },
    },
    {
      name: 'domain-tests-are-pure',
      comment: "libs/domain's specs and fixtures may add only test/support and jest to what the domain imports.",
      severity: 'error',
      from: { path: ['^libs/domain/.*' + TEST_FILE] },
      to: { pathNot: ['^libs/domain/', DOMAIN_PACKAGES, '^test/support/', '(^|/)node_modules/@jest/globals/'] },
    },
    {
      name: 'libs-in-a-cycle',
      comment:
        'No folder cycle runs through two libs (a folder of one lib imports another lib that, through its folders, imports it back).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^libs/([^/]+)(/|$)' },
      to: { path: '^libs/', pathNot: '^libs/$1(/|$)', circular: true },
    },
    {
      name: 'modules-in-a-cycle-across-libs',
      comment: 'No import cycle runs through two libs.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: '^libs/$1/', circular: true },
    },
    {
      name: 'optional-clients-load-on-demand',
      comment:
        "EventStoreDB's client (gRPC, protobuf) and the OpenTelemetry SDK with its exporter are imported only with import(), by open-event-store.ts when EVENTSTORE_URL is set and by start-tracing.ts when tracing is on: the embedded default never loads them (idle on an empty store, the API's RSS went from 180 to 166–171 MiB and the projector's from 98–100 to 87–88 MiB). Specs may import them.",
      severity: 'error',
      from: { pathNot: ['^libs/event-store/src/eventstoredb/', '^test/', TEST_FILE] },
      to: {
        path: [
          '^libs/event-store/src/eventstoredb/',
          '(^|/)node_modules/@eventstore/db-client/',
          '(^|/)node_modules/@opentelemetry/(sdk-trace|exporter-trace-otlp-http|resources)/',
        ],
        dependencyTypesNot: ['dynamic-import', 'type-only'],
      },
    },
    {
      name: 'unresolvable',
      comment: 'An import the checker cannot resolve would escape every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-[^/]*|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
