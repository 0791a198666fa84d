import type { VaultReply } from './envelope';
import type { NamespaceState, TokenEntry } from './model';
import type { Identity } from './policy';

/** Vault's logical operations (contracts.md 1.1: PUT/POST are decided create or update by an existence check). */
export type Operation =
  | 'read'
  | 'list'
  | 'create'
  | 'update'
  | 'delete'
  | 'patch';

export interface RouteRequest {
  ns: NamespaceState;
  /** namespace-relative logical path; LIST paths end in `/` */
  path: string;
  op: Operation;
  body: Record<string, unknown>;
  query: URLSearchParams;
  token?: TokenEntry;
}

export interface Route {
  /** `mount_type` of the answers */
  mountType: string;
  /** KV v2 paths: ACL parameter constraints do not apply (Vault's policies docs) */
  kvV2?: boolean;
  /** needs `sudo` besides the operation's capability (contracts.md 1.3, 7.4) */
  rootProtected?: boolean;
  /** login and health: no token needed (contracts.md 1.6 "No token is needed") */
  unauthenticated?: boolean;
  /** the path's existence check; without one a write is an `update` (contracts.md 1.1) */
  exists?: () => boolean;
  handle(request: RouteRequest): VaultReply;
}

export interface KubernetesLoginSpec {
  /** the service-account JWT string the double accepts */
  jwt: string;
  serviceAccountName: string;
  serviceAccountNamespace: string;
  serviceAccountUid?: string;
  /** `aud` claims of the JWT; a role's `audience` must be one of them */
  audiences?: string[];
  /** labels of the service account's namespace, for `bound_service_account_namespace_selector` */
  namespaceLabels?: Record<string, string>;
}

export interface IssueTokenSpec {
  policies: string[];
  namespace: string;
  ttlSeconds: number;
  renewable: boolean;
  identity?: Identity;
  metadata: Record<string, string> | null;
  displayName: string;
  path: string;
}

/** What routes need from the double. */
export interface Core {
  now(): Date;
  markWrite(): void;
  issueToken(spec: IssueTokenSpec): TokenEntry;
  renewToken(token: TokenEntry, incrementSeconds?: number): void;
  /** the stable entity of an auth-mount alias, created on first login */
  identityFor(
    mountAccessor: string,
    aliasName: string,
    metadata: Record<string, string>,
  ): Identity;
  kubernetesLogins: KubernetesLoginSpec[];
}

/** Vault's default token TTL when nothing sets one: 768h (system max lease TTL). */
export const DEFAULT_TOKEN_TTL = 2764800;

/** Token policies as Vault reports them: trimmed, lower-cased, de-duplicated, sorted. */
export function sanitizePolicies(policies: string[]): string[] {
  return [
    ...new Set(policies.map(p => p.trim().toLowerCase()).filter(Boolean)),
  ].sort();
}

/** contracts.md 1.6: lists accept a JSON array or a comma-separated string. */
export function parseStringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    return value.map(v => String(v).trim()).filter(v => v.length > 0);
  }
  return String(value)
    .split(',')
    .map(v => v.trim())
    .filter(v => v.length > 0);
}

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

export class InvalidInput extends Error {}

/** contracts.md 1.6: TTLs accept seconds or a duration string (`1h`, `90m`, `3600`). */
export function parseDurationSeconds(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return Math.floor(value);
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^-?\d+$/.test(text)) return Number(text);
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)];
    if (parts.length > 0 && parts.map(p => p[0]).join('') === text) {
      return Math.floor(
        parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_SECONDS[p[2]], 0),
      );
    }
  }
  throw new InvalidInput(
    `error converting input ${JSON.stringify(value)} for field "${field}"`,
  );
}

/** strconv.ParseBool, which Vault uses for `?list=`. */
export function parseBool(value: string | null): boolean {
  return (
    value !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)
  );
}

/**
 * go-secure-stdlib `StrListContainsGlob`: a `*` at the start and/or the end of
 * an entry is a glob (contracts.md 1.6: bound names and namespaces match with globs).
 */
export function globListContains(patterns: string[], value: string): boolean {
  return patterns.some(pattern => {
    if (pattern === '*') return true;
    const starts = pattern.startsWith('*');
    const ends = pattern.endsWith('*') && pattern.length > 1;
    const core = pattern.slice(starts ? 1 : 0, ends ? -1 : undefined);
    if (starts && ends) return value.includes(core);
    if (starts) return value.endsWith(core);
    if (ends) return value.startsWith(core);
    return pattern === value;
  });
}

export function isPlainObject(
  value: unknown,
): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
