import { useEffect, useState, type ReactNode } from 'react';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  ErrorPanel,
  InfoCard,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { kubernetesApiRef } from '@backstage/plugin-kubernetes-react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  ANNOTATION_KUBERNETES_ID,
  externalSecretEventHint,
  isKubernetesAvailable,
  isVaultAvailable,
  kubernetesIdFromEntity,
} from '@haven-plus/plugin-haven-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { havenApiRef } from '../../api/HavenClient';
import type { VaultSection } from '../../api/types';
import { StateLabel } from '../common/StateLabel';
import { formatTime } from '../common/time';
import { useAsyncValue } from '../common/useAsyncValue';
import {
  actionForKind,
  DeliveryActionButton,
  type DeliveryNotice,
} from './DeliveryActionButton';
import { newestEventFor, type NewestEvent } from './events';
import { PullRequestStep } from './PullRequestStep';
import {
  DELIVERY_RESOURCES,
  deliveryByCluster,
  type ClusterDelivery,
  type DeliveryRow,
} from './deliveryModel';

const TITLE = 'Delivery';
const SUBHEADER = 'Pull request → Flux → External Secrets → Vault';

/**
 * `main@sha1:<40 hex>` as `main@<12 hex>` (an OCI `sha256:` digest keeps its
 * prefix); the full revision is the cell's tooltip.
 */
function shortRevision(revision: string): string {
  return revision
    .replace(/@sha1:([0-9a-f]{12})[0-9a-f]+/g, '@$1')
    .replace(/(sha256):([0-9a-f]{12})[0-9a-f]+/g, '$1:$2');
}

function Secondary(props: { children: ReactNode }) {
  return (
    <Typography variant="caption" color="textSecondary" component="div">
      {props.children}
    </Typography>
  );
}

function VaultCell(props: {
  row: DeliveryRow;
  vault: VaultSection | undefined;
}) {
  const { row, vault } = props;
  if (row.kind !== 'ExternalSecret') return null;
  if (!row.vault) {
    return (
      <Secondary>
        {vault ? 'Vault metadata unavailable' : 'no vault.io/secrets-path'}
      </Secondary>
    );
  }
  if (row.vault.secrets.length === 0 && row.vault.missingKeys.length === 0) {
    return <Secondary>no key under the entity's Vault path</Secondary>;
  }
  return (
    <>
      {row.vault.secrets.map(s => (
        <Secondary key={s.name}>
          Vault {s.name} v{s.version}, written {formatTime(s.updatedTime)}
        </Secondary>
      ))}
      {row.vault.missingKeys.map(key => (
        <Typography variant="caption" color="error" component="div" key={key}>
          not in Vault: {key}
        </Typography>
      ))}
    </>
  );
}

/** The newest Event of a failing ExternalSecret: where ESO says the real cause. */
function LatestEvent(props: { cluster: string; row: DeliveryRow }) {
  const { cluster, row } = props;
  const kubernetesApi = useApi(kubernetesApiRef);
  const namespace = row.namespace;
  const state = useAsyncValue<NewestEvent | undefined>(
    async () =>
      namespace
        ? newestEventFor(kubernetesApi, {
            cluster,
            kind: row.kind,
            namespace,
            name: row.name,
          })
        : undefined,
    [kubernetesApi, cluster, row.kind, namespace, row.name],
  );
  if (state.loading) return <Secondary>reading events…</Secondary>;
  const result = state.value;
  if (!result || result.status === 'none') return null;
  if (result.status === 'unreadable') {
    return <Secondary>{result.message}</Secondary>;
  }
  const { event, time } = result;
  const hint = externalSecretEventHint(event);
  return (
    <Box mt={0.5} data-testid="latest-event">
      <Typography variant="body2" style={{ whiteSpace: 'pre-wrap' }}>
        Event {event.type ?? ''} {event.reason ?? ''}: {event.message?.trim()}
      </Typography>
      {hint && <Secondary>{hint}</Secondary>}
      <Secondary>
        {time ? formatTime(time) : 'time unknown'}
        {event.count && event.count > 1 ? `, ${event.count} times` : ''}
      </Secondary>
    </Box>
  );
}

/** The entity a card's actions are for, and where their outcome goes. */
interface ActionContext {
  entity: Entity;
  onDone: (notice: DeliveryNotice) => void;
}

/** Sync now / Reconcile for a row, when its kind has one. */
function RowAction(props: {
  cluster: string;
  row: DeliveryRow;
  context: ActionContext;
}) {
  const { cluster, row, context } = props;
  const action = actionForKind(row.kind);
  if (!action || !row.namespace) return null;
  return (
    <Box mt={0.5}>
      <DeliveryActionButton
        entityRef={getCompoundEntityRef(context.entity)}
        entityRefString={stringifyEntityRef(context.entity)}
        action={action}
        target={{
          cluster,
          kind: row.kind,
          namespace: row.namespace,
          name: row.name,
        }}
        onDone={context.onDone}
      />
    </Box>
  );
}

function ClusterTable(props: {
  cluster: ClusterDelivery;
  vault: VaultSection | undefined;
  kubernetesId: string;
  context: ActionContext;
}) {
  const { cluster, vault, kubernetesId, context } = props;
  return (
    <Box mb={3}>
      <Typography variant="h6" component="h3">
        Cluster {cluster.title}
      </Typography>
      {cluster.errors.length > 0 && (
        <Box my={1}>
          <WarningPanel
            severity="warning"
            defaultExpanded
            title={`Some objects could not be read from cluster ${cluster.title}`}
          >
            {cluster.errors.map(e => (
              <Typography variant="body2" key={e}>
                {e}
              </Typography>
            ))}
          </WarningPanel>
        </Box>
      )}
      {cluster.rows.length === 0 ? (
        <Typography variant="body2">
          No Flux or External Secrets objects labelled
          backstage.io/kubernetes-id={kubernetesId} in this cluster.
        </Typography>
      ) : (
        <Table size="small" aria-label={`Delivery objects in ${cluster.title}`}>
          <TableHead>
            <TableRow>
              <TableCell style={{ width: '30%' }}>Object</TableCell>
              <TableCell style={{ width: '9rem' }}>State</TableCell>
              <TableCell>Why, and what it delivers</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {cluster.rows.map(row => (
              <TableRow key={row.key} style={{ verticalAlign: 'top' }}>
                <TableCell style={{ overflowWrap: 'anywhere' }}>
                  <Typography variant="body2">
                    {row.kind}/{row.name}
                  </Typography>
                  {row.namespace && <Secondary>{row.namespace}</Secondary>}
                  <RowAction
                    cluster={cluster.name}
                    row={row}
                    context={context}
                  />
                </TableCell>
                <TableCell>
                  <StateLabel tone={row.tone} label={row.state} />
                </TableCell>
                <TableCell style={{ overflowWrap: 'anywhere' }}>
                  <Typography variant="body2">{row.reason}</Typography>
                  {row.hint && <Secondary>{row.hint}</Secondary>}
                  {row.kind === 'ExternalSecret' && row.state === 'Error' && (
                    <LatestEvent cluster={cluster.name} row={row} />
                  )}
                  {row.revision && (
                    <Secondary>
                      <span title={row.revision}>
                        revision {shortRevision(row.revision)}
                      </span>
                    </Secondary>
                  )}
                  {row.sync && (
                    <Secondary>
                      Secret {row.sync.target}, synced{' '}
                      {formatTime(row.sync.refreshTime)}
                    </Secondary>
                  )}
                  <VaultCell row={row} vault={vault} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

/**
 * kubernetes-react's client turns the backend's 404 into this message
 * (KubernetesBackendClient.handleResponse); the backend registers no routes
 * without `kubernetes` config ("valid kubernetes config is missing").
 */
function isUnconfiguredKubernetesBackend(error: Error): boolean {
  return error.message.includes(
    'Could not find the Kubernetes Backend (HTTP 404)',
  );
}

function DeliveryObjects(props: {
  entity: Entity;
  reloads: number;
  onDone: (notice: DeliveryNotice) => void;
}) {
  const { entity, reloads, onDone } = props;
  const kubernetesApi = useApi(kubernetesApiRef);
  const havenApi = useApi(havenApiRef);
  const withVault = isVaultAvailable(entity);

  const state = useAsyncValue(async () => {
    const [objects, telemetry] = await Promise.allSettled([
      kubernetesApi.getCustomObjectsByEntity({
        entity,
        auth: {},
        customResources: DELIVERY_RESOURCES,
      }),
      withVault
        ? havenApi.getTelemetry(getCompoundEntityRef(entity), '1h')
        : Promise.resolve(undefined),
    ]);
    if (objects.status === 'rejected') throw objects.reason;
    return {
      objects: objects.value,
      vault:
        telemetry.status === 'fulfilled'
          ? telemetry.value?.vault
          : ({
              status: 'error',
              message: `haven-backend failed: ${
                telemetry.reason instanceof Error
                  ? telemetry.reason.message
                  : String(telemetry.reason)
              }`,
            } as const),
    };
  }, [kubernetesApi, havenApi, entity, withVault, reloads]);

  if (state.loading) return <Progress />;
  if (state.error && isUnconfiguredKubernetesBackend(state.error)) {
    return (
      <WarningPanel
        defaultExpanded
        severity="info"
        title="The Kubernetes backend has no clusters to read"
        message={
          <>
            Backstage's Kubernetes backend answers HTTP 404 to every request
            until app-config has a <code>kubernetes</code> block: a{' '}
            <code>serviceLocatorMethod</code> (e.g.{' '}
            <code>{'{ type: multiTenant }'}</code>) and{' '}
            <code>kubernetes.clusterLocatorMethods</code> listing the clusters
            Flux delivers to, whose service account may get and list
            HelmReleases, Kustomizations, ExternalSecrets and SecretStores. This
            card asks for those custom resources itself; no{' '}
            <code>kubernetes.customResources</code> entry is needed for it.
          </>
        }
      />
    );
  }
  if (state.error) {
    return (
      <ErrorPanel
        defaultExpanded
        title="Could not load the Flux and External Secrets objects from the Kubernetes backend"
        error={state.error}
      />
    );
  }
  const { objects, vault } = state.value;
  const clusters = deliveryByCluster(objects, vault);
  const kubernetesId = kubernetesIdFromEntity(entity);
  return (
    <>
      {vault && vault.status !== 'ok' && (
        <Box mb={2}>
          <WarningPanel
            defaultExpanded
            severity={vault.status === 'error' ? 'warning' : 'info'}
            title={
              vault.status === 'error'
                ? 'Vault metadata could not be read'
                : 'Vault metadata is not configured'
            }
            message={vault.message}
          />
        </Box>
      )}
      {clusters.length === 0 ? (
        <Box display="flex" alignItems="baseline" style={{ gap: 8 }}>
          <StateLabel tone="error" label="Missing" />
          <Typography variant="body2">
            No Flux or External Secrets objects labelled
            backstage.io/kubernetes-id={kubernetesId} in any cluster Backstage
            reads. A new app's objects appear once its pull request is merged
            and Flux applies it; otherwise check the label on the objects and
            kubernetes.clusterLocatorMethods in app-config.
          </Typography>
        </Box>
      ) : (
        clusters.map(cluster => (
          <ClusterTable
            key={cluster.name}
            cluster={cluster}
            vault={vault}
            kubernetesId={kubernetesId}
            context={{ entity, onDone }}
          />
        ))
      )}
    </>
  );
}

/**
 * The objects, and the outcome of the last Sync now or Reconcile above them;
 * after an action the objects are read again.
 */
function DeliveryChain(props: { entity: Entity }) {
  const [notice, setNotice] = useState<DeliveryNotice>();
  const [reloads, setReloads] = useState(0);
  const onDone = (next: DeliveryNotice) => {
    setNotice(next);
    setReloads(n => n + 1);
  };
  // A notification for the signed-in user (e.g. the follow-through's
  // "Ready and Synced") arrives as a signal: read the chain again then.
  const { lastSignal } = useSignal('notifications');
  useEffect(() => {
    if (lastSignal) setReloads(n => n + 1);
  }, [lastSignal]);
  return (
    <>
      {notice && (
        <Box mb={2} role="status" data-testid="delivery-notice">
          <Typography
            variant="body2"
            color={notice.outcome === 'failed' ? 'error' : 'textPrimary'}
          >
            {notice.text}
          </Typography>
        </Box>
      )}
      <PullRequestStep entity={props.entity} reloads={reloads} />
      <DeliveryObjects
        entity={props.entity}
        reloads={reloads}
        onDone={onDone}
      />
    </>
  );
}

/**
 * The entity's delivery chain per cluster: Flux HelmReleases and
 * Kustomizations, ESO SecretStores and ExternalSecrets, and the Vault
 * versions they read, each with one state word and its reason.
 * @public
 */
export function DeliveryCard() {
  const { entity } = useEntity();
  return (
    <InfoCard title={TITLE} subheader={SUBHEADER}>
      {isKubernetesAvailable(entity) ? (
        <DeliveryChain entity={entity} />
      ) : (
        <MissingAnnotationEmptyState annotation={ANNOTATION_KUBERNETES_ID} />
      )}
    </InfoCard>
  );
}
