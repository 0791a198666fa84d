/**
 * Scaffolder actions of Haven+ (`haven:vault:provision`), as a backend module
 * for the scaffolder plugin.
 *
 * @packageDocumentation
 */
export { scaffolderModuleHaven as default } from './module';
export {
  createVaultProvisionAction,
  type VaultClientFactory,
} from './actions/vault/vaultProvision';
