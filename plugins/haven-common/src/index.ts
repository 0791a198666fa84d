/**
 * Isomorphic pieces of Haven+, shared by its frontend, backend and scaffolder
 * packages: the entity annotations it reads and their helpers, the telemetry
 * queries and links, and the entity page's telemetry answer.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './validation';
export * from './telemetry';
export * from './entityTelemetry';
