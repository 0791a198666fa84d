import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  kubernetesApiRef,
  type KubernetesApi,
} from '@backstage/plugin-kubernetes-react';
import { ResponseError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { havenApiRef } from '../../api/HavenClient';
import type { HavenDeliveryApi } from '../../api/deliveryActions';
import type { EntityTelemetry, HavenApi } from '../../api/types';
import {
  dependencyNotReadyKustomization,
  failingExternalSecret,
  missingTargetExternalSecret,
  readyKustomization,
  reconcilingExternalSecret,
  stalledHelmRelease,
  syncedExternalSecret,
  validSecretStore,
} from '@haven-plus/plugin-haven-common/testUtils';
import { DeliveryCard } from './DeliveryCard';

type ObjectsByEntityResponse = Awaited<
  ReturnType<KubernetesApi['getCustomObjectsByEntity']>
>;

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    annotations: {
      'backstage.io/kubernetes-id': 'orders',
      'vault.io/secrets-path': 'team-a',
    },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** Synced 2h ago with a 1h interval; Vault written 90 minutes ago. */
const staleExternalSecret = {
  ...syncedExternalSecret,
  metadata: { ...syncedExternalSecret.metadata, name: 'orders-api' },
  spec: {
    ...syncedExternalSecret.spec,
    target: { name: 'orders-api' },
    data: [
      { secretKey: 'TOKEN', remoteRef: { key: 'team-a/api' } },
      { secretKey: 'OLD', remoteRef: { key: 'team-a/gone' } },
    ],
  },
  status: { ...syncedExternalSecret.status, refreshTime: ago(2 * HOUR) },
};

const named = <T extends { metadata?: object }>(obj: T, name: string): T => ({
  ...obj,
  metadata: { ...obj.metadata, name },
});

const objects: ObjectsByEntityResponse = {
  items: [
    {
      cluster: { name: 'prod-eu', title: 'Prod EU' },
      podMetrics: [],
      errors: [
        {
          errorType: 'UNKNOWN_ERROR',
          statusCode: 403,
          resourcePath: '/apis/external-secrets.io/v1/secretstores',
        },
      ],
      resources: [
        {
          type: 'customresources',
          resources: [
            readyKustomization,
            named(dependencyNotReadyKustomization, 'orders-config'),
          ],
        },
        { type: 'customresources', resources: [stalledHelmRelease] },
        {
          type: 'customresources',
          resources: [
            syncedExternalSecret,
            named(failingExternalSecret, 'orders-smtp'),
            named(reconcilingExternalSecret, 'orders-new'),
            named(missingTargetExternalSecret, 'orders-merge'),
            staleExternalSecret,
          ],
        },
        { type: 'customresources', resources: [validSecretStore] },
      ],
    },
  ],
};

const telemetry: EntityTelemetry = {
  entityRef: 'component:default/orders',
  window: '1h',
  generatedAt: new Date().toISOString(),
  vault: {
    status: 'ok',
    mount: 'kv-apps',
    path: 'team-a',
    secrets: [
      {
        name: 'orders',
        version: 2,
        createdTime: '2026-08-20T08:00:00Z',
        updatedTime: '2026-08-22T09:30:00Z',
      },
      {
        name: 'api',
        version: 5,
        createdTime: '2026-08-20T08:00:00Z',
        updatedTime: ago(1.5 * HOUR),
      },
    ],
  },
  logs: { status: 'not-configured', message: 'no Loki' },
  traces: { status: 'not-configured', message: 'no Tempo' },
};

type Haven = Partial<HavenApi & HavenDeliveryApi>;

function apis(
  kubernetes: Partial<KubernetesApi>,
  haven: Haven = {
    getTelemetry: jest.fn().mockResolvedValue(telemetry),
  },
  permission: PermissionFor = () => AuthorizeResult.ALLOW,
) {
  return [
    [kubernetesApiRef, kubernetes],
    [
      havenApiRef,
      { getFollowThrough: jest.fn().mockResolvedValue(null), ...haven },
    ],
    [permissionApiRef, mockApis.permission({ authorize: permission })],
  ] as const;
}

type PermissionFor = (request: {
  permission: { name: string };
}) => AuthorizeResult.ALLOW | AuthorizeResult.DENY;

async function renderCard(
  kubernetes: Partial<KubernetesApi>,
  haven?: Haven,
  forEntity: Entity = entity,
  permission?: PermissionFor,
) {
  return renderInTestApp(
    <TestApiProvider apis={apis(kubernetes, haven, permission)}>
      <EntityProvider entity={forEntity}>
        <DeliveryCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('DeliveryCard', () => {
  it('names the missing kubernetes-id annotation and asks nothing', async () => {
    const getCustomObjectsByEntity = jest.fn();
    await renderCard({ getCustomObjectsByEntity }, undefined, {
      ...entity,
      metadata: { name: 'orders' },
    });
    expect(
      screen.getAllByText(/backstage\.io\/kubernetes-id/).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(getCustomObjectsByEntity).not.toHaveBeenCalled();
  });

  it('shows progress while the Kubernetes backend answers', async () => {
    await renderCard({
      getCustomObjectsByEntity: () => new Promise(() => {}),
    });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('says what failed when the Kubernetes backend fails', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest
        .fn()
        .mockRejectedValue(
          new Error('Request failed with 503 Service Unavailable'),
        ),
    });
    expect(
      await screen.findByText(
        /Could not load the Flux and External Secrets objects from the Kubernetes backend/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Request failed with 503 Service Unavailable/).length,
    ).toBeGreaterThan(0);
  });

  it('names the missing kubernetes config when the Kubernetes backend has none (404)', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest
        .fn()
        .mockRejectedValue(
          new Error(
            'Could not find the Kubernetes Backend (HTTP 404). Make sure the plugin has been fully installed.',
          ),
        ),
    });
    expect(
      await screen.findByText(/The Kubernetes backend has no clusters to read/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('kubernetes.clusterLocatorMethods'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/Make sure the plugin has been fully installed/),
    ).not.toBeInTheDocument();
  });

  it('asks for the four kinds at their current API versions', async () => {
    const getCustomObjectsByEntity = jest.fn().mockResolvedValue(objects);
    await renderCard({ getCustomObjectsByEntity });
    await screen.findByText('Cluster Prod EU');
    expect(getCustomObjectsByEntity).toHaveBeenCalledWith({
      entity,
      auth: {},
      customResources: expect.arrayContaining([
        {
          group: 'helm.toolkit.fluxcd.io',
          apiVersion: 'v2',
          plural: 'helmreleases',
        },
        {
          group: 'kustomize.toolkit.fluxcd.io',
          apiVersion: 'v1',
          plural: 'kustomizations',
        },
        {
          group: 'external-secrets.io',
          apiVersion: 'v1',
          plural: 'externalsecrets',
        },
        {
          group: 'external-secrets.io',
          apiVersion: 'v1',
          plural: 'secretstores',
        },
      ]),
    });
  });

  it('shows every state as a word with its reason, revision and Vault version', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects),
    });
    const table = await screen.findByRole('table', {
      name: 'Delivery objects in Prod EU',
    });
    const row = (name: string) =>
      within(table).getByText(name).closest('tr') as HTMLElement;

    const kustomization = row('Kustomization/orders');
    expect(within(kustomization).getByText('Ready')).toBeInTheDocument();
    expect(
      within(kustomization).getByText('revision main@450796ddb2ab'),
    ).toBeInTheDocument();

    expect(
      within(row('Kustomization/orders-config')).getByText('Failed'),
    ).toBeInTheDocument();
    expect(
      within(row('Kustomization/orders-config')).getByText(
        "DependencyNotReady: dependency 'flux-system/external-secrets' is not ready",
      ),
    ).toBeInTheDocument();

    const helm = row('HelmRelease/orders');
    expect(within(helm).getByText('Failed (stalled)')).toBeInTheDocument();
    expect(within(helm).getByText('revision 6.5.3')).toBeInTheDocument();

    expect(
      within(row('SecretStore/vault-team-a')).getByText('Valid'),
    ).toBeInTheDocument();

    const synced = row('ExternalSecret/orders-db');
    expect(within(synced).getByText('Synced')).toBeInTheDocument();
    expect(
      within(synced).getByText(
        'Secret orders-db, synced 2026-08-22 10:00:00 UTC',
      ),
    ).toBeInTheDocument();
    expect(within(synced).getByText(/orders v2/)).toBeInTheDocument();

    const failing = row('ExternalSecret/orders-smtp');
    expect(within(failing).getByText('Error')).toBeInTheDocument();
    expect(
      within(failing).getByText(
        'SecretSyncedError: could not get secret data from provider',
      ),
    ).toBeInTheDocument();
    expect(
      within(failing).getByText(
        /the cause is in the ExternalSecret's events \(kubectl describe externalsecret orders-smtp -n team-a\)/,
      ),
    ).toBeInTheDocument();

    expect(
      within(row('ExternalSecret/orders-new')).getByText('Reconciling'),
    ).toBeInTheDocument();
    expect(
      within(row('ExternalSecret/orders-merge')).getByText('Missing'),
    ).toBeInTheDocument();

    const stale = row('ExternalSecret/orders-api');
    expect(within(stale).getByText('Stale')).toBeInTheDocument();
    expect(within(stale).getByText(/api v5/)).toBeInTheDocument();
    expect(
      within(stale).getByText('not in Vault: team-a/gone'),
    ).toBeInTheDocument();
  });

  it("reports a cluster's fetch errors with the next step", async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects),
    });
    expect(
      await screen.findByText(
        /\/apis\/external-secrets\.io\/v1\/secretstores: HTTP 403; .*Grant get and list/,
      ),
    ).toBeInTheDocument();
  });

  it('still shows the objects when haven-backend fails, and says Vault is unknown', async () => {
    await renderCard(
      { getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects) },
      { getTelemetry: jest.fn().mockRejectedValue(new Error('HTTP 502')) },
    );
    expect(
      await screen.findByText(/Vault metadata could not be read/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('haven-backend failed: HTTP 502'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Synced').length).toBeGreaterThan(0);
  });

  it('says when a cluster holds nothing for the entity', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue({
        items: [
          {
            cluster: { name: 'dev' },
            podMetrics: [],
            errors: [],
            resources: [{ type: 'customresources', resources: [] }],
          },
        ],
      }),
    });
    expect(
      await screen.findByText(
        /No Flux or External Secrets objects labelled backstage.io\/kubernetes-id=orders/,
      ),
    ).toBeInTheDocument();
  });

  it('says Missing when no cluster holds an object for the entity', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue({ items: [] }),
    });
    expect(await screen.findByText('Missing')).toBeInTheDocument();
    expect(
      screen.getByText(/in any cluster Backstage reads/),
    ).toBeInTheDocument();
  });

  const failingOnly: ObjectsByEntityResponse = {
    items: [
      {
        cluster: { name: 'prod-eu', title: 'Prod EU' },
        podMetrics: [],
        errors: [],
        resources: [
          {
            type: 'customresources',
            resources: [syncedExternalSecret, failingExternalSecret].map(
              (o, i) => named(o, i === 0 ? 'orders-ok' : 'orders-db'),
            ),
          },
        ],
      },
    ],
  };

  it("shows the newest Warning event of a failing ExternalSecret, read through the cluster's proxy", async () => {
    const proxy = jest.fn().mockResolvedValue(
      new Response(
        JSON.stringify({
          kind: 'EventList',
          items: [
            {
              type: 'Normal',
              reason: 'Updated',
              message: 'secret synced',
              lastTimestamp: '2026-08-22T11:00:00Z',
            },
            {
              type: 'Warning',
              reason: 'UpdateFailed',
              message:
                'error processing spec.data[0], err: Code: 403. permission denied',
              count: 7,
              lastTimestamp: '2026-08-22T10:30:00Z',
            },
            {
              type: 'Warning',
              reason: 'UpdateFailed',
              message: 'older',
              lastTimestamp: '2026-08-22T09:30:00Z',
            },
          ],
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      ),
    );
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue(failingOnly),
      proxy,
    });
    const event = await screen.findByTestId('latest-event');
    expect(event).toHaveTextContent(
      'Event Warning UpdateFailed: error processing spec.data[0], err: Code: 403. permission denied',
    );
    expect(event).toHaveTextContent('2026-08-22 10:30:00 UTC, 7 times');
    // ESO's reason and Vault's 403 in the message: the hint says what to do.
    expect(event).toHaveTextContent(
      "Vault refused the read: the policy of the SecretStore's Vault role does not grant read on this path.",
    );
    // Only the failing object's events are read, selected by kind and name.
    expect(proxy).toHaveBeenCalledTimes(1);
    expect(proxy).toHaveBeenCalledWith({
      clusterName: 'prod-eu',
      path: `/api/v1/namespaces/team-a/events?fieldSelector=${encodeURIComponent(
        'involvedObject.kind=ExternalSecret,involvedObject.name=orders-db',
      )}`,
      init: { method: 'GET' },
    });
  });

  it('says why events are not shown when the user may not read them', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue(failingOnly),
      proxy: jest
        .fn()
        .mockResolvedValue(new Response('{"error":{}}', { status: 403 })),
    });
    expect(
      await screen.findByText(
        /events not shown: HTTP 403; reading them needs Backstage's kubernetes.proxy permission/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Error')).toBeInTheDocument();
  });
  /** A proxy that answers the events call with these Events. */
  const eventList = (items: object[]) =>
    jest.fn().mockResolvedValue(
      new Response(JSON.stringify({ kind: 'EventList', items }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
    );

  it("shows the hint of ESO's event reason under the event (Deleted)", async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue(failingOnly),
      proxy: eventList([
        {
          type: 'Normal',
          reason: 'Deleted',
          message: 'secret deleted because of DeletionPolicy=Delete',
          lastTimestamp: '2026-08-22T10:30:00Z',
        },
      ]),
    });
    const event = await screen.findByTestId('latest-event');
    expect(event).toHaveTextContent('Event Normal Deleted:');
    expect(event).toHaveTextContent(
      'ESO deleted the target Secret: Vault returned no data for any key it reads and deletionPolicy is Delete.',
    );
  });

  it('shows no hint for an event reason that asks for nothing', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue(failingOnly),
      proxy: eventList([
        { type: 'Normal', reason: 'Updated', message: 'synced' },
      ]),
    });
    const event = await screen.findByTestId('latest-event');
    expect(event.querySelectorAll('div')).toHaveLength(1);
  });
});

describe('DeliveryCard actions', () => {
  const result = (kind: string, namespace: string, name: string) => ({
    action: kind === 'ExternalSecret' ? 'sync' : 'reconcile',
    cluster: 'prod-eu',
    kind,
    namespace,
    name,
    annotation:
      kind === 'ExternalSecret'
        ? 'force-sync'
        : 'reconcile.fluxcd.io/requestedAt',
    requestedAt: '2026-12-03T12:00:00.000Z',
  });

  const button = (name: RegExp) => screen.getByRole('button', { name });

  it('offers Sync now on ExternalSecrets and Reconcile on Flux objects, enabled with the permissions', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects),
    });
    await screen.findByText('Cluster Prod EU');
    expect(screen.getAllByRole('button', { name: /^Sync now / })).toHaveLength(
      5,
    );
    expect(screen.getAllByRole('button', { name: /^Reconcile / })).toHaveLength(
      3,
    );
    await waitFor(() =>
      expect(
        button(/^Sync now ExternalSecret team-a\/orders-db$/),
      ).toBeEnabled(),
    );
    expect(button(/^Reconcile Kustomization .*\/orders$/)).toBeEnabled();
    // A SecretStore has neither.
    const store = screen
      .getByText(/^SecretStore\//)
      .closest('tr') as HTMLElement;
    expect(within(store).queryByRole('button')).not.toBeInTheDocument();
  });

  it('syncs: progress, the backend call, the outcome, then the objects read again', async () => {
    let finish: (value: unknown) => void = () => {};
    const requestDeliveryAction = jest.fn(
      () => new Promise(resolve => (finish = resolve)),
    );
    const getCustomObjectsByEntity = jest.fn().mockResolvedValue(objects);
    await renderCard({ getCustomObjectsByEntity }, {
      getTelemetry: jest.fn().mockResolvedValue(telemetry),
      requestDeliveryAction,
    } as Haven);
    await screen.findByText('Cluster Prod EU');
    const sync = button(/^Sync now ExternalSecret team-a\/orders-db$/);
    await waitFor(() => expect(sync).toBeEnabled());
    fireEvent.click(sync);

    expect(await screen.findByText('Syncing…')).toBeInTheDocument();
    expect(requestDeliveryAction).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'orders' },
      'sync',
      {
        cluster: 'prod-eu',
        kind: 'ExternalSecret',
        namespace: 'team-a',
        name: 'orders-db',
      },
    );
    finish(result('ExternalSecret', 'team-a', 'orders-db'));

    const notice = await screen.findByTestId('delivery-notice');
    expect(notice).toHaveTextContent(
      'Sync requested for ExternalSecret team-a/orders-db in prod-eu (force-sync=2026-12-03T12:00:00.000Z)',
    );
    await waitFor(() =>
      expect(getCustomObjectsByEntity).toHaveBeenCalledTimes(2),
    );
    expect(await screen.findByText('Cluster Prod EU')).toBeInTheDocument();
  });

  it('reconciles a HelmRelease and says when haven-backend refuses', async () => {
    const requestDeliveryAction = jest.fn().mockRejectedValue(
      await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'KubernetesApiError',
              message: 'The API server refused to patch HelmRelease',
            },
            request: { method: 'POST', url: '/x' },
            response: { statusCode: 502 },
          }),
          {
            status: 502,
            statusText: 'Bad Gateway',
            headers: { 'content-type': 'application/json' },
          },
        ),
      ),
    );
    await renderCard(
      { getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects) },
      {
        getTelemetry: jest.fn().mockResolvedValue(telemetry),
        requestDeliveryAction,
      },
    );
    await screen.findByText('Cluster Prod EU');
    const reconcile = button(/^Reconcile HelmRelease /);
    await waitFor(() => expect(reconcile).toBeEnabled());
    fireEvent.click(reconcile);
    const notice = await screen.findByTestId('delivery-notice');
    expect(notice).toHaveTextContent(
      /^Reconcile failed for HelmRelease .* in prod-eu: The API server refused to patch HelmRelease \(HTTP 502\)$/,
    );
    expect(requestDeliveryAction.mock.calls[0][1]).toBe('reconcile');
  });

  it('disables each button the permission policy denies, and says which permission', async () => {
    const requestDeliveryAction = jest.fn();
    await renderCard(
      { getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects) },
      {
        getTelemetry: jest.fn().mockResolvedValue(telemetry),
        requestDeliveryAction,
      },
      // Another entity: usePermission's answers are cached per permission
      // and resourceRef for the whole test file (swr's global cache).
      { ...entity, metadata: { ...entity.metadata, name: 'orders-denied' } },
      ({ permission }) =>
        permission.name === 'haven.entity.secrets.sync'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    );
    await screen.findByText('Cluster Prod EU');
    await waitFor(() =>
      expect(button(/^Reconcile Kustomization .*\/orders$/)).toBeEnabled(),
    );
    const sync = button(/^Sync now ExternalSecret team-a\/orders-db$/);
    expect(sync).toBeDisabled();
    expect(sync.closest('span[title]')).toHaveAttribute(
      'title',
      "You may not sync now this entity's objects (permission haven.entity.secrets.sync)",
    );
    // Said in words too, not only in a tooltip; Reconcile has no such line.
    expect(
      screen.getAllByText('Not for you: needs haven.entity.secrets.sync'),
    ).toHaveLength(
      screen.getAllByRole('button', { name: /^Sync now / }).length,
    );
    expect(
      screen.queryByText(/needs haven\.entity\.flux\.reconcile/),
    ).toBeNull();
    fireEvent.click(sync);
    expect(requestDeliveryAction).not.toHaveBeenCalled();
  });
});

describe('DeliveryCard: the pull request step', () => {
  const view = (over: object) => ({
    pullRequest: {
      url: 'https://github.com/haven-fleet/fleet/pull/12',
      title: 'Deliver orders to prod-eu',
      state: 'merged',
      mergedAt: ago(10 * 60_000),
    },
    outcome: 'waiting',
    reason: 'Flux has not applied the merge yet (applied: main@sha1:aaa)',
    ...over,
  });

  it('shows the followed pull request first, merged and delivered, with when the owner was told', async () => {
    await renderCard(
      { getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects) },
      {
        getTelemetry: jest.fn().mockResolvedValue(telemetry),
        getFollowThrough: jest.fn().mockResolvedValue(
          view({
            outcome: 'ready',
            reason:
              '1 Kustomization, 1 HelmRelease Ready; 1 ExternalSecret Synced',
            notifiedAt: ago(60_000),
          }),
        ),
      },
    );
    const step = await screen.findByRole('table', {
      name: 'Pull request step',
    });
    expect(
      within(step).getByRole('link', { name: /^Pull request #12/ }),
    ).toHaveAttribute('href', 'https://github.com/haven-fleet/fleet/pull/12');
    expect(within(step).getByText('Merged')).toBeInTheDocument();
    expect(
      within(step).getByText(
        'Delivered, Ready and Synced: 1 Kustomization, 1 HelmRelease Ready; 1 ExternalSecret Synced',
      ),
    ).toBeInTheDocument();
    expect(within(step).getByText(/^owner notified /)).toBeInTheDocument();
    // It comes before the cluster's objects.
    const tables = await screen.findAllByRole('table');
    expect(tables[0]).toBe(step);
  });

  it('says an open pull request waits, and a failed delivery why', async () => {
    const getFollowThrough = jest.fn().mockResolvedValue(
      view({
        pullRequest: {
          url: 'https://gitlab.example.com/fleet/-/merge_requests/4',
          state: 'open',
        },
        reason: 'waiting for the pull request to be merged',
      }),
    );
    await renderCard(
      { getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects) },
      {
        getTelemetry: jest.fn().mockResolvedValue(telemetry),
        getFollowThrough,
      },
    );
    const step = await screen.findByRole('table', {
      name: 'Pull request step',
    });
    expect(
      within(step).getByRole('link', { name: /^Merge request !4/ }),
    ).toBeInTheDocument();
    expect(within(step).getByText('Open')).toBeInTheDocument();
    expect(
      within(step).getByText('waiting for the pull request to be merged'),
    ).toBeInTheDocument();
  });

  it('shows a failure in the error colour with the controller’s reason', async () => {
    await renderCard(
      { getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects) },
      {
        getTelemetry: jest.fn().mockResolvedValue(telemetry),
        getFollowThrough: jest.fn().mockResolvedValue(
          view({
            outcome: 'failed',
            reason:
              'ExternalSecret/orders-vault in shop (cluster prod-eu) Error: could not get secret data from provider',
          }),
        ),
      },
    );
    const text = await screen.findByText(
      /^Delivery failed: ExternalSecret\/orders-vault/,
    );
    expect(text.className).toMatch(/colorError/);
  });

  it('shows no step when nothing is followed', async () => {
    await renderCard({
      getCustomObjectsByEntity: jest.fn().mockResolvedValue(objects),
    });
    await screen.findByText('Cluster Prod EU');
    expect(
      screen.queryByRole('table', { name: 'Pull request step' }),
    ).not.toBeInTheDocument();
  });
});
