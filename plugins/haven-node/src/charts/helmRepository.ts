import { createHash } from 'node:crypto';
import { Parser, type ReadEntry } from 'tar';
import semver from 'semver';
import { parse } from 'yaml';
import { chartReferenceFromFiles, type ChartReference } from './chartReference';
import { isPlainObject } from './paths';

/*
 * Reads one chart version's values from a classic Helm repository, as
 * `helm pull` does (helm.sh/docs/topics/chart_repository: "The index file"):
 *   GET <repo>/index.yaml  -> entries.<chart>[]: version, urls[], digest
 *   GET urls[0]            -> <chart>-<version>.tgz, resolved against the
 *                             index URL when relative; sha256 == digest
 * and from the archive only <chart>/Chart.yaml, <chart>/values.yaml and
 * <chart>/values.schema.json (helm.sh/docs/topics/charts, "The Chart File
 * Structure"; subcharts under <chart>/charts/ are not read).
 * Version ranges resolve to the newest release the range allows, prereleases
 * excluded, which is what Flux's HelmChart picks (fluxcd.io/flux/components/
 * source/helmcharts, `version`: a SemVer range, prereleases only when the
 * range names one).
 */

/** A chart the values check is asked about. @public */
export interface ChartCoordinates {
  /** `https://` Helm repository or `oci://` registry prefix. */
  repositoryUrl: string;
  /** The chart's name in that repository. */
  name: string;
  /** Version or SemVer range. */
  version: string;
}

/**
 * What reading a chart came to:
 * - `checked`: the chart's values are known (`reference`);
 * - `invalid`: the repository answered and the chart or version is not
 *   there (the form's answer is wrong: refuse it);
 * - `unavailable`: the values could not be read (offline, unreachable,
 *   OCI): say so, never pass silently.
 * @public
 */
export type ChartLookup =
  | {
      status: 'checked';
      reference: ChartReference;
      /** The release the version (range) resolves to today. */
      version: string;
      /** The archive that was read. */
      archiveUrl: string;
    }
  | { status: 'invalid'; reason: string }
  | { status: 'unavailable'; reason: string };

/** How the backend reaches chart repositories. @public */
export interface HelmRepositoryReaderOptions {
  /**
   * Where to read a repository from instead of its own URL (a pull-through
   * cache or the sandbox's double): `{ url, readFrom }`, matched by prefix.
   */
  mirrors?: Array<{ url: string; readFrom: string }>;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** The largest index or archive read; default 20 MiB. */
  maxBytes?: number;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

class Unavailable extends Error {}

/**
 * Reads charts' values from Helm repositories, caching each chart version
 * (a published version never changes; an index is re-read after a minute).
 * @public
 */
export class HelmRepositoryReader {
  private readonly mirrors: Array<{ url: string; readFrom: string }>;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly fetchFn: typeof fetch;
  private readonly archives = new Map<string, Promise<ChartReference>>();
  private readonly indexes = new Map<
    string,
    { at: number; index: Promise<unknown> }
  >();

  constructor(options: HelmRepositoryReaderOptions = {}) {
    this.mirrors = (options.mirrors ?? []).map(m => ({
      url: trimSlash(m.url),
      readFrom: trimSlash(m.readFrom),
    }));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** The URL the backend reads for `url` (a mirror's, when one matches). */
  readUrlOf(url: string): string {
    const m = this.mirrors.find(
      x => url === x.url || url.startsWith(`${x.url}/`),
    );
    return m ? `${m.readFrom}${url.slice(m.url.length)}` : url;
  }

  /**
   * Reads the values of the chart release the version (range) resolves to.
   * Never throws for an unreachable or unreadable repository: that is an
   * `unavailable` answer.
   */
  async lookup(chart: ChartCoordinates): Promise<ChartLookup> {
    if (chart.repositoryUrl.startsWith('oci://')) return this.ociLookup(chart);
    const repo = trimSlash(chart.repositoryUrl);
    const indexUrl = `${repo}/index.yaml`;
    try {
      const index = await this.index(indexUrl);
      const entries =
        isPlainObject(index) && isPlainObject(index.entries)
          ? index.entries[chart.name]
          : undefined;
      if (!Array.isArray(entries) || entries.length === 0) {
        return {
          status: 'invalid',
          reason: `${indexUrl} lists no chart "${chart.name}"`,
        };
      }
      const releases = entries.filter(
        (e): e is Record<string, unknown> =>
          isPlainObject(e) && typeof e.version === 'string',
      );
      const entry = pickRelease(releases, chart.version);
      if (!entry) {
        return {
          status: 'invalid',
          reason: `${indexUrl} has no release of ${chart.name} matching "${
            chart.version
          }" (newest: ${newest(releases)})`,
        };
      }
      const urls = Array.isArray(entry.urls) ? entry.urls : [];
      if (typeof urls[0] !== 'string') {
        throw new Unavailable(
          `${indexUrl}: ${chart.name} ${entry.version} has no archive URL`,
        );
      }
      const archiveUrl = new URL(urls[0], `${repo}/`).toString();
      const digest =
        typeof entry.digest === 'string' ? entry.digest : undefined;
      const reference = await this.reference(
        archiveUrl,
        chart.name,
        digest,
        () => this.get(archiveUrl),
      );
      return {
        status: 'checked',
        reference,
        version: String(entry.version),
        archiveUrl,
      };
    } catch (e) {
      return unavailable(e);
    }
  }

  /*
   * An OCI chart, as `helm pull oci://...` reads it (helm.sh/docs/topics/
   * registries; OCI distribution spec, opencontainers/distribution-spec
   * spec.md): GET /v2/<repo>/tags/list, the manifest of the tag
   * (application/vnd.oci.image.manifest.v1+json) and its layer of media type
   * application/vnd.cncf.helm.chart.content.v1.tar+gzip, a blob whose
   * sha256 is its digest. Registries that answer 401 with a Bearer
   * challenge get an anonymous pull token first (distribution/distribution
   * docs/spec/auth/token.md: GET <realm>?service=..&scope=..).
   */
  private async ociLookup(chart: ChartCoordinates): Promise<ChartLookup> {
    const ref = new URL(chart.repositoryUrl.replace(/^oci:/, 'https:'));
    const repository = `${ref.pathname.replace(/^\/+|\/+$/g, '')}/${
      chart.name
    }`.replace(/^\//, '');
    const registry = `https://${ref.host}`;
    const label = `${chart.repositoryUrl.replace(/\/+$/, '')}/${chart.name}`;
    try {
      const session = { token: undefined as string | undefined };
      const tagsRes = await this.ociGet(
        registry,
        `/v2/${repository}/tags/list`,
        'application/json',
        session,
      );
      if (tagsRes.status === 404) {
        return { status: 'invalid', reason: `${label} is not in the registry` };
      }
      const tags = (
        JSON.parse(tagsRes.body.toString('utf8')) as {
          tags?: unknown;
        }
      ).tags;
      const releases = (Array.isArray(tags) ? tags : [])
        .filter((t): t is string => typeof t === 'string')
        // OCI tags cannot hold "+": helm pushes 1.0.0+build as 1.0.0_build.
        .map(t => ({ version: t.replace(/_/g, '+'), tag: t }));
      const entry = pickRelease(releases, chart.version);
      if (!entry) {
        return {
          status: 'invalid',
          reason: `${label} has no tag matching "${
            chart.version
          }" (newest: ${newest(releases)})`,
        };
      }
      const tag = String(entry.tag);
      const manifestRes = await this.ociGet(
        registry,
        `/v2/${repository}/manifests/${tag}`,
        'application/vnd.oci.image.manifest.v1+json',
        session,
      );
      if (manifestRes.status !== 200) {
        throw new Unavailable(
          `${label}:${tag} manifest answered HTTP ${manifestRes.status}`,
        );
      }
      const manifest = JSON.parse(manifestRes.body.toString('utf8')) as {
        layers?: Array<{ mediaType?: string; digest?: string }>;
      };
      const layer = (manifest.layers ?? []).find(
        l =>
          l.mediaType === 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
      );
      if (!layer?.digest?.startsWith('sha256:')) {
        throw new Unavailable(`${label}:${tag} has no Helm chart layer`);
      }
      const archiveUrl = `${label}:${tag}@${layer.digest}`;
      const reference = await this.reference(
        archiveUrl,
        chart.name,
        layer.digest,
        async () => {
          const blob = await this.ociGet(
            registry,
            `/v2/${repository}/blobs/${layer.digest}`,
            'application/octet-stream',
            session,
          );
          if (blob.status !== 200) {
            throw new Unavailable(`${archiveUrl} answered HTTP ${blob.status}`);
          }
          return blob.body;
        },
      );
      return {
        status: 'checked',
        reference,
        version: String(entry.version),
        archiveUrl,
      };
    } catch (e) {
      return unavailable(e);
    }
  }

  /** One registry request; a 401 Bearer challenge is answered once with an anonymous token. */
  private async ociGet(
    registry: string,
    path: string,
    accept: string,
    session: { token?: string },
  ): Promise<{ status: number; body: Buffer }> {
    const attempt = () =>
      this.fetchRaw(`${registry}${path}`, {
        accept,
        ...(session.token ? { authorization: `Bearer ${session.token}` } : {}),
      });
    let res = await attempt();
    const challenge = res.headers.get('www-authenticate') ?? '';
    if (res.status === 401 && !session.token && /^Bearer\s/i.test(challenge)) {
      const params = Object.fromEntries(
        [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
      );
      if (!params.realm) {
        throw new Unavailable(
          `${registry}${path}: a Bearer challenge without realm`,
        );
      }
      const tokenUrl = new URL(params.realm);
      if (params.service) tokenUrl.searchParams.set('service', params.service);
      if (params.scope) tokenUrl.searchParams.set('scope', params.scope);
      const tokenRes = await this.fetchRaw(tokenUrl.toString(), {
        accept: 'application/json',
      });
      if (tokenRes.status !== 200) {
        throw new Unavailable(
          `${registry}${path} needs credentials (anonymous token: HTTP ${tokenRes.status}), which are not supported yet`,
        );
      }
      const json = JSON.parse(tokenRes.body.toString('utf8')) as {
        token?: string;
        access_token?: string;
      };
      session.token = json.token ?? json.access_token;
      res = await attempt();
    }
    if (res.status === 401 || res.status === 403) {
      throw new Unavailable(
        `${registry}${path} answered HTTP ${res.status}: credentials are not supported yet`,
      );
    }
    if (res.status !== 200 && res.status !== 404) {
      throw new Unavailable(`${registry}${path} answered HTTP ${res.status}`);
    }
    return { status: res.status, body: res.body };
  }

  private index(indexUrl: string): Promise<unknown> {
    const cached = this.indexes.get(indexUrl);
    if (cached && Date.now() - cached.at < 60_000) return cached.index;
    const index = this.get(indexUrl).then(body => {
      try {
        return parse(body.toString('utf8'), { maxAliasCount: 1000 });
      } catch (e) {
        throw new Unavailable(
          `${indexUrl} is not a Helm repository index: ${(e as Error).message}`,
        );
      }
    });
    index.catch(() => this.indexes.delete(indexUrl));
    this.indexes.set(indexUrl, { at: Date.now(), index });
    return index;
  }

  /** A chart archive's values reference, read once per archive (a published one never changes). */
  private reference(
    key: string,
    name: string,
    digest: string | undefined,
    read: () => Promise<Buffer>,
  ): Promise<ChartReference> {
    const cached = this.archives.get(key);
    if (cached) return cached;
    const loaded = read().then(body =>
      this.referenceOf(body, key, name, digest),
    );
    loaded.catch(() => this.archives.delete(key));
    this.archives.set(key, loaded);
    return loaded;
  }

  /** The values reference in a chart archive, after its sha256 matched `digest`. */
  private async referenceOf(
    body: Buffer,
    url: string,
    name: string,
    digest: string | undefined,
  ): Promise<ChartReference> {
    if (digest) {
      const sha = createHash('sha256').update(body).digest('hex');
      if (sha !== digest.replace(/^sha256:/, '')) {
        throw new Unavailable(
          `${url}: sha256 ${sha} differs from the digest ${digest}`,
        );
      }
    }
    const files = await chartFiles(body, name);
    if (files.chartYaml === undefined || files.valuesYaml === undefined) {
      throw new Unavailable(
        `${url} holds no ${name}/Chart.yaml and ${name}/values.yaml`,
      );
    }
    return chartReferenceFromFiles(
      {
        chartYaml: files.chartYaml,
        valuesYaml: files.valuesYaml,
        valuesSchemaJson: files.valuesSchemaJson,
      },
      url,
    );
  }

  /** GET through the mirror, with the time and size limits; any status. */
  private async fetchRaw(
    url: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: Buffer }> {
    const readUrl = this.readUrlOf(url);
    const via = readUrl === url ? '' : ` (read from ${readUrl})`;
    let res: Response;
    try {
      res = await this.fetchFn(readUrl, {
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'follow',
      });
    } catch (e) {
      const cause = (e as Error & { cause?: Error }).cause;
      throw new Unavailable(
        `${url}${via} could not be read: ${
          (e as Error).name === 'TimeoutError'
            ? `no answer within ${this.timeoutMs} ms`
            : cause?.message ?? (e as Error).message
        }`,
      );
    }
    const length = Number(res.headers.get('content-length') ?? '0');
    if (length > this.maxBytes) {
      throw new Unavailable(
        `${url}${via} is ${length} bytes, more than the ${this.maxBytes} read`,
      );
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > this.maxBytes) {
      throw new Unavailable(
        `${url}${via} is more than the ${this.maxBytes} bytes read`,
      );
    }
    return { status: res.status, headers: res.headers, body };
  }

  private async get(url: string): Promise<Buffer> {
    const res = await this.fetchRaw(url, {});
    if (res.status !== 200) {
      const readUrl = this.readUrlOf(url);
      const via = readUrl === url ? '' : ` (read from ${readUrl})`;
      throw new Unavailable(`${url}${via} answered HTTP ${res.status}`);
    }
    return res.body;
  }
}

function unavailable(e: unknown): ChartLookup {
  return {
    status: 'unavailable',
    reason: e instanceof Unavailable ? e.message : String(e),
  };
}

/** The five newest releases, for a message. */
function newest(releases: Array<{ version?: unknown }>): string {
  const versions = releases
    .map(r => String(r.version))
    .filter(v => semver.valid(v) && !semver.prerelease(v))
    .sort(semver.rcompare)
    .slice(0, 5);
  return versions.join(', ') || 'none';
}

/** The newest release matching an exact version or a SemVer range. */
function pickRelease<T extends { version?: unknown }>(
  releases: T[],
  wanted: string,
): T | undefined {
  const exact = releases.find(e => e.version === wanted);
  if (exact) return exact;
  const range = semver.validRange(wanted);
  if (!range) return undefined;
  let best: T | undefined;
  for (const e of releases) {
    const v = String(e.version);
    if (!semver.valid(v) || !semver.satisfies(v, range)) continue;
    if (!best || semver.gt(v, String(best.version))) best = e;
  }
  return best;
}

const WANTED = ['Chart.yaml', 'values.yaml', 'values.schema.json'] as const;

/** The chart's own three files from a chart archive (.tgz). */
async function chartFiles(
  archive: Buffer,
  name: string,
): Promise<{
  chartYaml?: string;
  valuesYaml?: string;
  valuesSchemaJson?: string;
}> {
  const found = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        const file = WANTED.find(w => entry.path === `${name}/${w}`);
        if (!file || entry.type !== 'File') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () =>
          found.set(file, Buffer.concat(chunks).toString('utf8')),
        );
      },
    });
    parser.on('error', (e: Error) =>
      reject(new Unavailable(`not a chart archive: ${e.message}`)),
    );
    parser.on('end', () => resolve());
    parser.end(archive);
  });
  return {
    chartYaml: found.get('Chart.yaml'),
    valuesYaml: found.get('values.yaml'),
    valuesSchemaJson: found.get('values.schema.json'),
  };
}
