import { serveOnLoopback, type LoopbackServer } from '../http/loopback';
import {
  createLokiDouble,
  type LokiDouble,
  type LokiDoubleOptions,
} from './lokiDouble';
import { SANDBOX_TELEMETRY, sandboxTelemetrySeed } from './sandboxTelemetry';

/** The local sandbox's Loki double: where it listens and the tenant it holds. */
export const LOKI_SANDBOX = {
  port: 7104,
  tenant: SANDBOX_TELEMETRY.tenant,
} as const;

export interface RunningLokiDouble extends LoopbackServer {
  /** The double behind the server, for its request log, faults and state. */
  double: LokiDouble;
}

/**
 * Serves the Loki double on 127.0.0.1:`port` (0 picks a free port). Unless
 * `tenants` are given it holds {@link sandboxTelemetrySeed} as of start-up
 * under tenant `voorbeeld`, with auth enabled (contracts.md 5.1: requests
 * need `X-Scope-OrgID`). Restarting the sandbox moves the data up to now.
 */
export async function startLokiDoubleOnLoopback(
  port: number = LOKI_SANDBOX.port,
  options: Partial<Omit<LokiDoubleOptions, 'baseUrl'>> = {},
): Promise<RunningLokiDouble> {
  let double: LokiDouble | undefined;
  const server = await serveOnLoopback(
    origin => {
      const tenants =
        options.tenants ??
        (() => {
          const seed = sandboxTelemetrySeed(options.now?.() ?? new Date());
          return { [seed.tenant]: seed.streams };
        })();
      double = createLokiDouble({ ...options, tenants, baseUrl: origin });
      return double.handlers;
    },
    { port, name: 'Loki' },
  );
  return { ...server, double: double as LokiDouble };
}
