import type { Entity } from '@backstage/catalog-model';
import { vaultPathSegmentProblems } from './validation';

/*
 * Entity annotations Haven+ reads. Keys the ecosystem already defines are
 * reused as they are (Kubernetes and Flux plugins, the community Vault and
 * Grafana plugins); `haven.plus/` keys exist only where no key existed.
 */

/** Kubernetes plugin: the value of the `backstage.io/kubernetes-id` label. @public */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';
/** Kubernetes plugin: the one namespace to query. @public */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';
/** Kubernetes plugin: a label selector that replaces the kubernetes-id one. @public */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
/** Community Vault plugin: the KV v2 path of the entity's secrets, inside the mount. @public */
export const ANNOTATION_VAULT_SECRETS_PATH = 'vault.io/secrets-path';
/** Community Vault plugin: the KV v2 mount holding that path. @public */
export const ANNOTATION_VAULT_SECRETS_ENGINE = 'vault.io/secrets-engine';
/**
 * The names of the entity's secrets, comma-separated, each a KV v2 key
 * directly under its vault.io/secrets-path (names only, never values), as
 * "Create a Haven+ service" wrote them. A hint for the entity page, which
 * reads their metadata together with Vault's LIST of the path; the LIST
 * still decides which secrets it shows.
 * @public
 */
export const ANNOTATION_VAULT_SECRET_NAMES = 'haven.plus/vault-secret-names';
/** Community Grafana plugin: which dashboards belong to the entity. @public */
export const ANNOTATION_GRAFANA_DASHBOARD_SELECTOR =
  'grafana/dashboard-selector';
/** Community Grafana plugin: which alerts belong to the entity. @public */
export const ANNOTATION_GRAFANA_ALERT_LABEL_SELECTOR =
  'grafana/alert-label-selector';

/** The OpenTelemetry `service.name` the app reports (default: the kubernetes-id). @public */
export const ANNOTATION_OTEL_SERVICE_NAME = 'haven.plus/otel-service-name';
/** The OpenTelemetry `service.namespace` (default: the kubernetes-namespace). @public */
export const ANNOTATION_OTEL_SERVICE_NAMESPACE =
  'haven.plus/otel-service-namespace';
/** A Loki stream selector that replaces the one built from the service name. @public */
export const ANNOTATION_LOKI_SELECTOR = 'haven.plus/loki-selector';
/** The Loki/Tempo/Mimir tenant (`X-Scope-OrgID`) the app's telemetry lands in. @public */
export const ANNOTATION_TELEMETRY_TENANT = 'haven.plus/telemetry-tenant';
/**
 * The Prometheus series counting the app's HTTP requests as Mimir stores it
 * (a counter, or a histogram's `_count`), for the "Request rate" link.
 * @public
 */
export const ANNOTATION_REQUEST_METRIC = 'haven.plus/request-metric';

function annotation(entity: Entity, key: string): string | undefined {
  const value = entity.metadata.annotations?.[key]?.trim();
  return value ? value : undefined;
}

/** True when the Kubernetes plugin can find the entity's objects. @public */
export function isKubernetesAvailable(entity: Entity): boolean {
  return Boolean(
    annotation(entity, ANNOTATION_KUBERNETES_ID) ||
      annotation(entity, ANNOTATION_KUBERNETES_LABEL_SELECTOR),
  );
}

/** The kubernetes-id, as the Kubernetes backend resolves it (annotation, else name). @public */
export function kubernetesIdFromEntity(entity: Entity): string {
  return annotation(entity, ANNOTATION_KUBERNETES_ID) ?? entity.metadata.name;
}

/** True when the entity names its Vault KV path. @public */
export function isVaultAvailable(entity: Entity): boolean {
  return Boolean(annotation(entity, ANNOTATION_VAULT_SECRETS_PATH));
}

/** The entity's Vault KV location, or undefined without the path annotation. @public */
export function vaultSecretsFromEntity(
  entity: Entity,
): { engine?: string; path: string } | undefined {
  const path = annotation(entity, ANNOTATION_VAULT_SECRETS_PATH);
  if (!path) return undefined;
  return { engine: annotation(entity, ANNOTATION_VAULT_SECRETS_ENGINE), path };
}

/** At most this many names are taken from haven.plus/vault-secret-names. */
const VAULT_SECRET_NAMES_MAX = 50;

/**
 * The secret names the entity declares (haven.plus/vault-secret-names), in
 * their order, without repeats: at most 50, each one valid Vault path
 * segment of at most 128 characters. Entries that are not (empty, a path, a
 * `name=value` pair, a glob) are left out, so the annotation can only ever
 * name keys directly under the entity's own path. Empty without it.
 * @public
 */
export function vaultSecretNamesFromEntity(entity: Entity): string[] {
  const value = annotation(entity, ANNOTATION_VAULT_SECRET_NAMES);
  if (!value) return [];
  const names = new Set<string>();
  for (const entry of value.split(',')) {
    const name = entry.trim();
    if (vaultPathSegmentProblems(name).length > 0) continue;
    names.add(name);
    if (names.size === VAULT_SECRET_NAMES_MAX) break;
  }
  return [...names];
}

/**
 * True when traces, logs and metrics can be looked up: an explicit service
 * name, or a kubernetes-id to default it from.
 * @public
 */
export function isTelemetryAvailable(entity: Entity): boolean {
  return Boolean(
    annotation(entity, ANNOTATION_OTEL_SERVICE_NAME) ||
      annotation(entity, ANNOTATION_KUBERNETES_ID),
  );
}

/** What the entity's telemetry carries and where it lands. @public */
export interface TelemetryIdentity {
  /** OpenTelemetry `service.name` (haven.plus/otel-service-name, else the kubernetes-id). */
  serviceName: string;
  /** OpenTelemetry `service.namespace` (haven.plus/otel-service-namespace, else the kubernetes-namespace). */
  serviceNamespace?: string;
  /** A Loki stream selector that replaces the one built from the service (haven.plus/loki-selector). */
  lokiSelector?: string;
  /** The Loki/Tempo/Mimir tenant (haven.plus/telemetry-tenant). */
  tenant?: string;
  /** The Prometheus series counting HTTP requests (haven.plus/request-metric). */
  requestMetric?: string;
}

/** The entity's telemetry identity, or undefined when it has none. @public */
export function telemetryFromEntity(
  entity: Entity,
): TelemetryIdentity | undefined {
  const serviceName =
    annotation(entity, ANNOTATION_OTEL_SERVICE_NAME) ??
    annotation(entity, ANNOTATION_KUBERNETES_ID);
  if (!serviceName) return undefined;
  return {
    serviceName,
    serviceNamespace:
      annotation(entity, ANNOTATION_OTEL_SERVICE_NAMESPACE) ??
      annotation(entity, ANNOTATION_KUBERNETES_NAMESPACE),
    lokiSelector: annotation(entity, ANNOTATION_LOKI_SELECTOR),
    tenant: annotation(entity, ANNOTATION_TELEMETRY_TENANT),
    requestMetric: annotation(entity, ANNOTATION_REQUEST_METRIC),
  };
}
