import { InputError } from '@backstage/errors';

/*
 * Input rules shared by the Create forms, the scaffolder actions and the
 * backend. Each rule is an allow-list: a value is accepted only when every
 * character is one the target system treats as plain data, so nothing can end
 * a Vault path or policy string early, widen a glob, traverse a path or open a
 * template (shared/reference/contracts.md 7.1, 7.2).
 *
 * `...Problems(value)` returns what is wrong, in words a form can show (empty
 * when the value is fine); `assert...(value, field)` throws InputError.
 */

/** Kubernetes DNS-1123 label: namespaces, service accounts, app names. @public */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** One Vault path segment: letters, digits, `-`, `_` and single inner dots. @public */
export const VAULT_PATH_SEGMENT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

const VAULT_SEGMENT_MAX = 128;
const VAULT_PATH_MAX_SEGMENTS = 16;

/** Shows a rejected value safely inside a message: quoted, escaped, shortened. */
function show(value: string): string {
  const shown = JSON.stringify(
    value.length > 40 ? `${value.slice(0, 40)}…` : value,
  );
  return shown;
}

/** What is wrong with a DNS-1123 label, if anything. @public */
export function dnsLabelProblems(value: string): string[] {
  if (value.length === 0) return ['must not be empty'];
  if (value.length > 63)
    return [`must be at most 63 characters (has ${value.length})`];
  if (!DNS_1123_LABEL.test(value)) {
    return [
      `${show(
        value,
      )} must consist of lower-case letters, digits and '-', and start and end with a letter or digit`,
    ];
  }
  return [];
}

/** What is wrong with one Vault path segment, if anything. @public */
export function vaultPathSegmentProblems(segment: string): string[] {
  if (segment.length === 0)
    return ['must not be empty (no leading, trailing or double slashes)'];
  if (segment.length > VAULT_SEGMENT_MAX) {
    return [
      `segment must be at most ${VAULT_SEGMENT_MAX} characters (has ${segment.length})`,
    ];
  }
  if (segment.includes('..')) return [`${show(segment)} must not contain '..'`];
  if (VAULT_PATH_SEGMENT.test(segment)) return [];
  if (/[*+]/.test(segment))
    return [`${show(segment)} must not contain the glob characters '*' or '+'`];
  if (segment.includes('{') || segment.includes('}')) {
    return [`${show(segment)} must not contain '{' or '}' (policy templates)`];
  }
  if (segment.startsWith('.') || segment.endsWith('.')) {
    return [`${show(segment)} must not start or end with '.'`];
  }
  return [
    `${show(
      segment,
    )} may contain only letters, digits, '-', '_' and single dots between them (no quotes, backslashes, spaces or newlines)`,
  ];
}

/**
 * What is wrong with a relative Vault path such as `apps/orders`, if anything:
 * no leading, trailing or double slash, and every segment valid.
 * @public
 */
export function vaultPathProblems(path: string): string[] {
  if (path.length === 0) return ['must not be empty'];
  if (path.startsWith('/')) return [`${show(path)} must not start with '/'`];
  if (path.endsWith('/')) return [`${show(path)} must not end with '/'`];
  const segments = path.split('/');
  if (segments.length > VAULT_PATH_MAX_SEGMENTS) {
    return [`must have at most ${VAULT_PATH_MAX_SEGMENTS} segments`];
  }
  return segments.flatMap(vaultPathSegmentProblems);
}

function assertNoProblems(problems: string[], field: string): void {
  if (problems.length > 0) {
    throw new InputError(`Invalid ${field}: ${problems.join('; ')}`);
  }
}

/** Throws InputError unless `value` is a DNS-1123 label. @public */
export function assertDnsLabel(value: string, field: string): string {
  assertNoProblems(dnsLabelProblems(value), field);
  return value;
}

/** Throws InputError unless `value` is a valid Vault path segment. @public */
export function assertVaultPathSegment(value: string, field: string): string {
  assertNoProblems(vaultPathSegmentProblems(value), field);
  return value;
}

/** Throws InputError unless `value` is a valid relative Vault path; returns its segments. @public */
export function assertVaultPath(value: string, field: string): string[] {
  assertNoProblems(vaultPathProblems(value), field);
  return value.split('/');
}

/*
 * Rules for the GitOps form: hostnames, chart references, environment
 * variable names, durations and fleet-repo paths. The same allow-list idea:
 * a value is accepted only when it cannot change the shape of the YAML or the
 * path it lands in.
 */

/** Kubernetes DNS-1123 subdomain (object names, hostnames). @public */
export const DNS_1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What is wrong with a DNS-1123 subdomain, if anything. @public */
export function dnsSubdomainProblems(value: string): string[] {
  if (value.length === 0) return ['must not be empty'];
  if (value.length > 253)
    return [`must be at most 253 characters (has ${value.length})`];
  if (!DNS_1123_SUBDOMAIN.test(value)) {
    return [
      `${show(
        value,
      )} must be lower-case letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit`,
    ];
  }
  if (value.split('.').some(label => label.length > 63)) {
    return [`${show(value)} has a part longer than 63 characters`];
  }
  return [];
}

/** What is wrong with a public hostname for an Ingress (no wildcard, at least one dot). @public */
export function hostnameProblems(value: string): string[] {
  if (value.includes('*')) return [`${show(value)} must not be a wildcard`];
  const problems = dnsSubdomainProblems(value);
  if (problems.length > 0) return problems;
  if (!value.includes('.'))
    return [
      `${show(value)} must be a fully qualified name, e.g. app.example.nl`,
    ];
  return [];
}

/** Environment variable / Secret key name: a C identifier. @public */
export const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What is wrong with an environment variable name, if anything. @public */
export function envVarNameProblems(value: string): string[] {
  if (value.length === 0) return ['must not be empty'];
  if (value.length > 128)
    return [`must be at most 128 characters (has ${value.length})`];
  if (!ENV_VAR_NAME.test(value)) {
    return [
      `${show(
        value,
      )} must be letters, digits and '_', not starting with a digit (e.g. WEBUI_SECRET_KEY)`,
    ];
  }
  return [];
}

/**
 * What is wrong with a Helm chart repository URL: `https://` (a Helm
 * repository index) or `oci://` (an OCI registry), with a host, no
 * credentials, query or fragment.
 * @public
 */
export function chartRepositoryUrlProblems(value: string): string[] {
  if (value.length === 0) return ['must not be empty'];
  if (/\s|["'\\]/.test(value)) {
    return [`${show(value)} must not contain spaces, quotes or backslashes`];
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`${show(value)} is not a URL`];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'oci:') {
    return [`${show(value)} must start with https:// or oci://`];
  }
  if (!url.hostname) return [`${show(value)} has no host`];
  if (url.username || url.password) {
    return [
      `${show(
        value,
      )} must not carry credentials; give Flux a secretRef instead`,
    ];
  }
  if (url.search || url.hash)
    return [`${show(value)} must not have a query or fragment`];
  // URL() would resolve '..' away, so look at the text as given.
  if (value.split('/').some(s => s === '..' || s === '.')) {
    return [`${show(value)} must not contain '.' or '..' path segments`];
  }
  return [];
}

/** Helm chart name: lower-case letters, digits, '-', '_' and '.'. @public */
export function chartNameProblems(value: string): string[] {
  if (value.length === 0) return ['must not be empty'];
  if (value.length > 128)
    return [`must be at most 128 characters (has ${value.length})`];
  if (
    !/^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(value) ||
    value.includes('..')
  ) {
    return [
      `${show(
        value,
      )} must be lower-case letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
    ];
  }
  return [];
}

/**
 * Helm chart version or SemVer range as Flux accepts it (e.g. `8.1.0`,
 * `8.x`, `>=8.0.0 <9.0.0`, `^8.1`).
 * @public
 */
export function chartVersionProblems(value: string): string[] {
  if (value.trim().length === 0) return ['must not be empty'];
  if (value.length > 64)
    return [`must be at most 64 characters (has ${value.length})`];
  if (!/^[0-9A-Za-z.*^~<>=|+, -]+$/.test(value) || !/[0-9*xX]/.test(value)) {
    return [
      `${show(
        value,
      )} must be a version or SemVer range such as 8.1.0, 8.x or ">=8.0.0 <9.0.0"`,
    ];
  }
  return [];
}

/** A Go duration as Flux's CRDs accept it: `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`. @public */
export const FLUX_DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/** What is wrong with a duration such as `1h` or `10m0s`, if anything. @public */
export function durationProblems(value: string): string[] {
  if (!FLUX_DURATION.test(value)) {
    return [
      `${show(
        value,
      )} must be a duration such as 30s, 10m or 1h (units ms, s, m, h)`,
    ];
  }
  return [];
}

/**
 * What is wrong with a folder or file path inside a repository: relative,
 * '/'-separated, no empty, '.' or '..' segments, only letters, digits, '-',
 * '_' and '.'.
 * @public
 */
export function repoPathProblems(value: string): string[] {
  if (value.length === 0) return ['must not be empty'];
  if (value.startsWith('/')) return [`${show(value)} must be relative`];
  const segments = value.split('/');
  if (segments.some(s => s === '' || s === '.' || s.includes('..'))) {
    return [
      `${show(
        value,
      )} must not have empty or '.' segments or contain '..' (no leading, trailing or double slashes)`,
    ];
  }
  if (segments.some(s => !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s))) {
    return [
      `${show(
        value,
      )} may contain only letters, digits, '-', '_' and '.' between slashes`,
    ];
  }
  return [];
}

/** Throws InputError when `problems(value)` finds anything. @public */
export function assertValid(
  value: string,
  field: string,
  problems: (value: string) => string[],
): string {
  assertNoProblems(problems(value), field);
  return value;
}

/*
 * Tenant IDs: the X-Scope-OrgID Loki, Mimir and Tempo accept. Their shared
 * rule (dskit tenant.ValidTenantID, used by all three): 1 to 150 characters
 * from letters, digits and `! - _ . * ' ( )`, and never `.` or `..` (a tenant
 * ID names a folder in object storage). `|` separates tenants in a
 * multi-tenant query; it is refused here on purpose, since a tenant we write
 * to or read from is always exactly one.
 */

/** One Loki/Mimir/Tempo tenant ID (X-Scope-OrgID), without `|`. @public */
export const TENANT_ID = /^[A-Za-z0-9!._*'()-]{1,150}$/;

/** What is wrong with a tenant ID (X-Scope-OrgID), if anything. @public */
export function tenantIdProblems(value: string): string[] {
  if (value.length === 0) return ['must not be empty'];
  if (value.length > 150) {
    return [`must be at most 150 characters (has ${value.length})`];
  }
  if (value === '.' || value === '..') {
    return [`${show(value)} is not a tenant ID ('.' and '..' are refused)`];
  }
  if (value.includes('|')) {
    return [
      `${show(
        value,
      )} must name one tenant: '|' joins tenants in a multi-tenant query`,
    ];
  }
  if (!TENANT_ID.test(value)) {
    return [
      `${show(
        value,
      )} may contain only letters, digits and ! - _ . * ' ( ) (e.g. team-a)`,
    ];
  }
  return [];
}

/** Throws InputError unless `value` is one tenant ID (see tenantIdProblems). @public */
export function assertTenantId(value: string, field: string): string {
  assertNoProblems(tenantIdProblems(value), field);
  return value;
}
