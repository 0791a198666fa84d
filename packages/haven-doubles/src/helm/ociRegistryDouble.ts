import { createHash } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';
import { chartArchive, type HelmChartSeed } from './helmRepositoryDouble';

/*
 * An OCI registry holding Helm charts as `helm push` leaves them (helm.sh/
 * docs/topics/registries; opencontainers/distribution-spec spec.md):
 *   GET /v2/<repo>/tags/list        {"name", "tags": [...]}
 *   GET /v2/<repo>/manifests/<tag>  an OCI image manifest whose config is
 *       application/vnd.cncf.helm.config.v1+json and whose one layer is
 *       application/vnd.cncf.helm.chart.content.v1.tar+gzip
 *   GET /v2/<repo>/blobs/<digest>   the chart archive (sha256 = digest)
 * Unknown repositories answer 404 with the spec's NAME_UNKNOWN error body;
 * unknown manifests MANIFEST_UNKNOWN. Like ghcr.io, every /v2/ request
 * without a token answers 401 with `WWW-Authenticate: Bearer realm=...,
 * service=..., scope="repository:<repo>:pull"`, and GET /token hands out an
 * anonymous pull token (distribution/distribution docs/spec/auth/token.md).
 */

export interface OciRegistryDoubleOptions {
  baseUrl: string;
  /** repository path (e.g. open-webui/helm-charts/open-webui) -> chart versions */
  repositories: Record<string, HelmChartSeed[]>;
}

export interface OciRegistryDouble {
  handlers: RequestHandler[];
  /** Paths asked for, in order. */
  requests: string[];
}

const TOKEN = 'oci-double-anonymous-pull-token';

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function ociError(status: number, code: string, message: string) {
  return HttpResponse.json(
    { errors: [{ code, message, detail: {} }] },
    { status },
  );
}

export function createOciRegistryDouble(
  options: OciRegistryDoubleOptions,
): OciRegistryDouble {
  const base = options.baseUrl.replace(/\/+$/, '');
  const host = new URL(base).host;
  const requests: string[] = [];
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { body: string; digest: string }>();
  const tags = new Map<string, string[]>();
  for (const [repo, seeds] of Object.entries(options.repositories)) {
    tags.set(
      repo,
      seeds.map(s => s.version.replace(/\+/g, '_')),
    );
    for (const seed of seeds) {
      const archive = chartArchive(seed);
      const config = JSON.stringify({
        name: seed.name,
        version: seed.version,
        appVersion: seed.appVersion,
        apiVersion: 'v2',
      });
      blobs.set(sha256(archive), archive);
      blobs.set(sha256(config), Buffer.from(config));
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.cncf.helm.config.v1+json',
          digest: sha256(config),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
            digest: sha256(archive),
            size: archive.length,
          },
        ],
        annotations: {
          'org.opencontainers.image.title': seed.name,
          'org.opencontainers.image.version': seed.version,
        },
      });
      manifests.set(`${repo}:${seed.version.replace(/\+/g, '_')}`, {
        body,
        digest: sha256(body),
      });
    }
  }

  const challenge = (repo: string) =>
    new HttpResponse(
      JSON.stringify({
        errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
      }),
      {
        status: 401,
        headers: {
          'content-type': 'application/json',
          'www-authenticate': `Bearer realm="${base}/token",service="${host}",scope="repository:${repo}:pull"`,
        },
      },
    );

  const handlers: RequestHandler[] = [
    http.get(`${base}/token`, ({ request }) => {
      requests.push(`/token?${new URL(request.url).searchParams}`);
      return HttpResponse.json({ token: TOKEN });
    }),
    http.get(`${base}/v2/*`, ({ request }) => {
      const path = new URL(request.url).pathname;
      requests.push(path);
      const m = /^\/v2\/(.+)\/(tags\/list|manifests\/[^/]+|blobs\/[^/]+)$/.exec(
        path,
      );
      if (!m) return ociError(404, 'NAME_UNKNOWN', 'repository name not known');
      const [, repo, what] = m;
      if (request.headers.get('authorization') !== `Bearer ${TOKEN}`) {
        return challenge(repo);
      }
      if (!tags.has(repo)) {
        return ociError(
          404,
          'NAME_UNKNOWN',
          'repository name not known to registry',
        );
      }
      if (what === 'tags/list') {
        return HttpResponse.json({ name: repo, tags: tags.get(repo) });
      }
      if (what.startsWith('manifests/')) {
        const manifest = manifests.get(`${repo}:${what.slice(10)}`);
        if (!manifest) {
          return ociError(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
        }
        return new HttpResponse(manifest.body, {
          headers: {
            'content-type': 'application/vnd.oci.image.manifest.v1+json',
            'docker-content-digest': manifest.digest,
          },
        });
      }
      const blob = blobs.get(what.slice(6));
      if (!blob)
        return ociError(404, 'BLOB_UNKNOWN', 'blob unknown to registry');
      return new HttpResponse(blob, {
        headers: { 'content-type': 'application/octet-stream' },
      });
    }),
  ];
  return { handlers, requests };
}
