import { setupServer } from 'msw/node';
import { parseAllDocuments } from 'yaml';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { APP_PROFILES } from '@haven-plus/plugin-haven-node';
import { createGitopsRenderAction } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/gitopsRender';
import { readTree } from '@haven-plus/plugin-scaffolder-backend-module-haven/src/actions/gitops/__testUtils__/gitopsHarness';
import { readSandboxHavenConfig } from '../sandboxConfig';
import {
  expectValidManifests,
  loadManifestValidator,
} from '@haven-plus/haven-test-utils';
import {
  createKubernetesDouble,
  type KubernetesObject,
} from '@haven-plus/haven-doubles';
import {
  SANDBOX_DELIVERY_EXAMPLES,
  sandboxClusterObjects,
} from './sandboxCluster';

const NOW = new Date('2026-08-22T10:00:00.250Z');
const objects = sandboxClusterObjects(NOW);
const notEvents = objects.filter(o => o.kind !== 'Event');
const events = objects.filter(o => o.kind === 'Event');

type Condition = { type: string; status: string; lastTransitionTime: string };
const statusOf = (o: KubernetesObject) =>
  o.status as
    | {
        refreshTime?: string;
        conditions?: Condition[];
        [key: string]: unknown;
      }
    | undefined;
const find = (kind: string, namespace: string, name: string) => {
  const found = objects.find(
    o =>
      o.kind === kind &&
      o.metadata.namespace === namespace &&
      o.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind} ${namespace}/${name}`);
  return found;
};

/** The object as a client sends it: without the metadata the API server writes. */
function asSent(o: KubernetesObject): Record<string, unknown> {
  const {
    uid: _uid,
    generation: _generation,
    creationTimestamp: _created,
    ...metadata
  } = o.metadata;
  return { ...o, metadata };
}

/** Every RFC 3339 time anywhere in the object. */
function times(value: unknown): string[] {
  if (typeof value === 'string') {
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value) ? [value] : [];
  }
  if (Array.isArray(value)) return value.flatMap(times);
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(times);
  }
  return [];
}

describe('the sandbox cluster', () => {
  it('holds what haven:gitops:render writes for each app, with the API server’s defaults', async () => {
    const configs = readSandboxHavenConfig('haven-sandbox');
    const action = createGitopsRenderAction(configs);
    const workspace = createMockDirectory();
    const profile = APP_PROFILES['open-webui'];
    const apps = SANDBOX_DELIVERY_EXAMPLES.filter(e => e.rows.length > 0);
    for (const example of apps) {
      await action.handler(
        createMockActionContext({
          workspacePath: workspace.path,
          input: {
            component: example.app,
            cluster: 'haven-sandbox',
            profile: profile.id,
            chart: profile.chart,
            secrets: example.vaultSecrets.map(({ name, key }) => ({
              name,
              key,
            })),
          },
        }) as never,
      );
    }
    const written = Object.values(readTree(workspace.resolve('fleet')))
      .flatMap(text => parseAllDocuments(text).map(d => d.toJS()))
      .filter(o => o.metadata);
    const asRendered = (o: KubernetesObject) => {
      const { metadata } = asSent(o);
      const { force: _force, ...spec } = o.spec as Record<string, unknown>;
      const chart = (spec.chart as { spec?: Record<string, unknown> })?.spec;
      return {
        apiVersion: o.apiVersion,
        kind: o.kind,
        metadata,
        spec: chart
          ? {
              ...spec,
              chart: {
                spec: { ...chart, reconcileStrategy: undefined },
              },
            }
          : spec,
      };
    };
    expect(JSON.parse(JSON.stringify(notEvents.map(asRendered)))).toEqual(
      notEvents.map(o =>
        written.find(
          w =>
            w.kind === o.kind &&
            w.apiVersion === o.apiVersion &&
            w.metadata.name === o.metadata.name &&
            w.metadata.namespace === o.metadata.namespace,
        ),
      ),
    );
    // ...and the defaults are the CRDs' (shared/reference/crds).
    expect(
      find('Kustomization', 'flux-system', 'open-webui-acme').spec,
    ).toMatchObject({ force: false });
    expect(
      find('HelmRelease', 'open-webui-acme', 'open-webui-acme').spec,
    ).toMatchObject({ chart: { spec: { reconcileStrategy: 'ChartVersion' } } });
  });

  it('holds one object per Delivery card row of every example, and nothing else but Events', () => {
    const expected = SANDBOX_DELIVERY_EXAMPLES.flatMap(e => e.rows)
      .map(r => `${r.kind} ${r.namespace}/${r.name}`)
      .sort();
    expect(
      notEvents
        .map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)
        .sort(),
    ).toEqual(expected);
  });

  it('labels every object with its app’s kubernetes-id, in the app’s namespace (Flux Kustomizations in flux-system)', () => {
    for (const o of notEvents) {
      const app = o.metadata.labels?.['backstage.io/kubernetes-id'];
      expect(o.metadata.labels).toEqual({ 'backstage.io/kubernetes-id': app });
      expect([o.kind, o.metadata.namespace]).toEqual([
        o.kind,
        o.kind === 'Kustomization' ? 'flux-system' : app,
      ]);
      expect(
        SANDBOX_DELIVERY_EXAMPLES.some(e => e.app === app && e.rows.length > 0),
      ).toBe(true);
    }
    const withObjects = new Set(
      notEvents.map(o => o.metadata.labels?.['backstage.io/kubernetes-id']),
    );
    expect([...withObjects].sort()).toEqual([
      'open-webui-acme',
      'open-webui-gemeente',
      'open-webui-pilot',
      'open-webui-voorbeeld',
    ]);
  });

  it('uses only the API versions current Flux and ESO serve', () => {
    expect([...new Set(notEvents.map(o => o.apiVersion))].sort()).toEqual([
      'external-secrets.io/v1',
      'helm.toolkit.fluxcd.io/v2',
      'kustomize.toolkit.fluxcd.io/v1',
    ]);
  });

  describe('against the CRDs', () => {
    it('validates strictly, status included (server-set metadata left out)', () => {
      const validator = loadManifestValidator();
      // The validator checks manifests as a client sends them, so metadata
      // the API server writes (uid, generation, creationTimestamp) counts as
      // unknown there; spec and status are checked whole.
      const asManifests = notEvents.map(asSent);
      expectValidManifests(validator, asManifests, 'sandboxCluster');
      // ...and the status schema is really checked: a field ESO does not
      // define in ExternalSecret status is refused.
      const es = asManifests.find(o => o.kind === 'ExternalSecret');
      expect(() =>
        expectValidManifests(validator, {
          ...es,
          status: { ...(es?.status as object), lastSyncedAt: 'x' },
        }),
      ).toThrow(/lastSyncedAt/);
      expect(asManifests.filter(o => o.status !== undefined)).toHaveLength(14);
    });
  });

  it('dates nothing in the future (the voorbeeld sync is the next whole second)', () => {
    const latest = Math.max(...objects.flatMap(times).map(t => Date.parse(t)));
    expect(latest).toBe(Date.parse('2026-08-22T10:00:01Z'));
    expect(
      statusOf(
        find(
          'ExternalSecret',
          'open-webui-voorbeeld',
          'open-webui-voorbeeld-vault',
        ),
      )?.refreshTime,
    ).toBe('2026-08-22T10:00:01Z');
  });

  it('dates the gemeente sync three hours back with a 1h refresh interval', () => {
    const es = find(
      'ExternalSecret',
      'open-webui-gemeente',
      'open-webui-gemeente-vault',
    );
    expect(statusOf(es)?.refreshTime).toBe('2026-08-22T07:00:00Z');
    expect(es.spec).toMatchObject({ refreshInterval: '1h' });
  });

  it('gives the new pilot SecretStore and ExternalSecret no status yet', () => {
    expect(
      statusOf(
        find('ExternalSecret', 'open-webui-pilot', 'open-webui-pilot-vault'),
      ),
    ).toBeUndefined();
    expect(
      statusOf(
        find('SecretStore', 'open-webui-pilot', 'open-webui-pilot-vault'),
      ),
    ).toBeUndefined();
  });

  it('serves the same cluster for the same start time', () => {
    expect(sandboxClusterObjects(NOW)).toEqual(objects);
  });

  it('carries core v1 Events, unlabelled, pointing at objects by kind, name and uid', () => {
    for (const e of events) {
      expect(e).toEqual({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: expect.stringMatching(
            new RegExp(
              `^${(e.involvedObject as { name: string }).name}\\.[0-9a-f]+$`,
            ),
          ),
          namespace: 'open-webui-acme',
          uid: expect.any(String),
          creationTimestamp: e.firstTimestamp,
        },
        involvedObject: expect.objectContaining({
          apiVersion: expect.any(String),
          kind: expect.any(String),
          name: expect.any(String),
          namespace: 'open-webui-acme',
          uid: expect.any(String),
        }),
        reason: expect.any(String),
        message: expect.any(String),
        type: expect.stringMatching(/^(Normal|Warning)$/),
        count: expect.any(Number),
        firstTimestamp: expect.any(String),
        lastTimestamp: expect.any(String),
        source: expect.objectContaining({ component: expect.any(String) }),
        eventTime: null,
        reportingComponent: expect.any(String),
        reportingInstance: expect.any(String),
      });
    }
    const es = find(
      'ExternalSecret',
      'open-webui-acme',
      'open-webui-acme-vault',
    );
    const esEvents = events.filter(
      e => (e.involvedObject as { kind: string }).kind === 'ExternalSecret',
    );
    expect(
      esEvents.map(e => (e.involvedObject as { uid: string }).uid),
    ).toEqual([es.metadata.uid, es.metadata.uid]);
  });

  describe('served by the Kubernetes double, read as the entity page reads it', () => {
    const BASE = 'http://sandbox-cluster.test';
    const server = setupServer(
      ...createKubernetesDouble({ baseUrl: BASE, token: 't', objects })
        .handlers,
    );
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    afterAll(() => server.close());
    const get = async (path: string) => {
      const res = await fetch(`${BASE}${path}`, {
        headers: { authorization: 'Bearer t' },
      });
      return res.json();
    };

    it('answers the acme ExternalSecret’s events with the Vault error in the newest Warning', async () => {
      const acme = SANDBOX_DELIVERY_EXAMPLES.find(
        e => e.app === 'open-webui-acme',
      );
      const list = await get(
        `/api/v1/namespaces/open-webui-acme/events?fieldSelector=${encodeURIComponent(
          'involvedObject.kind=ExternalSecret,involvedObject.name=open-webui-acme-vault',
        )}`,
      );
      expect(list.kind).toBe('EventList');
      expect(
        list.items.map((e: { type: string; reason: string }) => [
          e.type,
          e.reason,
        ]),
      ).toEqual(
        expect.arrayContaining([
          ['Normal', 'Created'],
          ['Warning', 'UpdateFailed'],
        ]),
      );
      expect(list.items).toHaveLength(2);
      const warning = list.items.find(
        (e: { type: string }) => e.type === 'Warning',
      );
      const normal = list.items.find(
        (e: { type: string }) => e.type === 'Normal',
      );
      expect(Date.parse(warning.lastTimestamp)).toBeGreaterThan(
        Date.parse(normal.lastTimestamp),
      );
      expect(warning.message).toBe(acme?.externalSecretWarning?.message);
      expect(warning.message).toBe(
        'error processing spec.data[0] (key: apps/open-webui-acme/open-webui-acme/webui-secret-key), err: Error making API request.\n\nURL: GET https://vault.haven-sandbox.example.nl/v1/kv-apps/data/apps/open-webui-acme/open-webui-acme/webui-secret-key\nCode: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n',
      );
    });

    it('never carries a secret value', () => {
      expect(JSON.stringify(objects)).not.toMatch(/sandbox-filler/);
    });

    it('lists nothing for open-webui-storing', async () => {
      const list = await get(
        `/apis/helm.toolkit.fluxcd.io/v2/helmreleases?labelSelector=${encodeURIComponent(
          'backstage.io/kubernetes-id=open-webui-storing',
        )}`,
      );
      expect(list.items).toEqual([]);
    });
  });
});
