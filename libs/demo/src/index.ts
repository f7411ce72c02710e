/**
 * What the demo tools share: the seeded PRNG (the simulator, the chaos and crash tests, the
 * benchmarks) and the targets file `helpdesk seed-demo --out` writes and the simulator reads.
 */
export * from './prng.js';
export * from './targets-file.js';
