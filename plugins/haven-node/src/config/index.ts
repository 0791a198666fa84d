export {
  readHavenVaultConfig,
  type HavenVaultConfig,
  type HavenVaultEnvironment,
} from './vaultConfig';
