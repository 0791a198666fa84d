/**
 * The Haven+ backend plugin: per-entity Vault KV metadata and Loki/Tempo
 * summaries for the entity page.
 *
 * @packageDocumentation
 */
export { havenPlugin as default } from './plugin';
export {
  havenEntityTelemetryReadPermission,
  havenPermissions,
} from './permissions';
