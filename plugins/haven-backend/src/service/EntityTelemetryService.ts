import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  ANNOTATION_OTEL_SERVICE_NAME,
  ANNOTATION_TELEMETRY_TENANT,
  ANNOTATION_VAULT_SECRETS_ENGINE,
  ANNOTATION_VAULT_SECRETS_PATH,
  telemetryFromEntity,
  TELEMETRY_WINDOWS,
  vaultPathProblems,
  vaultSecretNamesFromEntity,
  vaultSecretsFromEntity,
  type EntityTelemetry,
  type LogsSection,
  type TelemetryIdentity,
  type TelemetrySectionProblem,
  type TelemetryWindow,
  type TracesSection,
  type VaultSecretMetadata,
  type VaultSection,
} from '@haven-plus/plugin-haven-common';
import type { HavenVaultConfig } from '@haven-plus/plugin-haven-node';
import {
  tenantProblem,
  type EntityPageConfig,
  type TelemetryUpstreamConfig,
} from '../config';
import { KnownVaultKeys } from './knownVaultKeys';
import { readLogs } from './loki';
import { readTraces } from './tempo';
import { UpstreamError } from './upstream';
import {
  kvMountFor,
  readSecretMetadata,
  type VaultMetadataClient,
} from './vault';
import { timeRange, type TimeRange } from './windows';

/** Vault as the entity page uses it: config, metadata reads and LIST. */
export interface EntityPageVault {
  config: HavenVaultConfig;
  client: VaultMetadataClient;
  list: (mount: string, path: string) => Promise<string[] | undefined>;
}

export interface EntityTelemetryServiceOptions {
  config: EntityPageConfig;
  /** Undefined when `haven.vault` is not configured. */
  vault?: EntityPageVault;
  cache: CacheService;
  logger: LoggerService;
  now?: () => number;
}

/** v2: one Loki and one Tempo query per answer, and no log lines in it. */
const CACHE_PREFIX = 'entity-telemetry:v2';
/** At most this many answers are kept in this replica's memory. */
const RECENT_ANSWERS = 500;

const problem = (
  status: TelemetrySectionProblem['status'],
  message: string,
): TelemetrySectionProblem => ({ status, message });

/** The first sentence of a message (haven-node's Vault errors end in task advice). */
const firstSentence = (message: string) => message.split(/\.\s/)[0];

/**
 * Builds an entity's telemetry answer: Vault metadata, Loki and Tempo
 * summaries in parallel, each section with its own deadline and its own
 * error. The caller must have checked access to the entity first: this
 * service trusts the entity it is given and shares answers between callers
 * through the cache.
 */
export class EntityTelemetryService {
  private readonly config: EntityPageConfig;
  private readonly vault?: EntityPageVault;
  private readonly cache: CacheService;
  private readonly logger: LoggerService;
  private readonly now: () => number;
  private readonly knownKeys: KnownVaultKeys;
  /** Views being built, so simultaneous views share one set of upstream calls. */
  private readonly inFlight = new Map<string, Promise<EntityTelemetry>>();
  /** Recent answers of this replica (see recentAnswer). */
  private readonly recent = new Map<
    string,
    { answer: EntityTelemetry; expiresAt: number }
  >();

  constructor(options: EntityTelemetryServiceOptions) {
    this.config = options.config;
    this.vault = options.vault;
    this.cache = options.cache;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.knownKeys = new KnownVaultKeys(options.cache, options.logger);
  }

  /**
   * The cached answer for the entity and window, or a fresh one (then
   * cached). Views asked for while one is being built share it, so one
   * entity and window costs one Loki and one Tempo request per cache window
   * however many ask at once.
   */
  async get(entity: Entity, window: TelemetryWindow): Promise<EntityTelemetry> {
    const entityRef = stringifyEntityRef(entity);
    const key = `${CACHE_PREFIX}:${entityRef}:${window}`;
    const building = this.inFlight.get(key);
    if (building) return building;
    const recent = this.recentAnswer(key);
    if (recent) return recent;
    const cached = await this.cache.get<EntityTelemetry>(key).catch(error => {
      this.logger.warn(`Could not read the telemetry cache: ${error}`);
      return undefined;
    });
    if (cached) {
      this.remember(key, cached);
      return cached;
    }
    // Another view may have started building while the cache was read.
    return (
      this.inFlight.get(key) ?? this.startBuild(key, entity, entityRef, window)
    );
  }

  /**
   * Drops the entity's cached answers (every window), e.g. after Sync now,
   * so the next view reads Vault again and shows a rotated version at once.
   * Another replica's own copy of an answer still lives out its cache TTL.
   */
  async forget(entity: Entity): Promise<void> {
    const entityRef = stringifyEntityRef(entity);
    await Promise.all(
      TELEMETRY_WINDOWS.map(async window => {
        const key = `${CACHE_PREFIX}:${entityRef}:${window}`;
        this.recent.delete(key);
        await this.cache.delete(key).catch(error => {
          this.logger.warn(`Could not clear the telemetry cache: ${error}`);
        });
      }),
    );
  }

  /**
   * This replica's copy of a shared-cache answer, so a hit does not decode
   * the stored answer again. It expires with the shared entry: an answer is
   * stored for cacheTtlSeconds from its generatedAt.
   */
  private recentAnswer(key: string): EntityTelemetry | undefined {
    const entry = this.recent.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.recent.delete(key);
      return undefined;
    }
    return entry.answer;
  }

  private remember(key: string, answer: EntityTelemetry) {
    const ttlMs = this.config.cacheTtlSeconds * 1000;
    const expiresAt = Date.parse(answer.generatedAt) + ttlMs;
    if (ttlMs <= 0 || !(expiresAt > this.now())) return;
    // A Map iterates in insertion order: drop the oldest beyond the bound.
    this.recent.delete(key);
    this.recent.set(key, { answer, expiresAt });
    if (this.recent.size > RECENT_ANSWERS) {
      this.recent.delete(this.recent.keys().next().value!);
    }
  }

  private startBuild(
    key: string,
    entity: Entity,
    entityRef: string,
    window: TelemetryWindow,
  ): Promise<EntityTelemetry> {
    const building = this.build(entity, entityRef, window)
      .then(async answer => {
        // Answers with a failed section are cached too: the TTL is what
        // bounds the load on an upstream that is struggling.
        if (this.config.cacheTtlSeconds > 0) {
          this.remember(key, answer);
          await this.cache
            .set(key, answer, { ttl: this.config.cacheTtlSeconds * 1000 })
            .catch(error =>
              this.logger.warn(`Could not write the telemetry cache: ${error}`),
            );
        }
        return answer;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, building);
    return building;
  }

  private async build(
    entity: Entity,
    entityRef: string,
    window: TelemetryWindow,
  ): Promise<EntityTelemetry> {
    const generatedAt = new Date(this.now());
    const range = timeRange(window, generatedAt.getTime());
    const identity = telemetryFromEntity(entity);
    const [vault, logs, traces] = await Promise.all([
      this.vaultSection(entity),
      this.logsSection(identity, range),
      this.tracesSection(identity, range),
    ]);
    for (const [name, section] of [
      ['vault', vault],
      ['logs', logs],
      ['traces', traces],
    ] as const) {
      if (section.status === 'error') {
        this.logger.warn(`${entityRef} ${name}: ${section.message}`);
      }
    }
    return {
      entityRef,
      window,
      generatedAt: generatedAt.toISOString(),
      vault,
      logs,
      traces,
    };
  }

  // ---------------------------------------------------------------- Vault

  private async vaultSection(entity: Entity): Promise<VaultSection> {
    const kv = vaultSecretsFromEntity(entity);
    if (!kv) {
      return problem(
        'not-configured',
        `The entity has no ${ANNOTATION_VAULT_SECRETS_PATH} annotation; add it with the KV v2 path of its secrets, e.g. apps/<namespace>/<app>.`,
      );
    }
    if (!this.vault) {
      return problem(
        'not-configured',
        'haven.vault is not set in app-config, so Backstage has no Vault to read metadata from.',
      );
    }
    const { config } = this.vault;
    const mount = kvMountFor(kv.engine, config);
    if (!mount) {
      return problem(
        'not-configured',
        `The entity has no ${ANNOTATION_VAULT_SECRETS_ENGINE} annotation and haven.vault.environments name more than one KV mount; add the annotation with the entity's KV v2 mount.`,
      );
    }
    const invalid = [
      ...vaultPathProblems(mount).map(
        p => `${ANNOTATION_VAULT_SECRETS_ENGINE} ${p}`,
      ),
      ...vaultPathProblems(kv.path).map(
        p => `${ANNOTATION_VAULT_SECRETS_PATH} ${p}`,
      ),
    ];
    if (invalid.length > 0) {
      return problem(
        'error',
        `The entity's Vault annotations are not a valid Vault path: ${invalid.join(
          '; ',
        )}. Fix them in its catalog-info.yaml.`,
      );
    }
    const where = `${mount}/metadata/${kv.path}`;
    try {
      const secrets = await this.withDeadline(
        this.readSecrets(
          this.vault,
          mount,
          kv.path,
          vaultSecretNamesFromEntity(entity),
        ),
        `Vault at ${config.address}`,
      );
      return { status: 'ok', mount, path: kv.path, secrets };
    } catch (error) {
      if (error instanceof UpstreamError)
        return problem('error', error.message);
      if (isError(error) && error.name === 'NotAllowedError') {
        return problem(
          'error',
          `Vault at ${config.address} refused Backstage's token on ${where}: the token needs "list" and "read" on ${mount}/metadata/${kv.path}/* (see "Vault policy for Backstage" in the README).`,
        );
      }
      const said = isError(error) ? firstSentence(error.message) : 'failed';
      return problem(
        'error',
        `Vault at ${config.address} could not list the metadata under ${where}: ${said}. Check that Vault is unsealed and reachable, then reload.`,
      );
    }
  }

  /**
   * The path's secrets, their reads started with the LIST for the keys the
   * entity declares and the keys the path held last time (knownVaultKeys.ts
   * says why both are only a hint): one Vault round trip in series, even for
   * a path never listed, unless the LIST finds a key neither names.
   */
  private async readSecrets(
    vault: EntityPageVault,
    mount: string,
    path: string,
    declared: readonly string[],
  ): Promise<VaultSecretMetadata[]> {
    const known = await this.knownKeys.get(mount, path);
    const expected = [...new Set([...declared, ...known])];
    const { secrets, keys } = await readSecretMetadata({
      list: vault.list,
      client: vault.client,
      mount,
      path,
      expected,
    });
    this.knownKeys.remember(mount, path, keys);
    return secrets;
  }

  /** Rejects with an UpstreamError when `work` takes longer than the timeout. */
  private withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
    const { timeoutMs } = this.config;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new UpstreamError(`${what} did not answer within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      timer.unref?.();
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  // ------------------------------------------------------------ Loki, Tempo

  /** Why the entity's telemetry cannot be read from `upstream`, or its tenant. */
  private telemetryTarget(
    identity: TelemetryIdentity | undefined,
    upstream: TelemetryUpstreamConfig | undefined,
    key: 'loki' | 'tempo',
  ):
    | TelemetrySectionProblem
    | {
        identity: TelemetryIdentity;
        upstream: TelemetryUpstreamConfig;
        tenant?: string;
      } {
    if (!identity) {
      return problem(
        'not-configured',
        `The entity has no ${ANNOTATION_OTEL_SERVICE_NAME} annotation (nor backstage.io/kubernetes-id to default it from); add it with the OpenTelemetry service.name the app reports.`,
      );
    }
    if (!upstream) {
      return problem(
        'not-configured',
        `haven.${key}.url is not set in app-config, so Backstage has no ${
          key === 'loki' ? 'Loki' : 'Tempo'
        } to ask.`,
      );
    }
    if (identity.tenant !== undefined) {
      const wrong = tenantProblem(identity.tenant);
      if (wrong) {
        return problem(
          'error',
          `The entity's ${ANNOTATION_TELEMETRY_TENANT} annotation ${wrong}. Fix it in its catalog-info.yaml.`,
        );
      }
    }
    return { identity, upstream, tenant: identity.tenant ?? upstream.tenant };
  }

  private async logsSection(
    identity: TelemetryIdentity | undefined,
    range: TimeRange,
  ): Promise<LogsSection> {
    const target = this.telemetryTarget(identity, this.config.loki, 'loki');
    if ('status' in target) return target;
    return this.upstreamSection('Loki', () =>
      readLogs({
        ...target,
        range,
        signal: AbortSignal.timeout(this.config.timeoutMs),
        timeoutMs: this.config.timeoutMs,
      }),
    );
  }

  private async tracesSection(
    identity: TelemetryIdentity | undefined,
    range: TimeRange,
  ): Promise<TracesSection> {
    const target = this.telemetryTarget(identity, this.config.tempo, 'tempo');
    if ('status' in target) return target;
    return this.upstreamSection('Tempo', () =>
      readTraces({
        ...target,
        range,
        signal: AbortSignal.timeout(this.config.timeoutMs),
        timeoutMs: this.config.timeoutMs,
      }),
    );
  }

  private async upstreamSection<T>(
    service: 'Loki' | 'Tempo',
    run: () => Promise<T>,
  ): Promise<T | TelemetrySectionProblem> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof UpstreamError)
        return problem('error', error.message);
      if (isError(error) && error.name === 'InputError') {
        // The query builders refuse what the annotations hold.
        return problem(
          'error',
          `The entity's telemetry annotations cannot be turned into a ${service} query: ${error.message}. Fix them in its catalog-info.yaml.`,
        );
      }
      // A bug here must not blank the other sections either.
      this.logger.error(
        `Reading ${service} for the entity page failed unexpectedly`,
        isError(error) ? error : undefined,
      );
      return problem(
        'error',
        `The haven backend failed while reading ${service}; its logs say why.`,
      );
    }
  }
}
