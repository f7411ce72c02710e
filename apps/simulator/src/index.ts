/** What benchmarks and tests reuse: the pure traffic generator, its PRNG and the HTTP driver. */
export { generateTraffic, type GeneratedPayload, type PayloadDescription } from './generate-traffic.js';
export { MESSAGE_TYPES, STATUS_KINDS, type MessageType, type StatusKind } from './message-types.js';
export { createPrng, type Prng } from '@helpdesk/demo';
export { runSimulation, webhookUrl, type RequestLogLine, type SimulationOptions } from './run-simulation.js';
export { metaJson, signatureOf } from './sign-payload.js';
export type { SimulationSummary } from './simulation-summary.js';
export { readTargetsFile, type DemoTargets } from '@helpdesk/demo';
export { TRAFFIC_DEFAULTS, type BusinessNumber, type TrafficOptions } from './traffic-options.js';
