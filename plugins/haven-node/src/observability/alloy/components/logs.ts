import { InputError } from '@backstage/errors';
import { ALLOY_COMPONENTS } from '../catalog';
import {
  attr,
  block,
  type AlloyComponent,
  type AlloyRef,
  type AlloyTargetsRef,
} from '../model';
import { assertTargets } from './discovery';

/** @public */
export interface KubernetesLogSourceOptions {
  label: string;
  /**
   * targets, list(map(string)), e.g. discovery.kubernetes.pods.targets or
   * discovery.relabel.pod_logs.output (loki.source.kubernetes.md).
   */
  targets: AlloyTargetsRef;
  /** forward_to, list(LogsReceiver) (loki.source.kubernetes.md). */
  forwardTo: ReadonlyArray<AlloyRef<'receiver'>>;
  comment?: string;
}

/** loki.source.kubernetes: tails container logs through the Kubernetes API. @public */
export function kubernetesLogSource(
  opts: KubernetesLogSourceOptions,
): AlloyComponent<'loki.source.kubernetes'> {
  const owner = `loki.source.kubernetes "${opts.label}"`;
  assertTargets(opts.targets, owner);
  if (opts.forwardTo.length === 0) {
    throw new InputError(`${owner}: forward_to is required`);
  }
  for (const r of opts.forwardTo) {
    if (
      ALLOY_COMPONENTS[r.component]?.exports[r.export]?.type !== 'LogsReceiver'
    ) {
      throw new InputError(
        `${owner}: forward_to takes LogsReceivers; ${r.component}.${r.label}.${r.export} is not one`,
      );
    }
  }
  return {
    name: 'loki.source.kubernetes',
    label: opts.label,
    body: [attr('targets', opts.targets), attr('forward_to', opts.forwardTo)],
    comment:
      opts.comment ??
      'Tails container logs through the Kubernetes API (no host mounts, no DaemonSet needed).',
  };
}

/** @public */
export interface LokiWriteOptions {
  label: string;
  /** endpoint > url: full push URL, e.g. <loki>/loki/api/v1/push (loki.write.md, `endpoint`). */
  url: string;
  /** endpoint > tenant_id; without it no X-Scope-OrgID is sent (loki.write.md, `endpoint`). */
  tenantId?: string;
  comment?: string;
}

/** loki.write: pushes log entries to Loki. @public */
export function lokiWrite(
  opts: LokiWriteOptions,
): AlloyComponent<'loki.write'> {
  return {
    name: 'loki.write',
    label: opts.label,
    body: [
      block('endpoint', [
        attr('url', opts.url),
        ...(opts.tenantId !== undefined
          ? [attr('tenant_id', opts.tenantId)]
          : []),
      ]),
    ],
    comment: opts.comment ?? `Pushes log entries to ${opts.url}.`,
  };
}
