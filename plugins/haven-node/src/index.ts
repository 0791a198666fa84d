/**
 * Node.js library of Haven+: the Vault (and OpenBao) client used by its
 * scaffolder actions and backend plugin.
 *
 * @packageDocumentation
 */
export * from './vault';
export * from './config';
