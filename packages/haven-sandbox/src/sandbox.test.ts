import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SANDBOX_DOUBLES, startSandboxDoubles } from './sandbox';
import { findRepoRoot } from '@haven-plus/haven-test-utils';
import { serveOnLoopback } from '@haven-plus/haven-doubles';
import { fleetRepositorySeed, GITHUB_SANDBOX } from './github/githubSandbox';
import { SANDBOX_DELIVERY_EXAMPLES } from './kubernetes/sandboxCluster';

describe('the local sandbox', () => {
  it('points app-config.yaml at the doubles where they listen', () => {
    const config = parse(
      fs.readFileSync(path.join(findRepoRoot(), 'app-config.yaml'), 'utf8'),
    );
    const clusters = config.kubernetes.clusterLocatorMethods.flatMap(
      (m: { clusters?: unknown[] }) => m.clusters ?? [],
    );
    expect(clusters).toEqual([
      expect.objectContaining({
        name: SANDBOX_DOUBLES.kubernetes.clusterName,
        url: `http://127.0.0.1:${SANDBOX_DOUBLES.kubernetes.port}`,
        authProvider: 'serviceAccount',
        serviceAccountToken: SANDBOX_DOUBLES.kubernetes.token,
      }),
    ]);
  });

  it('points haven.vault at the Vault double with the sandbox Backstage token', () => {
    const config = parse(
      fs.readFileSync(path.join(findRepoRoot(), 'app-config.yaml'), 'utf8'),
    );
    const v = SANDBOX_DOUBLES.vault;
    expect(config.haven.vault).toMatchObject({
      address: `http://127.0.0.1:${v.port}`,
      auth: { method: 'token', token: v.backstageToken },
      policyMode: 'templated',
      templatedPolicy: 'haven-apps',
      environments: [
        {
          name: 'sandbox',
          kvMount: v.kvMount,
          kubernetesAuthMount: v.kubernetesAuthMount,
          pathPrefix: v.pathPrefix,
        },
      ],
    });
  });

  it('reads https://helm.openwebui.com from the Helm repository double', async () => {
    const config = parse(
      fs.readFileSync(path.join(findRepoRoot(), 'app-config.yaml'), 'utf8'),
    );
    expect(config.haven.charts.mirrors).toEqual([
      {
        url: SANDBOX_DOUBLES.helm.mirrors,
        readFrom: `http://127.0.0.1:${SANDBOX_DOUBLES.helm.port}`,
      },
    ]);
    const sandbox = await startSandboxDoubles({ anyPort: true });
    try {
      const index = parse(
        await (await fetch(`${sandbox.urls.helm}/index.yaml`)).text(),
      );
      expect(
        index.entries['open-webui'].map((e: { version: string }) => e.version),
      ).toEqual(['16.0.1-dev.142.1', '16.0.0', '8.22.1']);
    } finally {
      await sandbox.stop();
    }
  });

  it('serves the Vault double over loopback, set up as README.md tells an administrator', async () => {
    const sandbox = await startSandboxDoubles({ anyPort: true });
    try {
      const res = await fetch(
        `${sandbox.urls.vault}/v1/sys/policies/acl/haven-apps`,
        {
          headers: { 'x-vault-token': SANDBOX_DOUBLES.vault.backstageToken },
        },
      );
      expect(res.status).toBe(200);
      const denied = await fetch(
        `${sandbox.urls.vault}/v1/sys/policies/acl/root`,
        {
          headers: { 'x-vault-token': SANDBOX_DOUBLES.vault.backstageToken },
        },
      );
      expect(denied.status).toBe(403);
    } finally {
      await sandbox.stop();
    }
  });

  it('serves the Kubernetes double over loopback with the example apps’ Flux and ESO objects and Events', async () => {
    const sandbox = await startSandboxDoubles({ anyPort: true });
    try {
      expect(sandbox.urls.kubernetes).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const k8s = (apiPath: string) =>
        fetch(`${sandbox.urls.kubernetes}${apiPath}`, {
          headers: {
            authorization: `Bearer ${SANDBOX_DOUBLES.kubernetes.token}`,
          },
        });
      for (const example of SANDBOX_DELIVERY_EXAMPLES) {
        const res = await k8s(
          `/apis/external-secrets.io/v1/namespaces/${
            example.app
          }/externalsecrets?labelSelector=${encodeURIComponent(
            `backstage.io/kubernetes-id=${example.app}`,
          )}`,
        );
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('application/json');
        const body = await res.json();
        expect(body.kind).toBe('ExternalSecretList');
        expect(
          body.items.map(
            (i: { metadata: { name: string } }) => i.metadata.name,
          ),
        ).toEqual(
          example.rows
            .filter(r => r.kind === 'ExternalSecret')
            .map(r => r.name),
        );
      }
      const events = await k8s(
        `/api/v1/namespaces/open-webui-acme/events?fieldSelector=${encodeURIComponent(
          'involvedObject.kind=ExternalSecret,involvedObject.name=open-webui-acme-vault',
        )}`,
      );
      expect(
        (await events.json()).items.map(
          (e: { type: string; reason: string }) => `${e.type} ${e.reason}`,
        ),
      ).toEqual(
        expect.arrayContaining(['Normal Created', 'Warning UpdateFailed']),
      );
    } finally {
      await sandbox.stop();
    }
  });

  it('seeds Vault so that each ExternalSecret’s last sync and Vault’s updated_time give its intended state', async () => {
    const sandbox = await startSandboxDoubles({ anyPort: true });
    try {
      const v = SANDBOX_DOUBLES.vault;
      const metadata = async (app: string, name: string) => {
        const res = await fetch(
          `${sandbox.urls.vault}/v1/${v.kvMount}/metadata/${v.pathPrefix}/${app}/${app}/${name}`,
          { headers: { 'x-vault-token': v.backstageToken } },
        );
        expect(res.status).toBe(200);
        return (await res.json()).data as {
          current_version: number;
          updated_time: string;
        };
      };
      const refreshTime = async (app: string) => {
        const res = await fetch(
          `${sandbox.urls.kubernetes}/apis/external-secrets.io/v1/namespaces/${app}/externalsecrets/${app}-vault`,
          {
            headers: {
              authorization: `Bearer ${SANDBOX_DOUBLES.kubernetes.token}`,
            },
          },
        );
        return Date.parse((await res.json()).status.refreshTime);
      };
      for (const example of SANDBOX_DELIVERY_EXAMPLES) {
        for (const secret of example.vaultSecrets) {
          const meta = await metadata(example.app, secret.name);
          expect(meta.current_version).toBe(secret.versions);
        }
      }
      // Synced: every Vault write at or before the last sync.
      const synced = await refreshTime('open-webui-voorbeeld');
      for (const name of ['webui-secret-key', 'openai-api-key']) {
        const meta = await metadata('open-webui-voorbeeld', name);
        expect(Date.parse(meta.updated_time)).toBeLessThanOrEqual(synced);
      }
      // Stale: the rotated key was written after a sync older than 1h.
      const stale = await refreshTime('open-webui-gemeente');
      const rotated = await metadata('open-webui-gemeente', 'openai-api-key');
      expect(Date.parse(rotated.updated_time)).toBeGreaterThan(stale);
      expect(Date.now() - stale).toBeGreaterThan(60 * 60 * 1000);
    } finally {
      await sandbox.stop();
    }
  });

  it('points integrations.github and haven.gitops at the GitHub double and its fleet repository', () => {
    const config = parse(
      fs.readFileSync(path.join(findRepoRoot(), 'app-config.yaml'), 'utf8'),
    );
    const g = SANDBOX_DOUBLES.github;
    expect(config.integrations.github).toEqual([
      {
        host: 'github.com',
        apiBaseUrl: `http://127.0.0.1:${g.port}`,
        token: g.token,
      },
      // The double's web pages (pull request links), for the follow-through.
      {
        host: `127.0.0.1:${g.port}`,
        apiBaseUrl: `http://127.0.0.1:${g.port}`,
        token: g.token,
      },
    ]);
    expect(config.haven.gitops.fleetRepo).toMatchObject({
      url: `https://github.com/${g.fleetRepo.owner}/${g.fleetRepo.name}`,
      branch: g.fleetRepo.branch,
    });
  });

  it('serves the GitHub double over loopback with the seeded fleet repository', async () => {
    const g = SANDBOX_DOUBLES.github;
    expect(g).toMatchObject({
      port: GITHUB_SANDBOX.port,
      token: GITHUB_SANDBOX.token,
      login: GITHUB_SANDBOX.login,
      fleetRepo: GITHUB_SANDBOX.fleetRepo,
    });
    const sandbox = await startSandboxDoubles({ anyPort: true });
    try {
      expect(sandbox.urls.github).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const file = 'clusters/haven-sandbox/apps/kustomization.yaml';
      const res = await fetch(
        `${sandbox.urls.github}/repos/${g.fleetRepo.owner}/${g.fleetRepo.name}/contents/${file}?ref=${g.fleetRepo.branch}`,
        {
          headers: {
            authorization: `Bearer ${g.token}`,
            accept: 'application/vnd.github.v3.raw',
          },
        },
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(fleetRepositorySeed().files[file]);
    } finally {
      await sandbox.stop();
    }
  });

  it('serves the Loki and Tempo doubles over loopback with the Open WebUI component’s telemetry under its tenant', async () => {
    expect(SANDBOX_DOUBLES.loki).toEqual({ port: 7104, tenant: 'voorbeeld' });
    expect(SANDBOX_DOUBLES.tempo).toEqual({ port: 7105, tenant: 'voorbeeld' });
    const sandbox = await startSandboxDoubles({ anyPort: true });
    try {
      expect(sandbox.urls.loki).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sandbox.urls.tempo).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const logs = await fetch(
        `${sandbox.urls.loki}/loki/api/v1/query_range?${new URLSearchParams({
          query: '{service_name="open-webui-voorbeeld"}',
          limit: '5',
        })}`,
        { headers: { 'X-Scope-OrgID': SANDBOX_DOUBLES.loki.tenant } },
      );
      expect(logs.status).toBe(200);
      const logBody = await logs.json();
      expect(logBody.data.resultType).toBe('streams');
      expect(
        logBody.data.result.flatMap((r: { values: unknown[] }) => r.values),
      ).toHaveLength(5);
      const now = Math.floor(Date.now() / 1000);
      const traces = await fetch(
        `${sandbox.urls.tempo}/api/search?${new URLSearchParams({
          q: '{ resource.service.name = "open-webui-voorbeeld" && status = error }',
          start: String(now - 3600),
          end: String(now),
        })}`,
        { headers: { 'X-Scope-OrgID': SANDBOX_DOUBLES.tempo.tenant } },
      );
      expect(traces.status).toBe(200);
      expect((await traces.json()).traces.length).toBeGreaterThan(0);
      const anonymous = await fetch(`${sandbox.urls.tempo}/api/search`);
      expect(anonymous.status).toBe(401);
    } finally {
      await sandbox.stop();
    }
  });

  it('says which port is taken when a second sandbox starts', async () => {
    const first = await startSandboxDoubles({ anyPort: true });
    const port = Number(new URL(first.urls.kubernetes).port);
    try {
      await expect(
        serveOnLoopback(() => [], { port, name: 'Kubernetes API' }),
      ).rejects.toThrow(`port ${port} for the Kubernetes API double is in use`);
    } finally {
      await first.stop();
    }
  });
});
