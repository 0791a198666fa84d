/**
 * Isomorphic pieces of Haven+, shared by its frontend, backend and scaffolder
 * packages: the entity annotations it reads and their helpers.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './validation';
export * from './telemetry';
