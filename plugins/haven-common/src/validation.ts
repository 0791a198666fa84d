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
