import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';

/*
 * Why the entity page remembers key names, and why only as a hint.
 *
 * A KV v2 path's metadata takes a LIST for the key names, then one read per
 * key (contracts.md 1.5): two Vault round trips in series when the names are
 * not known before. The catalog does not name them: "Create a Haven+
 * service" annotates only vault.io/secrets-engine and vault.io/secrets-path,
 * and "Add a secret to a Haven+ service" changes the fleet's ExternalSecret,
 * not catalog-info.yaml. Taking the names from the entity would therefore
 * hide every secret added after Create, and skipping the LIST on names kept
 * from an earlier view would hide them until that copy expired.
 *
 * So each view still LISTs, and the names its last LIST of the path found
 * (kept here, far longer than an answer) are read at the same time as that
 * LIST: once a path has been listed, a view costs one round trip in series
 * while its keys stay the same. The LIST alone decides what is shown
 * (readSecretMetadata): a key added since is read when the LIST answers (a
 * second round trip, for that view only), and a deleted key is absent from
 * the answer, which the delivery card shows as missing for the
 * ExternalSecret that still wants it. Being only a hint, a lost, stale or
 * unreadable entry costs time, never a wrong answer.
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
