/*
 * The permissions are defined in @haven-plus/plugin-haven-common, so the
 * entity page can ask for them too; this package keeps exporting them.
 */
export {
  havenEntityFluxReconcilePermission,
  havenEntitySecretsSyncPermission,
  havenEntityTelemetryReadPermission,
  havenPermissions,
} from '@haven-plus/plugin-haven-common';
