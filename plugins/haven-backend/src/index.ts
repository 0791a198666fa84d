/**
 * The Haven+ backend plugin: per-entity Vault KV metadata and Loki/Tempo
 * summaries for the entity page.
 *
 * @packageDocumentation
 */
export {};
