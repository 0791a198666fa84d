import {
  assertVaultPath,
  assertVaultPathSegment,
} from '@haven-plus/plugin-haven-common';
import {
  vaultErrorFromStatus,
  vaultRedirected,
  vaultUnreachable,
  type VaultCall,
} from './errors';
import {
  backoffMs,
  DEFAULT_RETRY,
  isRetryableStatus,
  type VaultRetryOptions,
} from './retry';
import type {
  KubernetesAuthRole,
  KvMetadata,
  VaultAuthOptions,
  VaultMount,
  VaultTokenInfo,
} from './types';

/** How a {@link VaultClient} reaches Vault. @public */
export interface VaultClientOptions {
  /** e.g. https://vault.example.nl:8200 (no /v1). */
  address: string;
  /** Vault Enterprise / OpenBao namespace, sent as X-Vault-Namespace. */
  namespace?: string;
  /** How the client signs in. */
  auth: VaultAuthOptions;
  /** Per-attempt timeout in ms (default 10000). */
  timeoutMs?: number;
  /** Retries of calls that are safe to repeat (defaults in VaultRetryOptions). */
  retry?: Partial<VaultRetryOptions>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** @internal Test seam: waiting between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** @internal Test seam: the backoff jitter. */
  random?: () => number;
  /** @internal Test seam: the clock. */
  now?: () => number;
}

interface Envelope {
  data?: Record<string, unknown> | null;
  auth?: {
    client_token: string;
    lease_duration: number;
    renewable: boolean;
  } | null;
  warnings?: string[] | null;
  errors?: string[];
}

interface Answer {
  status: number;
  body?: Envelope;
}

interface RequestOptions {
  body?: unknown;
  /** Safe to send twice: reads, upserts. Only these are retried. */
  idempotent: boolean;
  /** Sent without a token (logins). */
  anonymous?: boolean;
  /** Sent with this token instead of the current one (renewal). */
  token?: string;
  /** Retry answers that mean "not applied" (429, 503, ...) though not idempotent. */
  retryRefused?: boolean;
  /** Statuses returned to the caller instead of thrown (404 on reads). */
  accept?: number[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number =>
  typeof v === 'number' ? v : Number(v) || 0;
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/**
 * A typed client for the parts of the Vault (and OpenBao) HTTP API Haven+
 * uses. It never reads secret values back: KV v2 is written with
 * check-and-set and inspected through metadata only.
 * @public
 */
export class VaultClient {
  private readonly address: string;
  private readonly namespace?: string;
  private readonly auth: VaultAuthOptions;
  private readonly timeoutMs: number;
  private readonly retry: VaultRetryOptions;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  private token?: string;
  private tokenExpiresAt = 0;
  private tokenLeaseMs = 0;
  private tokenRenewable = false;
  private pendingLogin?: Promise<string>;

  constructor(options: VaultClientOptions) {
    const address = options.address.replace(/\/+$/, '');
    const url = new URL(address);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new Error(
        `Vault address must be https:// (plain http is accepted only on loopback), got ${url.protocol}//${url.host}`,
      );
    }
    this.address = address;
    this.namespace = options.namespace?.replace(/^\/+|\/+$/g, '') || undefined;
    this.auth = options.auth;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    if (options.auth.method === 'token') this.token = options.auth.token;
  }

  // ---------------------------------------------------------------- token

  /** lookup-self: the token's policies and remaining TTL. */
  async lookupSelf(): Promise<VaultTokenInfo> {
    const { body } = await this.request('GET', 'auth/token/lookup-self', {
      idempotent: true,
    });
    const data = body?.data ?? {};
    return {
      policies: strings(data.policies),
      ttl: num(data.ttl),
      renewable: Boolean(data.renewable),
    };
  }

  /** renew-self: extends the token in use by its increment (or its default). */
  async renewSelf(incrementSeconds?: number): Promise<void> {
    await this.renew(await this.currentToken(), incrementSeconds);
  }

  private async renew(token: string, incrementSeconds?: number): Promise<void> {
    const { body } = await this.request('POST', 'auth/token/renew-self', {
      idempotent: true,
      token,
      body: incrementSeconds ? { increment: `${incrementSeconds}s` } : {},
    });
    if (body?.auth) {
      this.rememberLease(body.auth.lease_duration, body.auth.renewable);
    }
  }

  // --------------------------------------------------------------- mounts

  /** Secrets engines, keyed by path without the trailing slash. */
  async listMounts(): Promise<VaultMount[]> {
    return this.mountsFrom(
      await this.request('GET', 'sys/mounts', { idempotent: true }),
    );
  }

  /** Auth methods, keyed by path without the trailing slash. */
  async listAuthMounts(): Promise<VaultMount[]> {
    return this.mountsFrom(
      await this.request('GET', 'sys/auth', { idempotent: true }),
    );
  }

  private mountsFrom({ body }: Answer): VaultMount[] {
    const data = body?.data ?? {};
    return Object.entries(data).flatMap(([key, raw]) => {
      if (!raw || typeof raw !== 'object') return [];
      const m = raw as Record<string, unknown>;
      const options = (m.options ?? {}) as Record<string, unknown>;
      return [
        {
          path: key.replace(/\/$/, ''),
          type: str(m.type),
          accessor: str(m.accessor),
          version:
            options.version === undefined ? undefined : str(options.version),
        },
      ];
    });
  }

  // ------------------------------------------------------------- policies

  /** The policy text, or undefined when there is no such policy. */
  async readPolicy(name: string): Promise<string | undefined> {
    const answer = await this.request(
      'GET',
      `sys/policies/acl/${this.segment(name)}`,
      {
        idempotent: true,
        accept: [404],
      },
    );
    if (answer.status === 404) return undefined;
    return str(answer.body?.data?.policy);
  }

  /** Creates or replaces a policy (an upsert, so safe to retry). */
  async writePolicy(name: string, policy: string): Promise<void> {
    await this.request('PUT', `sys/policies/acl/${this.segment(name)}`, {
      idempotent: true,
      body: { policy },
    });
  }

  /**
   * `DELETE sys/policies/acl/:name` (contracts.md 1.4: 204). Vault answers
   * 204 for a policy that is not there too; a 404 (a proxy, another
   * version) also means it is gone. Idempotent, so retried like a read.
   * Vault refuses `root` and `default` with 400.
   */
  async deletePolicy(name: string): Promise<void> {
    await this.request('DELETE', `sys/policies/acl/${this.segment(name)}`, {
      idempotent: true,
      accept: [404],
    });
  }

  // ---------------------------------------------------- kubernetes roles

  /** Reads a Kubernetes-auth role; undefined when there is none. */
  async readKubernetesRole(
    mount: string,
    name: string,
  ): Promise<KubernetesAuthRole | undefined> {
    const answer = await this.request(
      'GET',
      `auth/${this.path(mount)}/role/${this.segment(name)}`,
      { idempotent: true, accept: [404] },
    );
    if (answer.status === 404) return undefined;
    const d = answer.body?.data ?? {};
    return {
      boundServiceAccountNames: strings(d.bound_service_account_names),
      boundServiceAccountNamespaces: strings(
        d.bound_service_account_namespaces,
      ),
      audience:
        d.audience === undefined || d.audience === ''
          ? undefined
          : str(d.audience),
      tokenPolicies: strings(d.token_policies),
      tokenTtl: num(d.token_ttl),
      tokenMaxTtl: num(d.token_max_ttl),
    };
  }

  /** Creates or overwrites the whole role (an upsert, so safe to retry). */
  async writeKubernetesRole(
    mount: string,
    name: string,
    role: KubernetesAuthRole,
  ): Promise<void> {
    await this.request(
      'POST',
      `auth/${this.path(mount)}/role/${this.segment(name)}`,
      {
        idempotent: true,
        body: {
          bound_service_account_names: role.boundServiceAccountNames,
          bound_service_account_namespaces: role.boundServiceAccountNamespaces,
          ...(role.audience ? { audience: role.audience } : {}),
          token_policies: role.tokenPolicies,
          token_ttl: role.tokenTtl,
          token_max_ttl: role.tokenMaxTtl,
        },
      },
    );
  }

  /**
   * `DELETE auth/:mount/role/:name` (contracts.md 1.6: 204, also for a role
   * that is not there; 404 taken as gone). Idempotent, so retried.
   */
  async deleteKubernetesRole(mount: string, name: string): Promise<void> {
    await this.request(
      'DELETE',
      `auth/${this.path(mount)}/role/${this.segment(name)}`,
      { idempotent: true, accept: [404] },
    );
  }

  // ------------------------------------------------------------------ KV

  /** Metadata of a KV v2 key, or undefined when the key does not exist. */
  async readKvMetadata(
    mount: string,
    path: string,
  ): Promise<KvMetadata | undefined> {
    const answer = await this.request(
      'GET',
      `${this.path(mount)}/metadata/${this.path(path)}`,
      {
        idempotent: true,
        accept: [404],
      },
    );
    if (answer.status === 404) return undefined;
    const d = answer.body?.data ?? {};
    const versions: KvMetadata['versions'] = {};
    for (const [version, raw] of Object.entries(
      (d.versions ?? {}) as Record<string, unknown>,
    )) {
      const v = (raw ?? {}) as Record<string, unknown>;
      versions[version] = {
        createdTime: str(v.created_time),
        deletionTime: str(v.deletion_time),
        destroyed: Boolean(v.destroyed),
      };
    }
    return {
      currentVersion: num(d.current_version),
      oldestVersion: num(d.oldest_version),
      createdTime: str(d.created_time),
      updatedTime: str(d.updated_time),
      casRequired: Boolean(d.cas_required),
      versions,
    };
  }

  /**
   * `LIST <mount>/metadata/<path>/` (contracts.md 1.5): the names directly
   * under `path` (folders end in `/`), or undefined when Vault has nothing
   * there (404). Sent as `GET …?list=true`, as Vault's own clients do. Needs
   * the `list` capability on the metadata path; never touches values.
   */
  async listKvKeys(mount: string, path: string): Promise<string[] | undefined> {
    const answer = await this.request(
      'GET',
      `${this.path(mount)}/metadata/${this.path(path)}/?list=true`,
      { idempotent: true, accept: [404] },
    );
    if (answer.status === 404) return undefined;
    const keys = answer.body?.data?.keys;
    return Array.isArray(keys)
      ? keys.filter((k): k is string => typeof k === 'string')
      : [];
  }

  /**
   * `DELETE :mount/metadata/:path` (contracts.md 1.5: 204): removes the key
   * with all its versions and its metadata, for good. 204 for a key that is
   * not there too; 404 taken as gone. Idempotent, so retried.
   */
  async deleteKvMetadata(mount: string, path: string): Promise<void> {
    await this.request(
      'DELETE',
      `${this.path(mount)}/metadata/${this.path(path)}`,
      { idempotent: true, accept: [404] },
    );
  }

  /**
   * Writes a new version with check-and-set: `cas: 0` creates only. Retried
   * only on answers that mean it was not applied (429, 503, ...), never after
   * a lost answer; a mismatch throws VaultCasMismatchError. Returns the new
   * version number.
   */
  async writeKv(
    mount: string,
    path: string,
    data: Record<string, string>,
    options: { cas: number },
  ): Promise<number> {
    const { body } = await this.request(
      'POST',
      `${this.path(mount)}/data/${this.path(path)}`,
      {
        idempotent: false,
        body: { data, options: { cas: options.cas } },
      },
    );
    return num(body?.data?.version);
  }

  // ------------------------------------------------------------ plumbing

  /** One validated segment, URL-encoded. */
  private segment(value: string): string {
    return encodeURIComponent(assertVaultPathSegment(value, 'Vault name'));
  }

  /** A validated relative path; each segment URL-encoded (contracts.md 7.2). */
  private path(value: string): string {
    return assertVaultPath(value, 'Vault path')
      .map(encodeURIComponent)
      .join('/');
  }

  private rememberLease(leaseSeconds: number, renewable: boolean) {
    this.tokenLeaseMs = leaseSeconds * 1000;
    this.tokenExpiresAt = leaseSeconds > 0 ? this.now() + this.tokenLeaseMs : 0;
    this.tokenRenewable = renewable;
  }

  /** A token that is valid for at least a third of its lease. */
  private async currentToken(): Promise<string> {
    if (this.auth.method === 'token') return this.auth.token;
    const fresh =
      this.token &&
      (this.tokenExpiresAt === 0 ||
        this.tokenExpiresAt - this.now() > this.tokenLeaseMs / 3);
    if (fresh) return this.token!;
    if (!this.pendingLogin) {
      this.pendingLogin = this.refreshToken().finally(() => {
        this.pendingLogin = undefined;
      });
    }
    return this.pendingLogin;
  }

  private async refreshToken(): Promise<string> {
    if (this.token && this.tokenRenewable && this.tokenExpiresAt > this.now()) {
      try {
        const before = this.tokenLeaseMs;
        await this.renew(this.token);
        // At its max TTL a token renews to ever shorter leases: log in anew.
        if (this.tokenLeaseMs >= before / 2) return this.token;
      } catch {
        // Renewal can fail; a new login follows.
      }
    }
    const auth = this.auth;
    if (auth.method === 'token') return auth.token;
    const mount = this.path(auth.mount ?? auth.method);
    const body =
      auth.method === 'approle'
        ? { role_id: auth.roleId, secret_id: auth.secretId }
        : { role: auth.role, jwt: await auth.jwt() };
    const answer = await this.request('POST', `auth/${mount}/login`, {
      idempotent: true,
      anonymous: true,
      body,
    });
    const login = answer.body?.auth;
    if (!login?.client_token) {
      throw vaultErrorFromStatus(
        { method: 'POST', path: `auth/${mount}/login` },
        answer.status,
        ['no token in the login answer'],
        1,
      );
    }
    this.token = login.client_token;
    this.rememberLease(login.lease_duration, login.renewable);
    return this.token;
  }

  private async request(
    method: string,
    apiPath: string,
    options: RequestOptions,
  ): Promise<Answer> {
    const call: VaultCall = { method, path: apiPath };
    const started = this.now();
    // Status-only retries (the request was refused, so not applied) are safe
    // for create-only writes too; connection errors are not.
    const statusAttempts =
      options.idempotent || options.retryRefused ? this.retry.maxAttempts : 1;
    const networkAttempts = options.idempotent ? this.retry.maxAttempts : 1;
    let reloggedIn = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (!options.anonymous) {
        headers['x-vault-token'] = options.token ?? (await this.currentToken());
      }
      if (this.namespace) headers['x-vault-namespace'] = this.namespace;
      if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
      }

      let response: Response;
      let text: string;
      const signal = AbortSignal.timeout(this.timeoutMs);
      try {
        response = await this.fetchFn(`${this.address}/v1/${apiPath}`, {
          method,
          headers,
          body:
            options.body === undefined
              ? undefined
              : JSON.stringify(options.body),
          signal,
          // Never follow a redirect: it would carry the token and the body
          // (which may hold a secret) to wherever the redirect points.
          redirect: 'manual',
        });
        text = await response.text();
      } catch {
        if (
          attempt < networkAttempts &&
          (await this.waitBeforeRetry(attempt, started))
        ) {
          continue;
        }
        throw vaultUnreachable(
          call,
          signal.aborted,
          attempt,
          method !== 'GET' && !options.idempotent,
        );
      }

      if (response.status >= 300 && response.status < 400) {
        throw vaultRedirected(call, response.status);
      }
      let body: Envelope | undefined;
      try {
        body = text ? (JSON.parse(text) as Envelope) : undefined;
      } catch {
        body = undefined; // a proxy's HTML error page: only the status is used
      }
      if (response.ok || options.accept?.includes(response.status)) {
        return { status: response.status, body };
      }
      const errors = strings(body?.errors);
      // A login token revoked or expired early: log in again, once.
      if (
        response.status === 403 &&
        !options.anonymous &&
        !options.token &&
        this.auth.method !== 'token' &&
        !reloggedIn
      ) {
        reloggedIn = true;
        this.token = undefined;
        continue;
      }
      if (
        isRetryableStatus(response.status, errors) &&
        attempt < statusAttempts &&
        (await this.waitBeforeRetry(
          attempt,
          started,
          response.headers.get('retry-after'),
        ))
      ) {
        continue;
      }
      throw vaultErrorFromStatus(call, response.status, errors, attempt);
    }
  }

  /** Waits for the next attempt; false when that would pass the deadline. */
  private async waitBeforeRetry(
    attempt: number,
    started: number,
    retryAfter?: string | null,
  ) {
    const wait = backoffMs(attempt, this.retry, this.random, retryAfter);
    if (this.now() + wait - started > this.retry.deadlineMs) return false;
    await this.sleep(wait);
    return true;
  }
}
