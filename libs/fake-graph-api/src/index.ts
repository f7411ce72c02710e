export * from './fake-graph-api.js';
export * from './graph-errors.js';
export { messageBodyProblem } from './validate-message.js';
