import {
  startTelemetryDoubleOnLoopback,
  TELEMETRY_SANDBOX_TENANTS,
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
  ...TELEMETRY_SANDBOX_TENANTS,
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
  return startTelemetryDoubleOnLoopback({
    port,
    name: 'Tempo',
    options,
    seeded: seed => seed.traces,
    create: doubleOptions =>
      createTempoDouble({ multitenancyEnabled: true, ...doubleOptions }),
  });
}
