import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  getCompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  kubernetesIdFromEntity,
} from '@haven-plus/plugin-haven-common';
import type { PullRequestState } from '@haven-plus/plugin-haven-node';
import type { DeliveryCluster } from '../delivery/clusters';
import type { KubernetesRequester } from '../delivery/kubernetesApi';
import {
  judgeDelivery,
  kustomizationRevisions,
  type ObservedObject,
} from './deliveryProgress';
import type { FollowRecord, FollowStore, FollowUpdate } from './FollowStore';

/** haven.followThrough, read with its defaults. */
export interface FollowThroughConfig {
  /** Seconds between two checks of every waiting pull request. */
  pollSeconds: number;
  /** After the merge, how long to wait for Ready and Synced. */
  timeoutMinutes: number;
  /** How long an open pull request is followed before it is let go. */
  openDays: number;
  /** At most this many pull requests per check (the rest wait a round). */
  batchSize: number;
}

const RESOURCES: Array<{ kind: ObservedObject['kind']; path: string }> = [
  {
    kind: 'Kustomization',
    path: '/apis/kustomize.toolkit.fluxcd.io/v1/kustomizations',
  },
  { kind: 'HelmRelease', path: '/apis/helm.toolkit.fluxcd.io/v2/helmreleases' },
  {
    kind: 'ExternalSecret',
    path: '/apis/external-secrets.io/v1/externalsecrets',
  },
];

export interface FollowThroughOptions {
  store: FollowStore;
  pullRequests: { read(url: string): Promise<PullRequestState> };
  catalog: CatalogService;
  auth: AuthService;
  clusters: DeliveryCluster[];
  request: KubernetesRequester;
  notifications?: NotificationService;
  logger: LoggerService;
  config: FollowThroughConfig;
  now?: () => Date;
}

/** Where a check left one pull request, for the log and the tests. */
export interface CheckResult {
  id: string;
  outcome: FollowRecord['outcome'];
  reason?: string;
  notified: boolean;
}

function entityPageLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase('en-US')}/${name}`;
}

/**
 * Follows Haven+ pull requests through to delivery: while one is open it
 * reads its state from the host; once merged it lists the app's Flux
 * Kustomizations, HelmReleases and ExternalSecrets in the clusters the
 * Kubernetes backend is configured with (the entity's kubernetes-id label,
 * or its label-selector annotation), and when they are Ready and Synced, or
 * one fails, or the wait runs out, it sends the owner (and whoever ran the
 * template) a Backstage notification with the reason and a link to the
 * entity page. Every check is bounded: a batch per round, one time limit per
 * call, and a deadline per pull request.
 */
export class FollowThrough {
  private readonly now: () => Date;

  constructor(private readonly options: FollowThroughOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** One round over the waiting pull requests. */
  async checkAll(): Promise<CheckResult[]> {
    const { store, config, logger } = this.options;
    const waiting = await store.waiting(config.batchSize);
    const results: CheckResult[] = [];
    for (const record of waiting) {
      try {
        results.push(await this.check(record));
      } catch (error) {
        // One pull request that cannot be read must not stop the others.
        const reason = `check failed: ${
          error instanceof Error ? error.message : String(error)
        }`;
        logger.warn(
          `Follow-through of ${record.pullRequestUrl} for ${record.entityRef}: ${reason}`,
        );
        await store.update(record.id, {
          reason,
          checkedAt: this.now().toISOString(),
        });
        results.push({
          id: record.id,
          outcome: 'waiting',
          reason,
          notified: false,
        });
      }
    }
    return results;
  }

  private async check(record: FollowRecord): Promise<CheckResult> {
    const { store, config } = this.options;
    const at = this.now();
    const checkedAt = at.toISOString();
    const pr = await this.options.pullRequests.read(record.pullRequestUrl);
    const base: FollowUpdate = {
      prState: pr.state,
      prTitle: pr.title,
      checkedAt,
    };

    if (pr.state === 'open') {
      const openFor = at.getTime() - Date.parse(record.createdAt);
      if (openFor > config.openDays * 86_400_000) {
        return this.finish(record, {
          ...base,
          outcome: 'abandoned',
          reason: `still open after ${config.openDays} days: no longer followed`,
        });
      }
      await store.update(record.id, {
        ...base,
        reason: 'waiting for the pull request to be merged',
      });
      return { id: record.id, outcome: 'waiting', notified: false };
    }
    if (pr.state === 'closed') {
      return this.finish(
        record,
        {
          ...base,
          outcome: 'closed',
          reason:
            'the pull request was closed without being merged: nothing was delivered',
        },
        { title: 'closed without merge', severity: 'low' },
      );
    }

    // Merged.
    const mergedAt = pr.mergedAt ?? record.mergedAt ?? checkedAt;
    const merged: FollowUpdate = {
      ...base,
      mergedAt,
      mergeCommitSha: pr.mergeCommitSha,
    };
    const entity = await this.entity(record.entityRef);
    if (!entity) {
      return this.stillWaiting(
        record,
        merged,
        at,
        'merged; waiting for the catalog to read the component',
      );
    }
    const observed = await this.observe(entity);
    if (record.revisionsAtMerge === undefined) {
      merged.revisionsAtMerge = kustomizationRevisions(observed.objects);
    }
    const progress = judgeDelivery({
      objects: observed.objects,
      mergeCommitSha: pr.mergeCommitSha,
      revisionsAtMerge:
        record.revisionsAtMerge ?? merged.revisionsAtMerge ?? [],
    });
    if (progress.status === 'ready') {
      return this.finish(
        record,
        { ...merged, outcome: 'ready', reason: progress.summary },
        { title: 'delivered: Ready and Synced', severity: 'normal' },
        entity,
      );
    }
    if (progress.status === 'failed') {
      return this.finish(
        record,
        { ...merged, outcome: 'failed', reason: progress.reason },
        { title: 'delivery failed', severity: 'high' },
        entity,
      );
    }
    const reason = [progress.reason, ...observed.errors].join('; ');
    return this.stillWaiting(record, merged, at, reason, entity);
  }

  private async stillWaiting(
    record: FollowRecord,
    update: FollowUpdate,
    at: Date,
    reason: string,
    entity?: Entity,
  ): Promise<CheckResult> {
    const { config } = this.options;
    const since = Date.parse(
      update.mergedAt ?? record.mergedAt ?? at.toISOString(),
    );
    if (at.getTime() - since > config.timeoutMinutes * 60_000) {
      return this.finish(
        record,
        {
          ...update,
          outcome: 'timed-out',
          reason: `not Ready and Synced ${config.timeoutMinutes} min after the merge: ${reason}`,
        },
        {
          title: `not delivered after ${config.timeoutMinutes} min`,
          severity: 'high',
        },
        entity,
      );
    }
    await this.options.store.update(record.id, { ...update, reason });
    return { id: record.id, outcome: 'waiting', reason, notified: false };
  }

  private async finish(
    record: FollowRecord,
    update: FollowUpdate,
    notice?: { title: string; severity: 'low' | 'normal' | 'high' },
    entity?: Entity,
  ): Promise<CheckResult> {
    let notified = false;
    if (notice) {
      notified = await this.notify(record, update, notice, entity);
    }
    await this.options.store.update(record.id, {
      ...update,
      ...(notified ? { notifiedAt: this.now().toISOString() } : {}),
    });
    this.options.logger.info(
      `Follow-through of ${record.pullRequestUrl} for ${record.entityRef}: ${
        update.outcome
      }${update.reason ? ` (${update.reason})` : ''}`,
    );
    return {
      id: record.id,
      outcome: update.outcome ?? record.outcome,
      reason: update.reason,
      notified,
    };
  }

  /** The owner (from the entity, else as the template gave it) and the initiator. */
  private recipients(record: FollowRecord, entity?: Entity): string[] {
    const owners = (entity?.relations ?? [])
      .filter(r => r.type === 'ownedBy')
      .map(r => r.targetRef);
    if (owners.length === 0 && typeof entity?.spec?.owner === 'string') {
      owners.push(
        stringifyEntityRef(
          parseEntityRef(entity.spec.owner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ),
      );
    }
    if (owners.length === 0 && record.ownerRef) owners.push(record.ownerRef);
    return [
      ...new Set([
        ...owners,
        ...(record.initiatorRef ? [record.initiatorRef] : []),
      ]),
    ];
  }

  private async notify(
    record: FollowRecord,
    update: FollowUpdate,
    notice: { title: string; severity: 'low' | 'normal' | 'high' },
    entity?: Entity,
  ): Promise<boolean> {
    const { notifications, logger } = this.options;
    const recipients = this.recipients(record, entity);
    if (!notifications || recipients.length === 0) return false;
    const { name } = parseEntityRef(record.entityRef);
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          title: `${name}: ${notice.title}`,
          description: `${update.reason ?? ''} (pull request ${
            record.pullRequestUrl
          })`,
          link: entityPageLink(record.entityRef),
          severity: notice.severity,
          topic: 'Haven+ delivery',
          scope: `haven-follow-through:${record.id}`,
        },
      });
      return true;
    } catch (error) {
      logger.warn(
        `Could not send the follow-through notification for ${
          record.entityRef
        }: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
  }

  private async entity(entityRef: string): Promise<Entity | undefined> {
    const { catalog, auth } = this.options;
    return catalog.getEntityByRef(entityRef, {
      credentials: await auth.getOwnServiceCredentials(),
    });
  }

  /** The app's objects in every configured cluster, and what could not be read. */
  private async observe(
    entity: Entity,
  ): Promise<{ objects: ObservedObject[]; errors: string[] }> {
    const { clusters, request } = this.options;
    const selector =
      entity.metadata.annotations?.[ANNOTATION_KUBERNETES_LABEL_SELECTOR] ??
      `backstage.io/kubernetes-id=${kubernetesIdFromEntity(entity)}`;
    const objects: ObservedObject[] = [];
    const errors: string[] = [];
    const entityName = stringifyEntityRef(getCompoundEntityRef(entity));
    await Promise.all(
      clusters.flatMap(cluster =>
        RESOURCES.map(async resource => {
          try {
            const answer = await request(cluster, {
              method: 'GET',
              path: `${resource.path}?labelSelector=${encodeURIComponent(
                selector,
              )}`,
            });
            if (answer.status !== 200) {
              errors.push(
                `cannot list ${resource.kind}s of ${entityName} in cluster ${cluster.name}: HTTP ${answer.status}`,
              );
              return;
            }
            const items = (answer.body as { items?: unknown[] })?.items ?? [];
            for (const item of items) {
              objects.push({
                cluster: cluster.name,
                kind: resource.kind,
                object: item as ObservedObject['object'],
              });
            }
          } catch (error) {
            errors.push(
              `cannot list ${resource.kind}s in cluster ${cluster.name}: ${
                error instanceof Error ? error.message : String(error)
              }`,
            );
          }
        }),
      ),
    );
    return { objects, errors };
  }
}
