/**
 * Scaffolder actions of Haven+ (`haven:vault:provision`,
 * `haven:gitops:render`, `haven:gitops:register`, `haven:gitops:add-secret`,
 * `haven:observability:render`), as a backend module for the scaffolder
 * plugin.
 *
 * @packageDocumentation
 */
export { scaffolderModuleHaven as default } from './module';
