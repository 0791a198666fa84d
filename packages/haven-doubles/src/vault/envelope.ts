import { randomBytes, randomUUID } from 'node:crypto';
import type { Json, JsonObject } from '../http/json';

export type { Json, JsonObject } from '../http/json';

/**
 * What a route answers before it becomes an HTTP response: a status and a
 * JSON body, or no body (204).
 */
export interface VaultReply {
  status: number;
  body?: Json;
}

/** The `auth` block of a login or renew answer (contracts.md 1.1 `HTTPAuth`). */
export interface HttpAuth {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: string;
  orphan: boolean;
  mfa_requirement: null;
  num_uses: number;
}

/**
 * contracts.md 1.1: every logical success body has exactly these keys
 * (request_id, lease_id, renewable, lease_duration, data, wrap_info,
 * warnings, auth, mount_type).
 */
export function envelope(
  data: Json,
  options: {
    mountType: string;
    warnings?: string[] | null;
    auth?: HttpAuth | null;
  },
): JsonObject {
  return {
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data,
    wrap_info: null,
    warnings: options.warnings ?? null,
    auth: (options.auth ?? null) as Json,
    mount_type: options.mountType,
  };
}

/** 200 with the envelope around `data`. */
export function ok(
  data: Json,
  mountType: string,
  warnings?: string[],
): VaultReply {
  return { status: 200, body: envelope(data, { mountType, warnings }) };
}

/**
 * contracts.md 1.1 (`injectDataIntoTopRoutes`): for /v1/sys/mounts[/…] and
 * /v1/sys/auth[/…] `data` is also copied to the top level of the body. It is
 * not done for /v1/sys/policies/acl/….
 */
export function okWithTopLevelCopy(
  data: JsonObject,
  mountType: string,
): VaultReply {
  const body = envelope(data, { mountType });
  return { status: 200, body: { ...data, ...body } };
}

/** contracts.md 1.1: with no response object Vault answers 204, empty body. */
export function noContent(): VaultReply {
  return { status: 204 };
}

/** contracts.md 1.1: `{"errors":[...]}` for any status >= 400. */
export function errors(status: number, ...messages: string[]): VaultReply {
  return { status, body: { errors: messages } };
}

/**
 * Errors that reach the HTTP layer as Go errors (not logical error
 * responses) pass through go-multierror in core request handling; this is
 * their text. contracts.md 1.1 shows it for permission denied, 1.8 for
 * `relative paths not supported` from plugin backends.
 */
export function multierror(message: string): string {
  return `1 error occurred:\n\t* ${message}\n\n`;
}

/** contracts.md 1.1: `{"errors":["1 error occurred:\n\t* permission denied\n\n"]}`, 403. */
export function permissionDenied(): VaultReply {
  return errors(403, multierror('permission denied'));
}

/**
 * An unknown, revoked or expired token: `permission denied` and `invalid
 * token` together (Vault 1.17+, hashicorp/vault#25953; contracts.md shows
 * only the policy-denied body). go-multierror's text for two errors.
 */
export function invalidToken(): VaultReply {
  return errors(
    403,
    '2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n',
  );
}

/** contracts.md 1.1: read with no response, or a list with no keys: 404 `{"errors":[]}`. */
export function notFound(): VaultReply {
  return errors(404);
}

/** contracts.md 1.1 table: `ErrUnsupportedPath` -> 404 (1.6: bad role name -> 404 `unsupported path`). */
export function unsupportedPath(): VaultReply {
  return errors(404, multierror('unsupported path'));
}

/** contracts.md 1.1 table: `ErrUnsupportedOperation` -> 405. */
export function unsupportedOperation(): VaultReply {
  return errors(405, multierror('unsupported operation'));
}

/** contracts.md 1.8: `..` inside a storage key -> 400, multierror-wrapped for plugin backends. */
export function relativePath(): VaultReply {
  return errors(400, multierror('relative paths not supported'));
}

/**
 * Go's time.RFC3339Nano: UTC, fractional seconds with trailing zeros removed
 * (contracts.md 1.5 shows `2026-08-22T10:00:00.123456789Z` and `…10:00:00Z`).
 */
export function goTime(date: Date): string {
  const iso = date.toISOString(); // 2026-08-22T10:00:00.120Z
  const [whole, fraction] = iso.slice(0, -1).split('.');
  const trimmed = (fraction ?? '').replace(/0+$/, '');
  return `${whole}${trimmed ? `.${trimmed}` : ''}Z`;
}

/** A UUID in Vault's usual form. */
export function uuid(): string {
  return randomUUID();
}

/** `<prefix>_<8 hex>`, the shape of mount accessors (`auth_kubernetes_xxxx`, contracts.md 1.3). */
export function accessorFor(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** A service token in the `hvs.` form (contracts.md 1.6 login sample). */
export function newServiceToken(): string {
  return `hvs.${randomBytes(18).toString('base64url')}`;
}
