import { quoteTraceQL } from '@haven-plus/haven-doubles';
import { getTelemetry as get } from '@haven-plus/haven-doubles/src/loki/__testUtils__/telemetryGet';
import { startTempoDoubleOnLoopback, TEMPO_SANDBOX } from './tempoSandbox';
import {
  SANDBOX_DOWN_TENANT,
  SANDBOX_TELEMETRY,
  sandboxTelemetrySeed,
} from '../loki/sandboxTelemetry';

// Real HTTP to the loopback server: no msw in this file.

describe('the sandbox Tempo', () => {
  it('holds 30 traces of the Open WebUI component over the last hour: 3 failing, 4 slow', async () => {
    const now = new Date();
    const sandbox = await startTempoDoubleOnLoopback(0, { now: () => now });
    try {
      expect(TEMPO_SANDBOX).toEqual({
        port: 7105,
        tenant: 'voorbeeld',
        downTenant: 'storing',
      });
      const service = `resource.service.name = ${quoteTraceQL(
        SANDBOX_TELEMETRY.serviceName,
      )} && resource.service.namespace = ${quoteTraceQL(
        SANDBOX_TELEMETRY.serviceNamespace,
      )}`;
      const window = {
        start: Math.floor(now.getTime() / 1000) - 3600,
        end: Math.ceil(now.getTime() / 1000),
        limit: 100,
      };
      const search = (q: string, tenant: string = TEMPO_SANDBOX.tenant) =>
        get(sandbox.url, '/api/search', { q, ...window }, tenant);

      const all = await search(`{ ${service} }`);
      expect(all.status).toBe(200);
      expect(all.body.traces).toHaveLength(30);
      const starts = all.body.traces.map((t: { startTimeUnixNano: string }) =>
        BigInt(t.startTimeUnixNano),
      );
      expect(starts).toEqual([...starts].sort((a, b) => Number(b - a)));
      const names = new Set(
        all.body.traces.map((t: { rootTraceName: string }) => t.rootTraceName),
      );
      expect(names).toContain('POST /api/chat/completions');
      expect(names).toContain('GET /api/models');

      const failing = await search(`{ ${service} && status = error }`);
      expect(failing.body.traces).toHaveLength(3);
      for (const t of failing.body.traces) {
        const minutesAgo =
          (now.getTime() - Number(BigInt(t.startTimeUnixNano) / 1_000_000n)) /
          60_000;
        expect(minutesAgo).toBeGreaterThan(35);
        expect(minutesAgo).toBeLessThan(45);
      }
      // what the entity page asks: one search, each span with its status
      const withStatus = await search(`{ ${service} } | select(status)`);
      const failingIds = withStatus.body.traces
        .filter(
          (t: {
            spanSets: Array<{
              spans: Array<{
                attributes: Array<{ value: { stringValue: string } }>;
              }>;
            }>;
          }) =>
            t.spanSets[0].spans.some(span =>
              span.attributes.some(a => a.value.stringValue === 'error'),
            ),
        )
        .map((t: { traceID: string }) => t.traceID)
        .sort();
      expect(failingIds).toEqual(
        failing.body.traces.map((t: { traceID: string }) => t.traceID).sort(),
      );
      const slow = await search(`{ ${service} && duration > 1s }`);
      expect(slow.body.traces).toHaveLength(4);
      for (const t of slow.body.traces)
        expect(t.durationMs).toBeGreaterThan(1000);

      const byId = await get(
        sandbox.url,
        `/api/traces/${failing.body.traces[0].traceID}`,
        {},
        TEMPO_SANDBOX.tenant,
      );
      expect(byId.status).toBe(200);
      expect(byId.body.batches[0].resource.attributes).toEqual(
        expect.arrayContaining([
          {
            key: 'deployment.environment.name',
            value: { stringValue: 'sandbox' },
          },
        ]),
      );
      const anonymous = await get(sandbox.url, '/api/search', window);
      expect(anonymous.status).toBe(401);
    } finally {
      await sandbox.close();
    }
  });

  it('is down (503, plain text) for tenant storing only, unless told otherwise', async () => {
    const sandbox = await startTempoDoubleOnLoopback(0);
    try {
      const down = await fetch(`${sandbox.url}/api/search?q=%7B%7D`, {
        headers: { 'X-Scope-OrgID': SANDBOX_DOWN_TENANT },
      });
      expect(down.status).toBe(503);
      expect(down.headers.get('content-type')).toBe(
        'text/plain; charset=utf-8',
      );
      expect(await down.text()).toBe('Service Unavailable\n');
      const up = await fetch(`${sandbox.url}/api/search?q=%7B%7D`, {
        headers: { 'X-Scope-OrgID': TEMPO_SANDBOX.tenant },
      });
      expect(up.status).toBe(200);
    } finally {
      await sandbox.close();
    }
    const healthy = await startTempoDoubleOnLoopback(0, { downTenants: [] });
    try {
      const res = await fetch(`${healthy.url}/api/search?q=%7B%7D`, {
        headers: { 'X-Scope-OrgID': SANDBOX_DOWN_TENANT },
      });
      expect(res.status).toBe(200);
    } finally {
      await healthy.close();
    }
  });

  it('links log lines to the traces by trace_id', () => {
    const seed = sandboxTelemetrySeed(new Date('2026-08-01T12:00:00Z'));
    const traceIds = new Set(seed.traces.map(t => t.traceId));
    const linked = seed.streams
      .flatMap(s => s.entries)
      .filter(e => e.metadata?.trace_id);
    expect(linked.length).toBeGreaterThanOrEqual(30);
    for (const entry of linked)
      expect(traceIds).toContain(entry.metadata?.trace_id);
  });
});
