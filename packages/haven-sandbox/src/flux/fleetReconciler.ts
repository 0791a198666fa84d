import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from '@haven-plus/haven-doubles';

/**
 * A stand-in for Flux and External Secrets in the local sandbox: given the
 * files of the fleet repository's branch, it works out what Flux would apply
 * for one cluster and the status the controllers would then write, so the
 * entity page of an app created in the sandbox shows its delivery chain once
 * its pull request is merged.
 *
 * What it follows (shared/reference/contracts.md):
 * - Flux (3.2, 3.3): the cluster's apps folder is a kustomize
 *   `kustomization.yaml` listing one file per app, each a Flux Kustomization
 *   whose `spec.path` is the app's folder, itself a `kustomization.yaml`
 *   listing the app's manifests. A reconciled Kustomization is Ready with
 *   reason `ReconciliationSucceeded` and message `Applied revision: <rev>`;
 *   a HelmRelease is Ready with `InstallSucceeded` and a `deployed` history
 *   entry (v2 has no lastAppliedRevision).
 * - ESO (2.4, 2.5): a SecretStore is Ready `Valid` / `store validated`; an
 *   ExternalSecret whose Vault keys all exist is Ready `SecretSynced` /
 *   `secret synced` with `refreshTime`, `binding` and
 *   `syncedResourceVersion` `<generation>-<sha3-224 hex>`; one with a missing
 *   key is Ready=False `SecretSyncedError` / `could not get secret data from
 *   provider`, and the cause goes only into a Warning Event `UpdateFailed`.
 *
 * - Flux garbage collection (kustomize-controller docs, "Prune" and
 *   "Inventory"; `status.inventory.entries[{id: <ns>_<name>_<group>_<kind>,
 *   v}]`, contracts.md 3.3): with `spec.prune: true` an object a
 *   Kustomization applied before and no longer lists is deleted, and a
 *   Kustomization taken out of its parent is deleted with everything in its
 *   inventory. With `prune: false` they are left in the cluster. See
 *   {@link prunedObjects}.
 *
 * It applies nothing it cannot read; it is not Flux.
 */
export interface FleetReconcileInput {
  /** The branch's files, path -> UTF-8 text. */
  files: Record<string, string>;
  /** Folder Flux applies for the cluster's apps, e.g. `clusters/haven-sandbox/apps`. */
  fluxPath: string;
  /** Git revision as Flux writes it: `main@sha1:<40 hex>`. */
  revision: string;
  now: Date;
  /** Whether Vault holds a KV v2 secret at `mount`/`key` (ESO reads `data/<key>`). */
  vaultHas(mount: string, key: string): boolean;
}

export interface FleetReconcileResult {
  objects: KubernetesObject[];
  /** core v1 Events the controllers would record. */
  events: KubernetesObject[];
  /** Files or documents skipped, with why (a missing file, a parse error). */
  problems: string[];
}

type Manifest = KubernetesObject & {
  spec?: Record<string, any>;
  status?: Record<string, any>;
};

const normalise = (path: string) =>
  path
    .replace(/^\.\//, '')
    .split('/')
    .filter(s => s && s !== '.')
    .join('/');

const join = (dir: string, file: string) => normalise(`${dir}/${file}`);

const sha256 = (text: string) =>
  createHash('sha256').update(text).digest('hex');

const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** An object's inventory id, as kustomize-controller writes it: `<namespace>_<name>_<group>_<kind>`. */
export function inventoryId(object: KubernetesObject): string {
  const slash = object.apiVersion.lastIndexOf('/');
  const group = slash === -1 ? '' : object.apiVersion.slice(0, slash);
  return `${object.metadata.namespace ?? ''}_${object.metadata.name}_${group}_${
    object.kind
  }`;
}

const isFluxKustomization = (o: KubernetesObject) =>
  o.kind === 'Kustomization' &&
  o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');

/**
 * What Flux deletes when the cluster goes from `previous` to `next` (two
 * results of {@link reconcileFleet}): each Flux Kustomization's inventory
 * entries that it no longer applies, when it prunes (`spec.prune: true`),
 * and a Kustomization its parent no longer lists (the parent prunes it, as
 * a `flux bootstrap` cluster's does) with, when it prunes, all of its
 * inventory: its finalizer garbage-collects what it applied. Objects of a
 * Kustomization with `prune: false` stay, as in Flux.
 */
export function prunedObjects(
  previous: readonly KubernetesObject[],
  next: readonly KubernetesObject[],
): KubernetesObject[] {
  const byId = new Map(previous.map(o => [inventoryId(o), o]));
  const inventoryOf = (k: KubernetesObject) =>
    new Set<string>(
      ((k as Manifest).status?.inventory?.entries ?? []).map(
        (e: { id: string }) => e.id,
      ),
    );
  const nextKustomizations = new Map(
    next.filter(isFluxKustomization).map(k => [inventoryId(k), k]),
  );
  const doomed = new Set<string>();
  for (const before of previous.filter(isFluxKustomization)) {
    const id = inventoryId(before);
    const after = nextKustomizations.get(id);
    const prunes = (after ?? before) as Manifest;
    const still = after ? inventoryOf(after) : new Set<string>();
    if (!after) doomed.add(id);
    if (prunes.spec?.prune !== true) continue;
    for (const entry of inventoryOf(before)) {
      if (!still.has(entry)) doomed.add(entry);
    }
  }
  // Something another Kustomization applies now is not deleted.
  for (const o of next) doomed.delete(inventoryId(o));
  return [...doomed].flatMap(id => {
    const o = byId.get(id);
    return o ? [o] : [];
  });
}

/** A stable uid from the object's identity, shaped like a Kubernetes uid. */
function uidOf(kind: string, namespace: string | undefined, name: string) {
  const h = createHash('sha256')
    .update(`${kind}/${namespace ?? ''}/${name}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20, 32)}`;
}

export function reconcileFleet(
  input: FleetReconcileInput,
): FleetReconcileResult {
  const problems: string[] = [];
  const objects: KubernetesObject[] = [];
  const events: KubernetesObject[] = [];
  const now = iso(input.now);

  const readDocs = (path: string): Manifest[] => {
    const text = input.files[path];
    if (text === undefined) {
      problems.push(`${path}: not in the branch`);
      return [];
    }
    const docs: Manifest[] = [];
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        problems.push(`${path}: ${doc.errors[0].message}`);
        continue;
      }
      const value = doc.toJS();
      if (value && typeof value === 'object') docs.push(value as Manifest);
    }
    return docs;
  };

  /** The files a kustomize folder lists (resources only, as we render them). */
  const kustomizeResources = (dir: string): string[] => {
    const [kustomization] = readDocs(join(dir, 'kustomization.yaml'));
    const resources = (kustomization as any)?.resources;
    return Array.isArray(resources)
      ? resources.filter((r): r is string => typeof r === 'string')
      : [];
  };

  const stamp = (m: Manifest): Manifest => ({
    ...m,
    metadata: {
      ...m.metadata,
      generation: 1,
      uid: uidOf(m.kind, m.metadata.namespace, m.metadata.name),
      creationTimestamp: now,
    },
  });

  const stores = new Map<string, Manifest>();

  for (const file of kustomizeResources(input.fluxPath)) {
    for (const flux of readDocs(join(input.fluxPath, file))) {
      if (flux.kind !== 'Kustomization' || !flux.spec?.path) continue;
      const applied: Manifest[] = [];
      const appDir = normalise(String(flux.spec.path));
      for (const resource of kustomizeResources(appDir)) {
        applied.push(...readDocs(join(appDir, resource)));
      }
      for (const m of applied) {
        if (m.kind === 'SecretStore') {
          stores.set(`${m.metadata.namespace}/${m.metadata.name}`, m);
        }
      }
      for (const m of applied) {
        objects.push(statusOf(stamp(m)));
      }
      objects.push(
        stamp({
          ...flux,
          status: {
            observedGeneration: 1,
            inventory: {
              entries: applied.map(m => ({
                id: inventoryId(m),
                v: m.apiVersion.slice(m.apiVersion.lastIndexOf('/') + 1),
              })),
            },
            lastAppliedRevision: input.revision,
            lastAttemptedRevision: input.revision,
            conditions: [
              condition(
                'Ready',
                'True',
                'ReconciliationSucceeded',
                `Applied revision: ${input.revision}`,
              ),
            ],
          },
        }),
      );
    }
  }
  return { objects, events, problems };

  function condition(
    type: string,
    status: string,
    reason: string,
    message: string,
    withGeneration = true,
  ) {
    return {
      type,
      status,
      ...(withGeneration ? { observedGeneration: 1 } : {}),
      reason,
      message,
      lastTransitionTime: now,
    };
  }

  function statusOf(m: Manifest): Manifest {
    switch (m.kind) {
      case 'HelmRelease': {
        const chart = m.spec?.chart?.spec ?? {};
        const release = `${m.metadata.namespace}/${
          m.spec?.releaseName ?? m.metadata.name
        }.v1`;
        const message = `Helm install succeeded for release ${release} with chart ${chart.chart}@${chart.version}`;
        return {
          ...m,
          status: {
            observedGeneration: 1,
            lastAttemptedGeneration: 1,
            lastAttemptedRevision: chart.version,
            lastAttemptedReleaseAction: 'install',
            storageNamespace: m.metadata.namespace,
            history: [
              {
                chartName: chart.chart,
                chartVersion: chart.version,
                name: m.spec?.releaseName ?? m.metadata.name,
                namespace: m.metadata.namespace,
                status: 'deployed',
                version: 1,
                action: 'install',
                // Helm's release digest and the values digest (sha256 as Flux writes them).
                digest: `sha256:${sha256(JSON.stringify([chart, release]))}`,
                configDigest: `sha256:${sha256(
                  JSON.stringify(m.spec?.values ?? {}),
                )}`,
                firstDeployed: now,
                lastDeployed: now,
              },
            ],
            conditions: [
              condition('Ready', 'True', 'InstallSucceeded', message),
              condition('Released', 'True', 'InstallSucceeded', message),
            ],
          },
        };
      }
      case 'SecretStore':
        return {
          ...m,
          status: {
            capabilities: 'ReadWrite',
            conditions: [
              condition('Ready', 'True', 'Valid', 'store validated', false),
            ],
          },
        };
      case 'ExternalSecret':
        return externalSecretStatus(m);
      default:
        return m;
    }
  }

  function externalSecretStatus(m: Manifest): Manifest {
    const storeRef = m.spec?.secretStoreRef ?? {};
    const store = stores.get(`${m.metadata.namespace}/${storeRef.name}`);
    const mount = store?.spec?.provider?.vault?.path;
    const data: Array<{ remoteRef?: { key?: string } }> = m.spec?.data ?? [];
    const missing = data.findIndex(
      d =>
        !mount || !d.remoteRef?.key || !input.vaultHas(mount, d.remoteRef.key),
    );
    const hash = createHash('sha3-224')
      .update(
        JSON.stringify([m.metadata.labels ?? {}, m.metadata.annotations ?? {}]),
      )
      .digest('hex');
    if (missing === -1) {
      return {
        ...m,
        status: {
          refreshTime: now,
          syncedResourceVersion: `1-${hash}`,
          binding: { name: m.spec?.target?.name ?? m.metadata.name },
          conditions: [
            condition('Ready', 'True', 'SecretSynced', 'secret synced', false),
          ],
        },
      };
    }
    const key = data[missing]?.remoteRef?.key ?? '';
    events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${m.metadata.name}.${hash.slice(0, 16)}`,
        namespace: m.metadata.namespace,
        creationTimestamp: now,
      },
      involvedObject: {
        apiVersion: m.apiVersion,
        kind: m.kind,
        name: m.metadata.name,
        namespace: m.metadata.namespace,
        uid: uidOf(m.kind, m.metadata.namespace, m.metadata.name),
      },
      reason: 'UpdateFailed',
      // ESO's Vault provider answers a missing KV key with NoSecretError,
      // "Secret does not exist"; the controller wraps it with the data index.
      message: `error processing spec.data[${missing}] (key: ${key}), err: Secret does not exist`,
      type: 'Warning',
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'external-secrets' },
      reportingComponent: 'external-secrets',
      reportingInstance: '',
      eventTime: null,
    });
    return {
      ...m,
      status: {
        binding: { name: '' },
        conditions: [
          condition(
            'Ready',
            'False',
            'SecretSyncedError',
            'could not get secret data from provider',
            false,
          ),
        ],
      },
    };
  }
}
