import type { Config } from '@backstage/config';
import { tenantIdProblems } from '@haven-plus/plugin-haven-common';

/** One telemetry backend (Loki or Tempo) as `haven.loki` / `haven.tempo` give it. */
export interface TelemetryUpstreamConfig {
  /** Base URL without a trailing slash or credentials (messages show it). */
  url: string;
  tenant?: string;
  token?: string;
}

/** What the entity-page endpoint reads from config, checked once at start-up. */
export interface EntityPageConfig {
  loki?: TelemetryUpstreamConfig;
  tempo?: TelemetryUpstreamConfig;
  cacheTtlSeconds: number;
  timeoutMs: number;
}

export const DEFAULT_CACHE_TTL_SECONDS = 30;
export const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Why `tenant` cannot be sent as X-Scope-OrgID, or undefined when it can
 * (the tenant ID rule is haven-common's tenantIdProblems).
 */
export function tenantProblem(tenant: string): string | undefined {
  if (tenantIdProblems(tenant).length > 0) {
    return `must be 1 to 150 letters, digits or ! - _ . * ' ( ) (one tenant, no '|')`;
  }
  return undefined;
}

function readUpstream(
  root: Config,
  key: 'loki' | 'tempo',
): TelemetryUpstreamConfig | undefined {
  const config = root.getOptionalConfig(`haven.${key}`);
  if (!config) return undefined;
  const raw = config.getString('url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`haven.${key}.url "${raw}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`haven.${key}.url must use http or https`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error(
      `haven.${key}.url must not carry credentials, a query or a fragment; put a token in haven.${key}.token`,
    );
  }
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  const tenant = config.getOptionalString('tenant');
  const problem = tenant === undefined ? undefined : tenantProblem(tenant);
  if (problem) throw new Error(`haven.${key}.tenant ${problem}`);
  return {
    url: base,
    tenant,
    token: config.getOptionalString('token'),
  };
}

/** Reads `haven.loki`, `haven.tempo` and `haven.entityPage`; throws on a value that cannot work. */
export function readEntityPageConfig(root: Config): EntityPageConfig {
  const page = root.getOptionalConfig('haven.entityPage');
  const cacheTtlSeconds =
    page?.getOptionalNumber('cacheTtlSeconds') ?? DEFAULT_CACHE_TTL_SECONDS;
  if (!Number.isFinite(cacheTtlSeconds) || cacheTtlSeconds < 0) {
    throw new Error(
      'haven.entityPage.cacheTtlSeconds must be a number of seconds, 0 or more',
    );
  }
  const timeoutMs = page?.getOptionalNumber('timeoutMs') ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
    throw new Error(
      'haven.entityPage.timeoutMs must be a whole number of milliseconds from 1 to 60000',
    );
  }
  return {
    loki: readUpstream(root, 'loki'),
    tempo: readUpstream(root, 'tempo'),
    cacheTtlSeconds,
    timeoutMs,
  };
}

/** `haven.followThrough` limits: [default, min, max]. */
const FOLLOW_LIMITS = {
  pollSeconds: [30, 1, 3600],
  timeoutMinutes: [30, 1, 1440],
  openDays: [14, 1, 365],
  batchSize: [25, 1, 500],
} as const;

/** Reads `haven.followThrough`; throws on a value out of range. */
export function readFollowThroughConfig(root: Config): {
  enabled: boolean;
  pollSeconds: number;
  timeoutMinutes: number;
  openDays: number;
  batchSize: number;
} {
  const config = root.getOptionalConfig('haven.followThrough');
  const read = (key: keyof typeof FOLLOW_LIMITS): number => {
    const [fallback, min, max] = FOLLOW_LIMITS[key];
    const value = config?.getOptionalNumber(key) ?? fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(
        `haven.followThrough.${key} must be a whole number from ${min} to ${max}`,
      );
    }
    return value;
  };
  return {
    enabled: config?.getOptionalBoolean('enabled') ?? true,
    pollSeconds: read('pollSeconds'),
    timeoutMinutes: read('timeoutMinutes'),
    openDays: read('openDays'),
    batchSize: read('batchSize'),
  };
}
