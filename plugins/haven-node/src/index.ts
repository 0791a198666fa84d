/**
 * Node.js library of Haven+: the Vault (and OpenBao) client, the typed
 * GitOps manifest builders and fleet-repository edits used by its scaffolder
 * actions and backend plugin.
 *
 * @packageDocumentation
 */
export * from './vault';
export * from './config';
export * from './gitops';
export * from './observability';
export * from './charts';
