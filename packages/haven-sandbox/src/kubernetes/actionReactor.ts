import type {
  KubernetesDouble,
  KubernetesObject,
} from '@haven-plus/haven-doubles';

/** ESO's documented force-sync annotation (docs/api/externalsecret.md). */
const FORCE_SYNC = 'force-sync';
/** fluxcd/pkg apis/meta ReconcileRequestAnnotation. */
const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';

const ACTED_ON =
  /^\/apis\/(external-secrets\.io|kustomize\.toolkit\.fluxcd\.io|helm\.toolkit\.fluxcd\.io)\/[^/]+\/namespaces\/[^/]+\/(externalsecrets|kustomizations|helmreleases)\/[^/]+$/;

interface Condition {
  type?: string;
  status?: string;
}

interface ActedObject extends KubernetesObject {
  status?: { conditions?: Condition[]; [key: string]: unknown };
}

/** RFC 3339 at whole seconds, as ESO writes metav1.Time. */
function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * What the operators do with a request annotation, in the sandbox:
 * - ESO reconciles an ExternalSecret whose annotations changed at once
 *   (its controller compares status.syncedResourceVersion with the
 *   generation and a hash of labels and annotations); one that syncs gets a
 *   new status.refreshTime. One that fails still fails: the sandbox's Vault
 *   still lacks the key.
 * - Flux reconciles and records the token it handled in
 *   status.lastHandledReconcileAt (fluxcd/pkg apis/meta ReconcileRequestStatus).
 * Returns the object to store, or undefined when nothing changes.
 */
export function reactToRequest(
  object: ActedObject,
  now: Date,
): ActedObject | undefined {
  const annotations = (object.metadata.annotations ?? {}) as Record<
    string,
    string
  >;
  const status = object.status ?? {};
  if (object.kind === 'ExternalSecret') {
    const ready = status.conditions?.find(c => c.type === 'Ready');
    if (!annotations[FORCE_SYNC] || ready?.status !== 'True') return undefined;
    return { ...object, status: { ...status, refreshTime: rfc3339(now) } };
  }
  const token = annotations[REQUESTED_AT];
  if (!token || status.lastHandledReconcileAt === token) return undefined;
  return { ...object, status: { ...status, lastHandledReconcileAt: token } };
}

/**
 * ESO's and Flux's stand-in for the Delivery card's Sync now and Reconcile:
 * after each successful PATCH of an ExternalSecret, Kustomization or
 * HelmRelease in the cluster double, reads the object back and stores
 * reactToRequest's answer.
 */
export function startDeliveryActionReactor(options: {
  cluster: KubernetesDouble;
  /** The double's origin, e.g. http://127.0.0.1:7101 */
  url: string;
  token: string;
  intervalMs?: number;
  now?: () => Date;
}): { stop(): void; reactNow(): Promise<number> } {
  const { cluster } = options;
  const now = options.now ?? (() => new Date());
  let seen = cluster.requests.length;

  const reactNow = async (): Promise<number> => {
    // Our own GETs land in the log too; only PATCHes are reacted to.
    const fresh = cluster.requests.slice(seen);
    seen = cluster.requests.length;
    const paths = new Set(
      fresh
        .filter(r => r.method === 'PATCH' && r.status === 200)
        .map(r => r.path)
        .filter(path => ACTED_ON.test(path)),
    );
    let count = 0;
    for (const path of paths) {
      const res = await fetch(`${options.url.replace(/\/+$/, '')}${path}`, {
        headers: { authorization: `Bearer ${options.token}` },
      });
      if (!res.ok) continue;
      const updated = reactToRequest((await res.json()) as ActedObject, now());
      if (updated) {
        cluster.apply(updated);
        count += 1;
      }
    }
    return count;
  };

  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    reactNow()
      .catch(() => 0)
      .finally(() => {
        running = false;
      });
  }, options.intervalMs ?? 1000);
  timer.unref?.();
  return { stop: () => clearInterval(timer), reactNow };
}
