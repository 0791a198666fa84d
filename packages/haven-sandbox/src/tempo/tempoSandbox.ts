import {
  SANDBOX_DOWN_TENANT,
  SANDBOX_TELEMETRY,
} from '../loki/sandboxTelemetry';
import {
  startTelemetryDoubleOnLoopback,
  type RunningTelemetryDouble,
  type TelemetrySandboxOptions,
} from '../loki/telemetryLoopback';
import {
  createTempoDouble,
  type TempoDouble,
  type TempoDoubleOptions,
} from '@haven-plus/haven-doubles';

/**
 * The local sandbox's Tempo double: where it listens, the tenant it holds
 * and the tenant for which it is down (503).
 */
export const TEMPO_SANDBOX = {
  port: 7105,
  tenant: SANDBOX_TELEMETRY.tenant,
  downTenant: SANDBOX_DOWN_TENANT,
} as const;

export type RunningTempoDouble = RunningTelemetryDouble<TempoDouble>;

/**
 * Serves the Tempo double on 127.0.0.1:`port` (0 picks a free port). Unless
 * `tenants` are given it holds the traces of `sandboxTelemetrySeed` as
 * of start-up under tenant `voorbeeld`, with multitenancy enabled
 * (contracts.md 5.2: every request needs `X-Scope-OrgID`). Requests for
 * tenant `storing` (`SANDBOX_DOWN_TENANT`) get a 503 unless
 * `downTenants` says otherwise.
 */
export async function startTempoDoubleOnLoopback(
  port: number = TEMPO_SANDBOX.port,
  options: Partial<Omit<TempoDoubleOptions, 'baseUrl'>> &
    TelemetrySandboxOptions = {},
): Promise<RunningTempoDouble> {
  const { downTenants, ...doubleOptions } = options;
  return startTelemetryDoubleOnLoopback({
    port,
    name: 'Tempo',
    downTenants,
    now: doubleOptions.now,
    create: (origin, seed) => {
      const tenants =
        doubleOptions.tenants ??
        (() => {
          const { tenant, traces } = seed();
          return { [tenant]: traces };
        })();
      return createTempoDouble({
        multitenancyEnabled: true,
        ...doubleOptions,
        tenants,
        baseUrl: origin,
      });
    },
  });
}
