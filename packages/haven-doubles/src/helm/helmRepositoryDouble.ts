import { createHash } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';
import { stringify } from 'yaml';
import { filesTarball } from '../github/tarball';
import { serveOnLoopback, type LoopbackServer } from '../http/loopback';

/*
 * A classic Helm chart repository (helm.sh/docs/topics/chart_repository):
 * `GET /index.yaml` lists every chart version (apiVersion v1, entries.<name>[]
 * newest first, each with the chart's Chart.yaml fields plus `urls`,
 * `digest` = sha256 of the archive and `created`), and each archive is a
 * gzip tarball with the chart's files under `<name>/` (helm package). URLs
 * in the index are relative to it (`charts/<name>-<version>.tgz`), which
 * helm resolves against the repository URL, as chart-releaser and
 * `helm repo index` without --url produce.
 */

/** One chart version the double serves. */
export interface HelmChartSeed {
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  /** RFC 3339, the index's `created`. */
  created: string;
  dependencies?: Array<Record<string, unknown>>;
  /** values.yaml as an object (serialised with `yaml`). */
  values: Record<string, unknown>;
  /** values.schema.json, when the chart ships one. */
  schema?: Record<string, unknown>;
}

export interface HelmRepositoryDoubleOptions {
  baseUrl: string;
  charts: HelmChartSeed[];
}

export interface HelmRepositoryDouble {
  handlers: RequestHandler[];
  /** Paths asked for, in order (`/index.yaml`, `/charts/x-1.0.0.tgz`). */
  requests: string[];
  /** While set, every request answers this HTTP status. */
  setDown(status: number | undefined): void;
}

function chartYaml(seed: HelmChartSeed): Record<string, unknown> {
  return {
    apiVersion: 'v2',
    name: seed.name,
    version: seed.version,
    ...(seed.appVersion ? { appVersion: seed.appVersion } : {}),
    description: seed.description ?? `${seed.name} (Helm repository double)`,
    type: 'application',
    ...(seed.dependencies ? { dependencies: seed.dependencies } : {}),
  };
}

/** The chart archive `helm package` would make of a seed. */
export function chartArchive(seed: HelmChartSeed): Buffer {
  const files = [
    { path: `${seed.name}/Chart.yaml`, content: stringify(chartYaml(seed)) },
    { path: `${seed.name}/values.yaml`, content: stringify(seed.values) },
    {
      path: `${seed.name}/templates/NOTES.txt`,
      content: `${seed.name} ${seed.version}\n`,
    },
  ];
  if (seed.schema) {
    files.push({
      path: `${seed.name}/values.schema.json`,
      content: JSON.stringify(seed.schema, null, 2),
    });
  }
  return filesTarball(files, new Date(seed.created));
}

export function createHelmRepositoryDouble(
  options: HelmRepositoryDoubleOptions,
): HelmRepositoryDouble {
  const base = options.baseUrl.replace(/\/+$/, '');
  // The repository may sit below a path (https://mirror/helm/openwebui).
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const requests: string[] = [];
  let down: number | undefined;
  const archives = new Map<string, Buffer>();
  const entries: Record<string, Array<Record<string, unknown>>> = {};
  for (const seed of options.charts) {
    const file = `charts/${seed.name}-${seed.version}.tgz`;
    const archive = chartArchive(seed);
    archives.set(`/${file}`, archive);
    (entries[seed.name] ??= []).push({
      ...chartYaml(seed),
      created: seed.created,
      digest: createHash('sha256').update(archive).digest('hex'),
      urls: [file],
    });
  }
  for (const list of Object.values(entries)) {
    list.sort((a, b) => String(b.created).localeCompare(String(a.created)));
  }
  const index = stringify({
    apiVersion: 'v1',
    entries,
    generated: new Date(0).toISOString(),
  });

  const handlers: RequestHandler[] = [
    http.get(`${base}/*`, ({ request }) => {
      const path = new URL(request.url).pathname.slice(basePath.length);
      requests.push(path);
      if (down !== undefined) {
        return new HttpResponse('unavailable', { status: down });
      }
      if (path === '/index.yaml') {
        return new HttpResponse(index, {
          headers: { 'content-type': 'application/x-yaml' },
        });
      }
      const archive = archives.get(path);
      if (!archive)
        return new HttpResponse('404 page not found', { status: 404 });
      return new HttpResponse(archive, {
        headers: { 'content-type': 'application/gzip' },
      });
    }),
  ];
  return {
    handlers,
    requests,
    setDown: status => {
      down = status;
    },
  };
}

export interface RunningHelmRepositoryDouble extends LoopbackServer {
  double: HelmRepositoryDouble;
}

/** Serves the double on 127.0.0.1:`port` (0 picks a free port). */
export async function startHelmRepositoryDoubleOnLoopback(
  port: number,
  charts: HelmChartSeed[],
): Promise<RunningHelmRepositoryDouble> {
  let double: HelmRepositoryDouble | undefined;
  const server = await serveOnLoopback(
    origin => {
      double = createHelmRepositoryDouble({ baseUrl: origin, charts });
      return double.handlers;
    },
    { port, name: 'Helm repository' },
  );
  return { ...server, double: double! };
}
