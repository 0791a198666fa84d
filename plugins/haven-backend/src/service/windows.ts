import { InputError } from '@backstage/errors';
import type { TelemetryWindow } from '@haven-plus/plugin-haven-common';

/** The number of log-volume buckets a window is cut into. */
export const BUCKETS = 12;

interface WindowSpec {
  ms: number;
  /** The bucket width as a LogQL range, window / 12. */
  step: string;
  stepMs: number;
}

const MINUTE = 60_000;

const WINDOWS: Record<TelemetryWindow, WindowSpec> = {
  '15m': { ms: 15 * MINUTE, step: '75s', stepMs: 75_000 },
  '1h': { ms: 60 * MINUTE, step: '5m', stepMs: 5 * MINUTE },
  '6h': { ms: 360 * MINUTE, step: '30m', stepMs: 30 * MINUTE },
  '24h': { ms: 1440 * MINUTE, step: '2h', stepMs: 120 * MINUTE },
};

export const DEFAULT_WINDOW: TelemetryWindow = '1h';

/** The window a request asks for (default 1h); anything off the allow-list is an InputError. */
export function parseWindow(value: unknown): TelemetryWindow {
  if (value === undefined) return DEFAULT_WINDOW;
  if (typeof value === 'string' && Object.hasOwn(WINDOWS, value)) {
    return value as TelemetryWindow;
  }
  throw new InputError(
    `window must be one of ${Object.keys(WINDOWS).join(', ')}`,
  );
}

/** The time range of a view: `[end - window, end]`, and its buckets. */
export interface TimeRange {
  window: TelemetryWindow;
  startMs: number;
  endMs: number;
  step: string;
  stepMs: number;
}

export function timeRange(window: TelemetryWindow, nowMs: number): TimeRange {
  const spec = WINDOWS[window];
  return {
    window,
    startMs: nowMs - spec.ms,
    endMs: nowMs,
    step: spec.step,
    stepMs: spec.stepMs,
  };
}
