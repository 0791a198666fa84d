import { useState } from 'react';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  havenEntityFluxReconcilePermission,
  havenEntitySecretsSyncPermission,
} from '@haven-plus/plugin-haven-common';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { havenApiRef } from '../../api/HavenClient';
import type {
  DeliveryAction,
  DeliveryActionResult,
  DeliveryActionTarget,
} from '../../api/deliveryActions';

/** What a finished action says above the card's tables. */
export interface DeliveryNotice {
  outcome: 'requested' | 'failed';
  text: string;
}

const ACTIONS: Record<
  DeliveryAction,
  {
    label: string;
    busy: string;
    permission:
      | typeof havenEntitySecretsSyncPermission
      | typeof havenEntityFluxReconcilePermission;
    requested: (r: DeliveryActionResult) => string;
  }
> = {
  sync: {
    label: 'Sync now',
    busy: 'Syncing…',
    permission: havenEntitySecretsSyncPermission,
    requested: r =>
      `Sync requested for ExternalSecret ${r.namespace}/${r.name} in ${r.cluster} (${r.annotation}=${r.requestedAt}); External Secrets Operator refreshes it now, and its new sync time shows once it has.`,
  },
  reconcile: {
    label: 'Reconcile',
    busy: 'Reconciling…',
    permission: havenEntityFluxReconcilePermission,
    requested: r =>
      `Reconcile requested for ${r.kind} ${r.namespace}/${r.name} in ${r.cluster} (${r.annotation}=${r.requestedAt}); Flux reconciles it now, and its new state shows once it has.`,
  },
};

/** The action a row's kind offers, if any. */
export function actionForKind(kind: string): DeliveryAction | undefined {
  if (kind === 'ExternalSecret') return 'sync';
  if (kind === 'Kustomization' || kind === 'HelmRelease') return 'reconcile';
  return undefined;
}

/** haven-backend's own message when there is one (a ResponseError's cause). */
function reasonOf(error: unknown): string {
  if (error instanceof ResponseError) {
    return `${error.cause.message} (HTTP ${error.statusCode})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * "Sync now" (ExternalSecret) or "Reconcile" (Kustomization, HelmRelease) on
 * one row. Enabled only when the permission framework allows the action on
 * this entity; haven-backend checks it again.
 */
export function DeliveryActionButton(props: {
  entityRef: CompoundEntityRef;
  entityRefString: string;
  action: DeliveryAction;
  target: DeliveryActionTarget;
  onDone: (notice: DeliveryNotice) => void;
}) {
  const { entityRef, entityRefString, action, target, onDone } = props;
  const havenApi = useApi(havenApiRef);
  const info = ACTIONS[action];
  const { loading, allowed } = usePermission({
    permission: info.permission,
    resourceRef: entityRefString,
  });
  const [running, setRunning] = useState(false);
  const objectName = `${target.kind} ${target.namespace}/${target.name}`;

  const run = async () => {
    setRunning(true);
    let notice: DeliveryNotice;
    try {
      const result = await havenApi.requestDeliveryAction(
        entityRef,
        action,
        target,
      );
      notice = { outcome: 'requested', text: info.requested(result) };
    } catch (error) {
      notice = {
        outcome: 'failed',
        text: `${info.label} failed for ${objectName} in ${
          target.cluster
        }: ${reasonOf(error)}`,
      };
    }
    setRunning(false);
    onDone(notice);
  };

  let title = `${info.label}: ${objectName}`;
  if (!loading && !allowed) {
    title = `You may not ${info.label.toLowerCase()} this entity's objects (permission ${
      info.permission.name
    })`;
  }
  return (
    <>
      <span title={title}>
        <Button
          size="small"
          variant="outlined"
          disabled={loading || !allowed || running}
          onClick={run}
          aria-label={`${info.label} ${objectName}`}
        >
          {running ? info.busy : info.label}
        </Button>
      </span>
      {!loading && !allowed && (
        <Typography variant="caption" color="textSecondary" component="div">
          Not for you: needs {info.permission.name}
        </Typography>
      )}
    </>
  );
}
