export * from './alloy';
export {
  ALLOY_COMPONENTS,
  ALLOY_SIGNALS,
  type AlloyComponentSpec,
  type AlloyExportSpec,
  type AlloyInputSpec,
  type AlloySignal,
  type AlloyValueType,
} from './alloyCatalog';
export * from './alloyWiring';
export * from './clusterPipeline';
export * from './tenancy';
