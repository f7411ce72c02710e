/**
 * What the demo and command-line tools share: the seeded PRNG (the simulator, the chaos and crash
 * tests, the benchmarks), the targets file `helpdesk seed-demo --out` writes and the simulator
 * reads, and the progress bar the CLI and the simulator draw on stderr.
 */
export * from './prng.js';
export * from './progress-bar.js';
export * from './targets-file.js';
