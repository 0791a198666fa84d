import type { HttpHandler } from 'msw';
import {
  serveOnLoopback,
  type LoopbackServer,
  type TelemetryFaults,
} from '@haven-plus/haven-doubles';
import {
  SANDBOX_DOWN_TENANT,
  SANDBOX_TELEMETRY,
  sandboxTelemetrySeed,
  type SandboxTelemetrySeed,
} from './sandboxTelemetry';

/** What the Loki and Tempo sandboxes take besides their double's options. */
export interface TelemetrySandboxOptions {
  /**
   * Tenants whose requests the double answers with a 503 and a plain-text
   * body (contracts.md 5.1: Loki's errors are plain text; Tempo's are taken
   * to be the same), as if the upstream were down for them. Default
   * `[SANDBOX_DOWN_TENANT]`; `[]` for none. The faults are ordinary injected
   * faults: `double.faults.clear()` heals them.
   */
  downTenants?: readonly string[];
}

/** A server of the sandbox with the double behind it. */
export type RunningTelemetryDouble<D> = LoopbackServer & {
  /** The double behind the server, for its request log, faults and state. */
  double: D;
};

/** The tenant the Loki and Tempo sandboxes hold, and the one they are down for. */
export const TELEMETRY_SANDBOX_TENANTS = {
  tenant: SANDBOX_TELEMETRY.tenant,
  downTenant: SANDBOX_DOWN_TENANT,
} as const;

/**
 * The one way the Loki and Tempo sandboxes start: the double made for the
 * origin the loopback server (http/loopback.ts) binds, with its down
 * tenants injected. Without `tenants` in the options it holds the sandbox
 * telemetry as of `now` (made only then) under its tenant; `seeded` picks
 * the double's part of it.
 */
export async function startTelemetryDoubleOnLoopback<
  T,
  O extends { tenants?: Record<string, T>; now?: () => Date },
  D extends { handlers: HttpHandler[]; faults: TelemetryFaults },
>(start: {
  port: number;
  name: 'Loki' | 'Tempo';
  options: O & TelemetrySandboxOptions;
  seeded: (seed: SandboxTelemetrySeed) => T;
  create: (options: O & { tenants: Record<string, T>; baseUrl: string }) => D;
}): Promise<RunningTelemetryDouble<D>> {
  const { downTenants, ...doubleOptions } = start.options;
  let double: D | undefined;
  const server = await serveOnLoopback(
    origin => {
      const tenants =
        doubleOptions.tenants ??
        (() => {
          const seed = sandboxTelemetrySeed(
            doubleOptions.now?.() ?? new Date(),
          );
          return { [seed.tenant]: start.seeded(seed) };
        })();
      // The double's options: all of the sandbox's but `downTenants`.
      const made = start.create({
        ...(doubleOptions as O),
        tenants,
        baseUrl: origin,
      });
      for (const tenant of downTenants ?? [SANDBOX_DOWN_TENANT]) {
        made.faults.inject({ tenant, status: 503 });
      }
      double = made;
      return made.handlers;
    },
    { port: start.port, name: start.name },
  );
  return { ...server, double: double as D };
}
