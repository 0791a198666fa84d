import type { Config } from '@backstage/config';
import {
  assertDnsLabel,
  assertValid,
  dnsSubdomainProblems,
  repoPathProblems,
} from '@haven-plus/plugin-haven-common';
import type { HavenGitopsCluster, HavenGitopsConfig } from '../gitops/types';
import {
  planTenantRoutes,
  type PerTeamTenancy,
} from '../observability/tenancy';

/** `haven.charts`: how haven:gitops:render reads charts. @public */
export interface HavenChartsConfig {
  /** Check rendered values against the chart's own values (default true). */
  checkValues: boolean;
  /** Time limit per request to a chart repository, in milliseconds (default 10000). */
  timeoutMs: number;
  /** Repositories read from elsewhere: `url` is read at `readFrom`. */
  mirrors: Array<{ url: string; readFrom: string }>;
}

/** Reads `haven.charts` (every key optional). @public */
export function readHavenChartsConfig(root: Config): HavenChartsConfig {
  const c = root.getOptionalConfig('haven.charts');
  const timeoutMs = c?.getOptionalNumber('timeoutMs') ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
    throw new Error(
      `haven.charts.timeoutMs must be a whole number of milliseconds >= 100, got ${timeoutMs}`,
    );
  }
  return {
    checkValues: c?.getOptionalBoolean('checkValues') ?? true,
    timeoutMs,
    mirrors: (c?.getOptionalConfigArray('mirrors') ?? []).map((m, i) => {
      const key = `haven.charts.mirrors[${i}]`;
      const readFrom = m.getString('readFrom');
      const parsed = URL.canParse(readFrom) ? new URL(readFrom) : undefined;
      if (parsed && (parsed.username || parsed.password)) {
        // Task logs name the URL read; credentials would land there.
        throw new Error(
          `${key}.readFrom must not hold credentials; chart repositories that need them are not read yet`,
        );
      }
      return {
        url: httpUrl(m.getString('url'), `${key}.url`),
        readFrom: httpUrl(readFrom, `${key}.readFrom`),
      };
    }),
  };
}

function httpUrl(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${key} "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${key} "${value}" must be an http(s) URL`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * Reads `haven.gitops`, or returns undefined when it is absent. Throws at
 * start-up on a value that could not work, naming the key.
 * @public
 */
export function readHavenGitopsConfig(
  root: Config,
): HavenGitopsConfig | undefined {
  const config = root.getOptionalConfig('haven.gitops');
  if (!config) return undefined;

  const repoUrl = httpUrl(
    config.getString('fleetRepo.url'),
    'haven.gitops.fleetRepo.url',
  );
  const parsed = new URL(repoUrl);
  const parts = parsed.pathname.replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length < 2 || parts.some(p => !/^[A-Za-z0-9_.-]+$/.test(p))) {
    throw new Error(
      `haven.gitops.fleetRepo.url "${repoUrl}" must name a repository, e.g. https://github.com/<owner>/<repo>`,
    );
  }
  const repo = parts[parts.length - 1].replace(/\.git$/, '');
  const owner = parts.slice(0, -1).join('/');
  const provider =
    (config.getOptionalString('fleetRepo.provider') as
      | 'github'
      | 'gitlab'
      | undefined) ??
    (parsed.hostname.includes('gitlab') ? 'gitlab' : 'github');
  if (provider !== 'github' && provider !== 'gitlab') {
    throw new Error(
      `haven.gitops.fleetRepo.provider must be "github" or "gitlab", got "${provider}"`,
    );
  }
  const branch = config.getOptionalString('fleetRepo.branch') ?? 'main';
  if (!/^[A-Za-z0-9._/-]+$/.test(branch) || branch.includes('..')) {
    throw new Error(
      `haven.gitops.fleetRepo.branch "${branch}" is not a branch name`,
    );
  }

  const clusters: Record<string, HavenGitopsCluster> = {};
  config.getConfigArray('clusters').forEach((c, i) => {
    const name = assertDnsLabel(
      c.getString('name'),
      `haven.gitops.clusters[${i}].name`,
    );
    if (clusters[name]) {
      throw new Error(`haven.gitops.clusters names "${name}" twice`);
    }
    const key = `haven.gitops.clusters[${i}] (${name})`;
    const path = (k: string, fallback: string) =>
      assertValid(
        (c.getOptionalString(k) ?? fallback).replace(/\/+$/, ''),
        `${key}.${k}`,
        repoPathProblems,
      );
    const sourceKind = c.getOptionalString('sourceRef.kind') ?? 'GitRepository';
    if (!['GitRepository', 'OCIRepository', 'Bucket'].includes(sourceKind)) {
      throw new Error(
        `${key}.sourceRef.kind must be GitRepository, OCIRepository or Bucket, got "${sourceKind}"`,
      );
    }
    const otlpProtocol = c.getOptionalString('otlpProtocol') ?? 'http/protobuf';
    if (otlpProtocol !== 'http/protobuf' && otlpProtocol !== 'grpc') {
      throw new Error(
        `${key}.otlpProtocol must be "http/protobuf" or "grpc", got "${otlpProtocol}"`,
      );
    }
    const otlpEndpoint = c.getOptionalString('otlpEndpoint');
    const vaultServer = c.getOptionalString('vaultServer');
    const clusterSecretStore = c.getOptionalString('clusterSecretStore');
    const telemetry = c.getOptionalConfig('telemetry');
    const telemetryTenancy: PerTeamTenancy | undefined = telemetry
      ? {
          defaultTenant: telemetry.getString('defaultTenant'),
          teams: telemetry.getConfigArray('teams').map(t => ({
            tenant: t.getString('tenant'),
            namespaces: t.getStringArray('namespaces'),
          })),
        }
      : undefined;
    if (telemetryTenancy) {
      // The same rules the stack was rendered with (tenant IDs, one team
      // per namespace); throws naming the key.
      planTenantRoutes(telemetryTenancy, `${key}.telemetry`);
    }
    const className = c.getOptionalString('ingress.className');
    const clusterIssuer = c.getOptionalString('ingress.clusterIssuer');
    clusters[name] = {
      name,
      environment: assertDnsLabel(
        c.getString('environment'),
        `${key}.environment`,
      ),
      appsPath: path('appsPath', `apps/${name}`),
      fluxPath: path('fluxPath', `clusters/${name}/apps`),
      fluxNamespace: assertDnsLabel(
        c.getOptionalString('fluxNamespace') ?? 'flux-system',
        `${key}.fluxNamespace`,
      ),
      sourceRef: {
        kind: sourceKind as HavenGitopsCluster['sourceRef']['kind'],
        name: assertValid(
          c.getOptionalString('sourceRef.name') ?? 'flux-system',
          `${key}.sourceRef.name`,
          dnsSubdomainProblems,
        ),
      },
      dependsOn: (c.getOptionalStringArray('dependsOn') ?? []).map((d, j) =>
        assertValid(d, `${key}.dependsOn[${j}]`, dnsSubdomainProblems),
      ),
      vaultServer: vaultServer
        ? httpUrl(vaultServer, `${key}.vaultServer`)
        : undefined,
      clusterSecretStore: clusterSecretStore
        ? assertValid(
            clusterSecretStore,
            `${key}.clusterSecretStore`,
            dnsSubdomainProblems,
          )
        : undefined,
      otlpEndpoint: otlpEndpoint
        ? httpUrl(otlpEndpoint, `${key}.otlpEndpoint`)
        : undefined,
      otlpProtocol,
      telemetryTenancy,
      ingress: {
        className: className
          ? assertValid(
              className,
              `${key}.ingress.className`,
              dnsSubdomainProblems,
            )
          : undefined,
        clusterIssuer: clusterIssuer
          ? assertValid(
              clusterIssuer,
              `${key}.ingress.clusterIssuer`,
              dnsSubdomainProblems,
            )
          : undefined,
      },
    };
  });
  if (Object.keys(clusters).length === 0) {
    throw new Error('haven.gitops.clusters must name at least one cluster');
  }
  return {
    fleetRepo: {
      url: repoUrl,
      host: parsed.host,
      owner,
      repo,
      branch,
      provider,
    },
    clusters,
  };
}
