export {
  chartArchive,
  createHelmRepositoryDouble,
  startHelmRepositoryDoubleOnLoopback,
  type HelmChartSeed,
  type HelmRepositoryDouble,
  type HelmRepositoryDoubleOptions,
  type RunningHelmRepositoryDouble,
} from './helmRepositoryDouble';
export { OPEN_WEBUI_8, OPEN_WEBUI_16, OPEN_WEBUI_DEV } from './openWebuiChart';
export {
  createOciRegistryDouble,
  type OciRegistryDouble,
  type OciRegistryDoubleOptions,
} from './ociRegistryDouble';
