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

  async lookup(chart: ChartCoordinates): Promise<ChartLookup> {
    if (chart.repositoryUrl.startsWith('oci://')) {
      return {
        status: 'unavailable',
        reason: `${chart.repositoryUrl}/${chart.name} is an OCI chart, whose values are not read yet`,
      };
    }
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
        const newest = releases
          .map(e => String(e.version))
          .filter(v => semver.valid(v) && !semver.prerelease(v))
          .sort(semver.rcompare)
          .slice(0, 5);
        return {
          status: 'invalid',
          reason: `${indexUrl} has no release of ${chart.name} matching "${
            chart.version
          }" (newest: ${newest.join(', ') || 'none'})`,
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
      const reference = await this.archive(archiveUrl, chart.name, digest);
      return {
        status: 'checked',
        reference,
        version: String(entry.version),
        archiveUrl,
      };
    } catch (e) {
      return {
        status: 'unavailable',
        reason: e instanceof Unavailable ? e.message : String(e),
      };
    }
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

  private archive(
    url: string,
    name: string,
    digest: string | undefined,
  ): Promise<ChartReference> {
    const cached = this.archives.get(url);
    if (cached) return cached;
    const read = this.get(url).then(async body => {
      if (digest) {
        const sha = createHash('sha256').update(body).digest('hex');
        if (sha !== digest.replace(/^sha256:/, '')) {
          throw new Unavailable(
            `${url}: sha256 ${sha} differs from the index's digest ${digest}`,
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
    });
    read.catch(() => this.archives.delete(url));
    this.archives.set(url, read);
    return read;
  }

  private async get(url: string): Promise<Buffer> {
    const readUrl = this.readUrlOf(url);
    const via = readUrl === url ? '' : ` (read from ${readUrl})`;
    let res: Response;
    try {
      res = await this.fetchFn(readUrl, {
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
    if (!res.ok) {
      throw new Unavailable(`${url}${via} answered HTTP ${res.status}`);
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
    return body;
  }
}

/** The newest release matching an exact version or a SemVer range. */
function pickRelease(
  releases: Array<Record<string, unknown>>,
  wanted: string,
): Record<string, unknown> | undefined {
  const exact = releases.find(e => e.version === wanted);
  if (exact) return exact;
  const range = semver.validRange(wanted);
  if (!range) return undefined;
  let best: Record<string, unknown> | undefined;
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
