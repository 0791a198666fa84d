/*
 * Go `time.Duration` strings (metav1.Duration), as ExternalSecret and Flux
 * specs carry them: `1h`, `1h0m0s`, `90s`, `1.5h`, `500ms`, `0s`.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = '(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)';

/**
 * Milliseconds of a Go duration string, or undefined when it is not one.
 * Negative durations are refused (a refresh interval cannot be negative).
 * @public
 */
export function parseGoDuration(value: string | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(/^\+/, '');
  if (text === '0') return 0;
  if (text.length === 0) return undefined;
  const part = new RegExp(PART, 'y');
  let total = 0;
  while (part.lastIndex < text.length) {
    const match = part.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  return Number.isFinite(total) ? total : undefined;
}

/** A short human duration: `1h`, `1h30m`, `45s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('');
}
