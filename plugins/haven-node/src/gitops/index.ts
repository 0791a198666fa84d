export {
  APP_PROFILE_ANNOTATION,
  APP_PROFILES,
  OPEN_WEBUI_PROFILE,
  OTEL_SDK_PROFILE,
  type AppProfile,
  type OtlpProtocol,
  type ProfileEnvVar,
  type ProfileSecretValues,
  type ProfileValue,
} from './appProfiles';
export {
  appFolder,
  buildAppDelivery,
  fluxKustomization,
  syncedSecretName,
  type AppChart,
  type AppDeliveryInput,
  type AppSecret,
  type AppVaultBinding,
  type DeliveryFile,
  type DeliveryObject,
  type KustomizeFile,
} from './manifests';
export { deliveryFileToYaml, toYaml } from './yamlWriter';
export { registerEntry, type RegisterResult } from './register';
export {
  fleetRepoScaffolderUrl,
  fleetRepoUrl,
  type FleetRepo,
} from './fleetRepo';
export {
  addSecretToExternalSecret,
  addSecretToHelmRelease,
  type EditResult,
} from './addSecret';
export {
  buildObservabilityStack,
  clusterRoot,
  observabilityDatasources,
  observabilityEndpoints,
  OBSERVABILITY_CHARTS,
  tenantDatasourceUids,
  type DatasourceUids,
  type ObservabilityStackInput,
  type ObservabilityTenancy,
  type TenantDatasources,
} from './observabilityStack';
