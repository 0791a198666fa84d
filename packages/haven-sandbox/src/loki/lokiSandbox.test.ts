import { quoteLogQL } from '@haven-plus/haven-doubles';
import { getTelemetry as get } from '@haven-plus/haven-doubles/src/loki/__testUtils__/telemetryGet';
import { LOKI_SANDBOX, startLokiDoubleOnLoopback } from './lokiSandbox';
import {
  SANDBOX_DOWN_TENANT,
  SANDBOX_TELEMETRY,
  sandboxTelemetrySeed,
} from './sandboxTelemetry';

// Real HTTP to the loopback server: no msw in this file.

const ns = (date: Date | number) =>
  (BigInt(new Date(date).getTime()) * 1_000_000n).toString();

const allValues = (body: {
  data: { result: Array<{ values: Array<[string, string]> }> };
}) => body.data.result.flatMap(r => r.values);

describe('the sandbox Loki', () => {
  it('holds ~200 lines of the Open WebUI component over 6 h under its tenant, errors bursting ~40 min ago', async () => {
    const now = new Date();
    const sandbox = await startLokiDoubleOnLoopback(0, { now: () => now });
    try {
      expect(LOKI_SANDBOX).toEqual({
        port: 7104,
        tenant: 'voorbeeld',
        downTenant: 'storing',
      });
      const selector = `{service_name=${quoteLogQL(
        SANDBOX_TELEMETRY.serviceName,
      )}, service_namespace=${quoteLogQL(SANDBOX_TELEMETRY.serviceNamespace)}}`;
      const volume = await get(
        sandbox.url,
        '/loki/api/v1/query_range',
        {
          // 9-minute steps tile (now - 360 m, now] and keep the burst in one
          query: `sum by (detected_level) (count_over_time(${selector} [9m]))`,
          start: ns(now.getTime() - 351 * 60_000),
          end: ns(now),
          step: '9m',
        },
        LOKI_SANDBOX.tenant,
      );
      expect(volume.status).toBe(200);
      const byLevel: Record<
        string,
        Array<[number, string]>
      > = Object.fromEntries(
        volume.body.data.result.map(
          (s: { metric: { detected_level: string }; values: [] }) => [
            s.metric.detected_level,
            s.values,
          ],
        ),
      );
      expect(Object.keys(byLevel).sort()).toEqual(['error', 'info', 'warn']);
      const total = Object.values(byLevel)
        .flat()
        .reduce((n, v) => n + Number(v[1]), 0);
      expect(total).toBe(sandbox.double.state.lineCount('voorbeeld'));
      expect(total).toBeGreaterThanOrEqual(180);
      expect(total).toBeLessThanOrEqual(220);
      const peak = byLevel.error.reduce((a, b) =>
        Number(b[1]) > Number(a[1]) ? b : a,
      );
      const minutesAgo = (now.getTime() / 1000 - peak[0]) / 60;
      expect(minutesAgo).toBeGreaterThanOrEqual(30);
      expect(minutesAgo).toBeLessThanOrEqual(50);
      expect(Number(peak[1])).toBeGreaterThanOrEqual(10);

      const recent = await get(
        sandbox.url,
        '/loki/api/v1/query_range',
        { query: selector, limit: 20 },
        LOKI_SANDBOX.tenant,
      );
      expect(allValues(recent.body)).toHaveLength(20);
      const anonymous = await get(sandbox.url, '/loki/api/v1/query_range', {
        query: selector,
      });
      expect(anonymous.status).toBe(401);
    } finally {
      await sandbox.close();
    }
  });

  it('is down (503, plain text) for tenant storing only, unless told otherwise', async () => {
    const now = new Date();
    const query = `sum by (detected_level) (count_over_time({service_name=${quoteLogQL(
      SANDBOX_TELEMETRY.serviceName,
    )}} [5m]))`;
    const params = {
      query,
      start: ns(now.getTime() - 3600_000),
      end: ns(now),
      step: '300',
    };
    const queryRange = (url: string, tenant: string) =>
      get(url, '/loki/api/v1/query_range', params, tenant);
    const sandbox = await startLokiDoubleOnLoopback(0, { now: () => now });
    try {
      const down = await queryRange(sandbox.url, SANDBOX_DOWN_TENANT);
      expect(down.status).toBe(503);
      expect(down.body).toBeUndefined();
      expect(down.text).toBe('Service Unavailable\n');
      const up = await queryRange(sandbox.url, LOKI_SANDBOX.tenant);
      expect(up.status).toBe(200);
      const levels = up.body.data.result.map(
        (r: { metric: { detected_level: string } }) => r.metric.detected_level,
      );
      expect(levels).toContain('error');
    } finally {
      await sandbox.close();
    }
    const healthy = await startLokiDoubleOnLoopback(0, { downTenants: [] });
    try {
      const res = await queryRange(healthy.url, SANDBOX_DOWN_TENANT);
      expect(res.status).toBe(200);
    } finally {
      await healthy.close();
    }
  });

  it('is the same for the same `now`, and moves with it', () => {
    const now = new Date('2026-08-01T12:00:00Z');
    const a = sandboxTelemetrySeed(now);
    expect(sandboxTelemetrySeed(now)).toEqual(a);
    const entries = a.streams[0].entries;
    expect(entries[0].ts.getTime()).toBeGreaterThanOrEqual(
      now.getTime() - 6 * 3600_000,
    );
    expect(entries[entries.length - 1].ts.getTime()).toBeLessThan(
      now.getTime(),
    );
    const later = sandboxTelemetrySeed(new Date(now.getTime() + 3600_000));
    expect(later.streams[0].entries[0].ts.getTime()).toBe(
      entries[0].ts.getTime() + 3600_000,
    );
  });
});
