/**
 * Scaffolder actions of Haven+ (`haven:vault:provision`,
 * `haven:gitops:render`, `haven:gitops:register`, `haven:gitops:add-secret`), as a backend module for
 * the scaffolder plugin.
 *
 * @packageDocumentation
 */
export { scaffolderModuleHaven as default } from './module';
export {
  createVaultProvisionAction,
  type VaultClientFactory,
} from './actions/vault/vaultProvision';
export { createGitopsRenderAction } from './actions/gitops/gitopsRender';
export { createGitopsRegisterAction } from './actions/gitops/gitopsRegister';
export { createGitopsAddSecretAction } from './actions/gitops/gitopsAddSecret';
export { createObservabilityRenderAction } from './actions/observability/observabilityRender';
