import { parseDurationMs } from './logql';

/** A request parameter Loki would refuse; the message is the 400 body. */
export class ParamError extends Error {}

export const NS_PER_MS = 1_000_000n;
export const NS_PER_S = 1_000_000_000n;

/** Orders bigint nanosecond times, oldest first. */
export const compareNs = (a: bigint, b: bigint): number => {
  if (a === b) return 0;
  return a < b ? -1 : 1;
};

export const dateToNs = (date: Date): bigint =>
  BigInt(date.getTime()) * NS_PER_MS;

const RFC3339 =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * contracts.md 5.1: `start`/`end` are "Nanosecond epoch, float seconds, or
 * RFC3339". How Loki tells them apart [inf, Loki's `parseTimestamp`]: a
 * value with a `.` is float seconds (to the millisecond); an integer of at
 * most 10 digits is seconds, a longer one nanoseconds; anything else must be
 * RFC3339.
 */
export function parseLokiTime(
  name: string,
  value: string | null,
  fallback: bigint,
): bigint {
  if (value === null || value === '') return fallback;
  if (value.includes('.') && /^-?\d+\.\d*$/.test(value)) {
    const seconds = Number(value);
    const whole = Math.trunc(seconds);
    const ms = Math.round((seconds - whole) * 1000);
    return BigInt(whole) * NS_PER_S + BigInt(ms) * NS_PER_MS;
  }
  if (/^-?\d+$/.test(value)) {
    const digits = value.replace('-', '');
    return digits.length <= 10 ? BigInt(value) * NS_PER_S : BigInt(value);
  }
  const match = RFC3339.exec(value);
  const ms = match ? Date.parse(`${match[1]}${match[3]}`) : NaN;
  if (!match || Number.isNaN(ms)) {
    throw new ParamError(
      `invalid parameter "${name}": cannot parse "${value}" to a valid timestamp`,
    );
  }
  const fraction = (match[2] ?? '.').slice(1).padEnd(9, '0').slice(0, 9);
  return BigInt(ms) * NS_PER_MS + BigInt(fraction);
}

/** `step`/`since`: float seconds or a duration (`30s`, `5m`), in nanoseconds. */
export function parseSecondsOrDuration(name: string, value: string): bigint {
  if (/^-?\d+(\.\d+)?$/.test(value)) {
    return BigInt(Math.round(Number(value) * 1e9));
  }
  const ms = parseDurationMs(value);
  if (ms === undefined) {
    throw new ParamError(
      `invalid parameter "${name}": cannot parse "${value}" to a valid duration`,
    );
  }
  return BigInt(Math.round(ms * 1e6));
}

/** A bigint nanosecond time as JSON seconds (`1569266497.24`). */
export function nsToSeconds(ns: bigint): number {
  return Number(ns / NS_PER_MS) / 1000;
}
