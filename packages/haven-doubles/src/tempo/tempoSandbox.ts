import { serveOnLoopback, type LoopbackServer } from '../http/loopback';
import {
  SANDBOX_TELEMETRY,
  sandboxTelemetrySeed,
} from '../loki/sandboxTelemetry';
import {
  createTempoDouble,
  type TempoDouble,
  type TempoDoubleOptions,
} from './tempoDouble';

/** The local sandbox's Tempo double: where it listens and the tenant it holds. */
export const TEMPO_SANDBOX = {
  port: 7105,
  tenant: SANDBOX_TELEMETRY.tenant,
} as const;

export interface RunningTempoDouble extends LoopbackServer {
  /** The double behind the server, for its request log, faults and state. */
  double: TempoDouble;
}

/**
 * Serves the Tempo double on 127.0.0.1:`port` (0 picks a free port). Unless
 * `tenants` are given it holds the traces of {@link sandboxTelemetrySeed} as
 * of start-up under tenant `voorbeeld`, with multitenancy enabled
 * (contracts.md 5.2: every request needs `X-Scope-OrgID`).
 */
export async function startTempoDoubleOnLoopback(
  port: number = TEMPO_SANDBOX.port,
  options: Partial<Omit<TempoDoubleOptions, 'baseUrl'>> = {},
): Promise<RunningTempoDouble> {
  let double: TempoDouble | undefined;
  const server = await serveOnLoopback(
    origin => {
      const tenants =
        options.tenants ??
        (() => {
          const seed = sandboxTelemetrySeed(options.now?.() ?? new Date());
          return { [seed.tenant]: seed.traces };
        })();
      double = createTempoDouble({
        multitenancyEnabled: true,
        ...options,
        tenants,
        baseUrl: origin,
      });
      return double.handlers;
    },
    { port, name: 'Tempo' },
  );
  return { ...server, double: double as TempoDouble };
}
