import type { Entity } from '@backstage/catalog-model';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
  NotImplementedError,
} from '@backstage/errors';
import {
  ANNOTATION_KUBERNETES_ID,
  assertDnsLabel,
  assertValid,
  dnsSubdomainProblems,
  kubernetesIdFromEntity,
} from '@haven-plus/plugin-haven-common';
import type { DeliveryCluster } from './clusters';
import type { KubernetesAnswer, KubernetesRequester } from './kubernetesApi';

/**
 * ESO refreshes an ExternalSecret as soon as its labels or annotations
 * change: the controller compares status.syncedResourceVersion with
 * "<generation>-<hash of labels and annotations>" (GetResourceVersion in
 * external-secrets' controller utilities). ESO's documentation names this
 * key for it: `kubectl annotate es my-es force-sync=$(date +%s) --overwrite`
 * (docs/api/externalsecret.md, "Update Behavior").
 */
export const ESO_FORCE_SYNC_ANNOTATION = 'force-sync';

/**
 * Flux reconciles an object outside its interval when this annotation's
 * value changes (fluxcd/pkg apis/meta, ReconcileRequestAnnotation; `flux
 * reconcile` sets it to the current time).
 */
export const FLUX_RECONCILE_REQUEST_ANNOTATION =
  'reconcile.fluxcd.io/requestedAt';

/** A JSON merge patch (RFC 7386), which the API server takes for any custom resource. */
const MERGE_PATCH = 'application/merge-patch+json';

/** The Delivery card's two actions. */
export type DeliveryAction = 'sync' | 'reconcile';

export const DELIVERY_ACTIONS: readonly DeliveryAction[] = [
  'sync',
  'reconcile',
];

interface KindInfo {
  action: DeliveryAction;
  group: string;
  version: string;
  plural: string;
  annotation: string;
}

/** The kinds each action touches, at the API versions the card reads. */
const KINDS: Record<string, KindInfo> = {
  ExternalSecret: {
    action: 'sync',
    group: 'external-secrets.io',
    version: 'v1',
    plural: 'externalsecrets',
    annotation: ESO_FORCE_SYNC_ANNOTATION,
  },
  Kustomization: {
    action: 'reconcile',
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    annotation: FLUX_RECONCILE_REQUEST_ANNOTATION,
  },
  HelmRelease: {
    action: 'reconcile',
    group: 'helm.toolkit.fluxcd.io',
    version: 'v2',
    plural: 'helmreleases',
    annotation: FLUX_RECONCILE_REQUEST_ANNOTATION,
  },
};

/** The object an action is asked for, as the card names it. */
export interface DeliveryTarget {
  /** The cluster's name in kubernetes.clusterLocatorMethods. */
  cluster: string;
  kind: string;
  namespace: string;
  name: string;
}

/** What the route answers: the object, and the annotation it set. */
export interface DeliveryActionResult extends DeliveryTarget {
  action: DeliveryAction;
  annotation: string;
  requestedAt: string;
}

/** The API server answered, but not with what the action needs (HTTP 502). */
export class KubernetesApiError extends CustomErrorBase {
  name = 'KubernetesApiError' as const;
  readonly statusCode = 502;
}

function kindsOf(action: DeliveryAction): string[] {
  return Object.keys(KINDS).filter(kind => KINDS[kind].action === action);
}

function fieldsOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null
    ? (body as Record<string, unknown>)
    : {};
}

/** The object a request named, as short strings for the audit log. */
export function auditTarget(body: unknown): Record<string, string> {
  const fields = fieldsOf(body);
  const target: Record<string, string> = {};
  for (const key of ['cluster', 'kind', 'namespace', 'name']) {
    const value = fields[key];
    if (typeof value === 'string') target[key] = value.slice(0, 253);
  }
  return target;
}

/** The request body `{ cluster, kind, namespace, name }`, checked. */
export function parseDeliveryTarget(
  action: DeliveryAction,
  body: unknown,
): DeliveryTarget {
  const fields = fieldsOf(body);
  const text = (key: string): string => {
    const value = fields[key];
    if (typeof value !== 'string' || value.length === 0) {
      throw new InputError(
        `The request body needs "${key}" (a string): the object's ${key} as the Delivery card shows it`,
      );
    }
    return value;
  };
  const kinds = kindsOf(action);
  const kind =
    fields.kind === undefined && kinds.length === 1 ? kinds[0] : text('kind');
  if (!kinds.includes(kind)) {
    throw new InputError(
      `"${action}" acts on ${kinds.join(' or ')}, not on ${kind}`,
    );
  }
  return {
    cluster: text('cluster'),
    kind,
    namespace: assertDnsLabel(text('namespace'), 'namespace'),
    name: assertValid(text('name'), 'name', dnsSubdomainProblems),
  };
}

function statusMessage(answer: KubernetesAnswer): string {
  const body = answer.body as { kind?: unknown; message?: unknown } | undefined;
  return body?.kind === 'Status' && typeof body.message === 'string'
    ? `: ${body.message}`
    : '';
}

export interface DeliveryActionsOptions {
  clusters: DeliveryCluster[];
  request: KubernetesRequester;
  now?: () => Date;
}

/**
 * Sets the annotation that makes ESO or Flux act on one of an entity's
 * objects, through the API server of the cluster the Kubernetes backend
 * reads, with the same credentials. The object must carry the entity's
 * backstage.io/kubernetes-id label: the entity's permission covers its own
 * objects only.
 */
export class DeliveryActions {
  private readonly clusters: DeliveryCluster[];
  private readonly call: KubernetesRequester;
  private readonly now: () => Date;

  constructor(options: DeliveryActionsOptions) {
    this.clusters = options.clusters;
    this.call = options.request;
    this.now = options.now ?? (() => new Date());
  }

  async request(
    action: DeliveryAction,
    entity: Entity,
    target: DeliveryTarget,
  ): Promise<DeliveryActionResult> {
    const info = KINDS[target.kind];
    if (!info || info.action !== action) {
      throw new InputError(`"${action}" does not act on ${target.kind}`);
    }
    const cluster = this.clusterNamed(target.cluster);
    const what = `${target.kind} ${target.namespace}/${target.name} in cluster ${cluster.name}`;
    const path = `/apis/${info.group}/${
      info.version
    }/namespaces/${encodeURIComponent(target.namespace)}/${
      info.plural
    }/${encodeURIComponent(target.name)}`;
    const resource = `${info.plural}.${info.group}`;

    const current = await this.send(cluster, what, { method: 'GET', path });
    this.check(current, what, 'get', resource, target.namespace);
    const id = kubernetesIdFromEntity(entity);
    const labels = (current.body as { metadata?: { labels?: unknown } })
      ?.metadata?.labels as Record<string, unknown> | undefined;
    if (labels?.[ANNOTATION_KUBERNETES_ID] !== id) {
      throw new NotAllowedError(
        `${what} is not labelled ${ANNOTATION_KUBERNETES_ID}=${id}, so it is not this entity's; the Delivery card acts only on the entity's own objects`,
      );
    }

    const requestedAt = this.now().toISOString();
    const patched = await this.send(cluster, what, {
      method: 'PATCH',
      path,
      contentType: MERGE_PATCH,
      body: { metadata: { annotations: { [info.annotation]: requestedAt } } },
    });
    this.check(patched, what, 'patch', resource, target.namespace);
    return {
      action,
      ...target,
      cluster: cluster.name,
      annotation: info.annotation,
      requestedAt,
    };
  }

  private clusterNamed(name: string): DeliveryCluster {
    const cluster = this.clusters.find(c => c.name === name);
    if (!cluster) {
      throw new InputError(
        `No cluster named "${name}" in kubernetes.clusterLocatorMethods (type: config); the Delivery card's actions reach only the clusters app-config lists`,
      );
    }
    if (cluster.authProvider !== 'serviceAccount') {
      throw new NotImplementedError(
        `Cluster ${name} uses authProvider ${cluster.authProvider}; Sync now and Reconcile support only serviceAccount`,
      );
    }
    return cluster;
  }

  private async send(
    cluster: DeliveryCluster,
    what: string,
    request: Parameters<KubernetesRequester>[1],
  ): Promise<KubernetesAnswer> {
    try {
      return await this.call(cluster, request);
    } catch (error) {
      throw new KubernetesApiError(
        `Could not reach the API server of cluster ${cluster.name} for ${what}; check kubernetes.clusterLocatorMethods (url, caData, skipTLSVerify)`,
        error,
      );
    }
  }

  private check(
    answer: KubernetesAnswer,
    what: string,
    verb: 'get' | 'patch',
    resource: string,
    namespace: string,
  ): void {
    if (answer.status >= 200 && answer.status < 300) return;
    if (answer.status === 404) {
      throw new ConflictError(
        `${what} does not exist (any more); reload the Delivery card`,
      );
    }
    if (answer.status === 401 || answer.status === 403) {
      throw new KubernetesApiError(
        `The API server refused to ${verb} ${what} (HTTP ${
          answer.status
        }${statusMessage(
          answer,
        )}); Backstage's service account needs get and patch on ${resource} in namespace ${namespace}`,
      );
    }
    throw new KubernetesApiError(
      `The API server answered HTTP ${
        answer.status
      } to ${verb} ${what}${statusMessage(answer)}`,
    );
  }
}
