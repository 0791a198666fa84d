import type { HttpHandler } from 'msw';
import {
  serveOnLoopback,
  type LoopbackServer,
  type TelemetryFaults,
} from '@haven-plus/haven-doubles';
import {
  SANDBOX_DOWN_TENANT,
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

/**
 * The one way the Loki and Tempo sandboxes start: the double made for the
 * origin the loopback server (http/loopback.ts) binds, with its down
 * tenants injected. `seed` gives the sandbox telemetry as of `now`, made
 * only when the double asks for it.
 */
export async function startTelemetryDoubleOnLoopback<
  D extends { handlers: HttpHandler[]; faults: TelemetryFaults },
>(options: {
  port: number;
  name: 'Loki' | 'Tempo';
  downTenants?: readonly string[];
  now?: () => Date;
  create: (origin: string, seed: () => SandboxTelemetrySeed) => D;
}): Promise<RunningTelemetryDouble<D>> {
  let double: D | undefined;
  const seed = () => sandboxTelemetrySeed(options.now?.() ?? new Date());
  const server = await serveOnLoopback(
    origin => {
      const made = options.create(origin, seed);
      for (const tenant of options.downTenants ?? [SANDBOX_DOWN_TENANT]) {
        made.faults.inject({ tenant, status: 503 });
      }
      double = made;
      return made.handlers;
    },
    { port: options.port, name: options.name },
  );
  return { ...server, double: double as D };
}
