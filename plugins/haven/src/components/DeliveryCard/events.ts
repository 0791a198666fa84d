import type { KubernetesApi } from '@backstage/plugin-kubernetes-react';

/**
 * The fields of a core v1 Event the card reads. ESO puts the provider's real
 * error (Vault's status code and message) only in a Warning Event with
 * reason `UpdateFailed`; the ExternalSecret's condition says no more than
 * "could not get secret data from provider" (contracts.md 2.4).
 */
export interface KubernetesEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  metadata?: { creationTimestamp?: string };
}

/** What the card shows under a failing object's reason. */
export type NewestEvent =
  | { status: 'found'; event: KubernetesEvent; time?: string }
  | { status: 'none' }
  | { status: 'unreadable'; message: string };

/** When an Event last happened: series, then legacy, then creation time. */
export function eventTime(event: KubernetesEvent): string | undefined {
  return (
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata?.creationTimestamp ??
    undefined
  );
}

/** The newest Warning event, else the newest event of any type. */
export function pickNewestEvent(
  events: KubernetesEvent[],
): KubernetesEvent | undefined {
  const byTime = [...events].sort((a, b) =>
    (eventTime(b) ?? '').localeCompare(eventTime(a) ?? ''),
  );
  return byTime.find(e => e.type === 'Warning') ?? byTime[0];
}

/**
 * Reads the Events of one object through the Kubernetes backend's proxy, so
 * Backstage's `kubernetes.proxy` permission and the cluster's RBAC decide
 * whether this user may see them. A refusal is said, never thrown: the
 * object's own state is already on screen.
 */
export async function newestEventFor(
  kubernetesApi: Pick<KubernetesApi, 'proxy'>,
  target: { cluster: string; kind: string; namespace: string; name: string },
): Promise<NewestEvent> {
  const fieldSelector = [
    `involvedObject.kind=${target.kind}`,
    `involvedObject.name=${target.name}`,
  ].join(',');
  const path = `/api/v1/namespaces/${encodeURIComponent(
    target.namespace,
  )}/events?fieldSelector=${encodeURIComponent(fieldSelector)}`;
  let response: Response;
  try {
    response = await kubernetesApi.proxy({
      clusterName: target.cluster,
      path,
      init: { method: 'GET' },
    });
  } catch (error) {
    return {
      status: 'unreadable',
      message: `events could not be read: ${
        error instanceof Error ? error.message : String(error)
      }`,
    };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      status: 'unreadable',
      message: `events not shown: HTTP ${response.status}; reading them needs Backstage's kubernetes.proxy permission and "list events" for Backstage in namespace ${target.namespace}`,
    };
  }
  if (!response.ok) {
    return {
      status: 'unreadable',
      message: `events could not be read: HTTP ${response.status}`,
    };
  }
  const body = (await response.json().catch(() => undefined)) as
    | { items?: unknown }
    | undefined;
  const items = Array.isArray(body?.items)
    ? (body!.items as KubernetesEvent[])
    : [];
  const event = pickNewestEvent(items);
  return event
    ? { status: 'found', event, time: eventTime(event) }
    : { status: 'none' };
}
