import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';

/*
 * Why the entity page remembers key names, and why only as a hint.
 *
 * A KV v2 path's metadata takes a LIST for the key names, then one read per
 * key (contracts.md 1.5): two Vault round trips in series when the names are
 * not known before. Two sources name them before the LIST answers:
 *
 * - the entity: "Create a Haven+ service" writes the names of the secrets it
 *   seeds into haven.plus/vault-secret-names, so even a path never listed
 *   costs one round trip;
 * - this cache: the names the path's last LIST found, kept far longer than
 *   an answer, which also covers keys added after Create ("Add a secret to a
 *   Haven+ service" changes the fleet's ExternalSecret, not catalog-info.yaml,
 *   so the annotation never names them).
 *
 * Neither may replace the LIST: taking the names from the entity would hide
 * every secret added after Create, and skipping the LIST on names kept from
 * an earlier view would hide them until that copy expired. So each view
 * still LISTs, the named keys are read at the same time as that LIST, and
 * the LIST alone decides what is shown (readSecretMetadata): a key neither
 * source names is read when the LIST answers (a second round trip, for that
 * view only; the next view finds it here), and a named key the LIST does not
 * find is absent from the answer, which the delivery card shows as missing
 * for the ExternalSecret that still wants it. Being only hints, a wrong
 * annotation or a lost, stale or unreadable entry costs time, never a wrong
 * answer.
 */
/** v1: the sorted names readSecretMetadata returns as `keys`. */
const CACHE_PREFIX = 'entity-telemetry:vault-keys:v1';
/** Kept a week from the path's last LIST: far past an answer's TTL. */
const TTL_MS = 7 * 24 * 60 * 60 * 1000;

const cacheKey = (mount: string, path: string) =>
  `${CACHE_PREFIX}:${mount}:${path}`;

/** The key names each KV path's last LIST found, in the shared cache. */
export class KnownVaultKeys {
  constructor(
    private readonly cache: CacheService,
    private readonly logger: LoggerService,
  ) {}

  /** The names of the path's last LIST; none when unknown or unreadable. */
  async get(mount: string, path: string): Promise<string[]> {
    const stored = await this.cache
      .get<string[]>(cacheKey(mount, path))
      .catch(error => {
        this.logger.warn(`Could not read the Vault key cache: ${error}`);
        return undefined;
      });
    // Checked, not trusted: readSecretMetadata also drops names that are
    // not one valid path segment.
    return Array.isArray(stored)
      ? stored.filter((name): name is string => typeof name === 'string')
      : [];
  }

  /**
   * Keeps the names a LIST of the path found. Not awaited by the view: a
   * slow cache must not hold the answer.
   */
  remember(mount: string, path: string, listed: readonly string[]): void {
    this.cache
      .set(cacheKey(mount, path), [...listed], { ttl: TTL_MS })
      .catch(error =>
        this.logger.warn(`Could not write the Vault key cache: ${error}`),
      );
  }
}
