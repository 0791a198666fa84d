import {
  createLokiDouble,
  type LokiDouble,
  type LokiDoubleOptions,
} from '@haven-plus/haven-doubles';
import {
  startTelemetryDoubleOnLoopback,
  TELEMETRY_SANDBOX_TENANTS,
  type RunningTelemetryDouble,
  type TelemetrySandboxOptions,
} from './telemetryLoopback';

/**
 * The local sandbox's Loki double: where it listens, the tenant it holds and
 * the tenant for which it is down (503).
 */
export const LOKI_SANDBOX = {
  port: 7104,
  ...TELEMETRY_SANDBOX_TENANTS,
} as const;

export type RunningLokiDouble = RunningTelemetryDouble<LokiDouble>;

/**
 * Serves the Loki double on 127.0.0.1:`port` (0 picks a free port). Unless
 * `tenants` are given it holds `sandboxTelemetrySeed` as of start-up
 * under tenant `voorbeeld`, with auth enabled (contracts.md 5.1: requests
 * need `X-Scope-OrgID`). Restarting the sandbox moves the data up to now.
 * Requests for tenant `storing` (`SANDBOX_DOWN_TENANT`) get a 503
 * unless `downTenants` says otherwise.
 */
export async function startLokiDoubleOnLoopback(
  port: number = LOKI_SANDBOX.port,
  options: Partial<Omit<LokiDoubleOptions, 'baseUrl'>> &
    TelemetrySandboxOptions = {},
): Promise<RunningLokiDouble> {
  return startTelemetryDoubleOnLoopback({
    port,
    name: 'Loki',
    options,
    seeded: seed => seed.streams,
    create: createLokiDouble,
  });
}
