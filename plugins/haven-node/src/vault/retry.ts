/*
 * Retry rules for Vault calls (contracts.md 1.7): retry 412, 429, 500, 502,
 * 503, 504 and connection errors, plus the KV v2 "Upgrading from
 * non-versioned to versioned data" 400 (1.2); never any other 4xx. Backoff is
 * exponential with full jitter, bounded by attempts and a total deadline, and
 * honours Retry-After. Only idempotent calls are retried at all.
 */

/** How often and how long a {@link VaultClient} retries a call that is safe to repeat. @public */
export interface VaultRetryOptions {
  /** Tries in all, the first included (default 4). */
  maxAttempts: number;
  /** First backoff ceiling in ms (default 250). */
  baseDelayMs: number;
  /** Largest single wait in ms (default 4000). */
  maxDelayMs: number;
  /** Give up when the next wait would pass this many ms since the first try (default 20000). */
  deadlineMs: number;
}

export const DEFAULT_RETRY: VaultRetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  deadlineMs: 20_000,
};

const RETRYABLE_STATUS = new Set([412, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number, errors: string[]): boolean {
  if (RETRYABLE_STATUS.has(status)) return true;
  return (
    status === 400 &&
    errors.some(e =>
      e.startsWith('Upgrading from non-versioned to versioned data'),
    )
  );
}

/** Wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoffMs(
  attempt: number,
  options: VaultRetryOptions,
  random: () => number,
  retryAfterHeader?: string | null,
): number {
  const retryAfter = retryAfterHeader ? Number(retryAfterHeader) : NaN;
  if (Number.isFinite(retryAfter) && retryAfter >= 0) {
    return Math.min(retryAfter * 1000, options.maxDelayMs);
  }
  const ceiling = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** (attempt - 1),
  );
  return Math.round(random() * ceiling);
}
