export {
  VaultClient,
  type VaultAuthOptions,
  type VaultClientOptions,
} from './VaultClient';
export { VaultUnavailableError, VaultCasMismatchError } from './errors';
export type { VaultRetryOptions } from './retry';
export type {
  KubernetesAuthRole,
  KvMetadata,
  VaultMount,
  VaultTokenInfo,
} from './types';
export { vaultAppNames, type VaultAppNames } from './naming';
