import type { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { decodeExploreUrl } from '@haven-plus/plugin-haven-common/testUtils';
import { fireEvent, screen, within } from '@testing-library/react';
import { havenApiRef } from '../../api/HavenClient';
import type { EntityTelemetry, HavenApi } from '../../api/types';
import { ObservabilityCard, ObservabilityContent } from './ObservabilityCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'orders' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

const grafana = {
  haven: {
    grafana: {
      baseUrl: 'https://grafana.example.nl',
      orgId: 3,
      datasources: { loki: 'loki-uid', tempo: 'tempo-uid', mimir: 'mimir-uid' },
    },
  },
};

const TRACE_OK = '2f3e0cee77ae5dc9c17ade3689eb2e54';
const TRACE_ERR = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

const telemetry: EntityTelemetry = {
  entityRef: 'component:default/orders',
  window: '1h',
  generatedAt: '2026-08-22T10:00:00Z',
  vault: { status: 'not-configured', message: 'no vault.io/secrets-path' },
  logs: {
    status: 'ok',
    total: 1234,
    errors: 17,
    levels: { info: 1100, error: 15, warn: 117, fatal: 2 },
    buckets: [
      { time: '2026-08-22T09:00:00Z', total: 600, errors: 2 },
      { time: '2026-08-22T09:30:00Z', total: 634, errors: 15 },
    ],
  },
  traces: {
    status: 'ok',
    traces: [
      {
        traceId: TRACE_OK,
        rootName: 'GET /api/orders',
        rootService: 'orders',
        start: '2026-08-22T09:58:00Z',
        durationMs: 42,
        error: false,
      },
      {
        traceId: TRACE_ERR,
        rootName: 'POST /api/orders',
        rootService: 'orders',
        start: '2026-08-22T09:59:00Z',
        durationMs: 1530,
        error: true,
      },
      {
        traceId: 'b1b2c3d4e5f60718293a4b5c6d7e8f91',
        rootName: `POST /api/v1/chats/${'x'.repeat(200)}`,
        rootService: 'orders',
        start: '2026-08-22T09:57:00Z',
        durationMs: 999.7,
        error: false,
      },
    ],
  },
};

async function render(options: {
  haven: Partial<HavenApi>;
  config?: object;
  forEntity?: Entity;
  element?: JSX.Element;
}) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [havenApiRef, options.haven],
        [configApiRef, mockApis.config({ data: options.config ?? grafana })],
      ]}
    >
      <EntityProvider entity={options.forEntity ?? entity}>
        {options.element ?? <ObservabilityCard />}
      </EntityProvider>
    </TestApiProvider>,
  );
}

const resolved = () => ({
  getTelemetry: jest.fn().mockResolvedValue(telemetry),
});

describe('ObservabilityCard', () => {
  it('names the telemetry annotations and asks nothing without them', async () => {
    const haven = resolved();
    await render({ haven, forEntity: { ...entity, metadata: { name: 'x' } } });
    expect(
      screen.getAllByText(/backstage\.io\/kubernetes-id/).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getAllByText(/haven\.plus\/otel-service-name/).length,
    ).toBeGreaterThan(0);
    expect(haven.getTelemetry).not.toHaveBeenCalled();
  });

  it('shows progress while haven-backend answers', async () => {
    await render({ haven: { getTelemetry: () => new Promise(() => {}) } });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('says what failed when haven-backend fails', async () => {
    await render({
      haven: {
        getTelemetry: jest
          .fn()
          .mockRejectedValue(new Error('Request failed with 502 Bad Gateway')),
      },
    });
    expect(
      await screen.findByText(
        /Could not load traces and logs from haven-backend/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Request failed with 502 Bad Gateway/).length,
    ).toBeGreaterThan(0);
    // The Grafana links do not depend on the backend.
    expect(screen.getByRole('link', { name: 'Logs' })).toBeInTheDocument();
  });

  it('lists recent traces with a status word and a link to each trace', async () => {
    const haven = resolved();
    await render({ haven });
    expect(haven.getTelemetry).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'orders' },
      '1h',
    );
    const table = await screen.findByRole('table', { name: 'Recent traces' });
    const ok = within(table).getByText('GET /api/orders').closest('tr')!;
    expect(within(ok as HTMLElement).getByText('OK')).toBeInTheDocument();
    expect(within(ok as HTMLElement).getByText('42 ms')).toBeInTheDocument();
    const failed = within(table).getByText('POST /api/orders').closest('tr')!;
    expect(
      within(failed as HTMLElement).getByText('Error'),
    ).toBeInTheDocument();
    expect(
      within(failed as HTMLElement).getByText('1.5 s'),
    ).toBeInTheDocument();
    // 999.7 ms rounds up to a second, written as one
    expect(within(table).getByText('1.0 s')).toBeInTheDocument();

    const link = within(failed as HTMLElement).getByRole('link', {
      name: TRACE_ERR.slice(0, 12),
    });
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    const decoded = decodeExploreUrl(link.getAttribute('href')!);
    expect(decoded).toMatchObject({
      format: 'panes',
      orgId: 3,
      datasourceUid: 'tempo-uid',
      query: { queryType: 'traceql', query: TRACE_ERR },
    });
  });

  it('keeps Started, Duration, Status and Trace narrow and fixed, cutting long root span names', async () => {
    await render({ haven: resolved() });
    const table = await screen.findByRole('table', { name: 'Recent traces' });
    expect(table).toHaveStyle({ tableLayout: 'fixed' });
    const header = (name: string | RegExp) =>
      within(table).getByRole('columnheader', { name });
    expect(header('Root span').style.width).toBe('');
    expect(header('Started (UTC)')).toHaveStyle({ width: '7.5rem' });
    expect(header('Duration')).toHaveStyle({ width: '5rem' });
    expect(header('Duration')).toHaveStyle({ textAlign: 'right' });
    expect(header('Status')).toHaveStyle({ width: '5.5rem' });
    expect(header('Trace')).toHaveStyle({ width: '8rem' });

    const long = within(table).getByText(/^POST \/api\/v1\/chats\/x+$/);
    expect(long).toHaveStyle({
      overflow: 'hidden',
      textOverflow: 'ellipsis',
      whiteSpace: 'nowrap',
    });
    expect(long).toHaveAttribute('title', long.textContent);
    const row = long.closest('tr') as HTMLElement;
    const [root, started, duration, status] = within(row).getAllByRole('cell');
    // the root span's service is beneath its name, not in a column of its own
    expect(root).toHaveTextContent(/orders$/);
    expect(started).toHaveTextContent('08-22 09:57:00');
    expect(started).toHaveAttribute('title', '2026-08-22 09:57:00 UTC');
    expect(duration).toHaveTextContent('1.0 s');
    expect(duration).toHaveStyle({ textAlign: 'right' });
    expect(status).toHaveTextContent('OK');
  });

  it('shows log volume: totals and one bar per bucket', async () => {
    await render({ haven: resolved() });
    expect(
      await screen.findByText(
        (_, el) =>
          el?.tagName === 'P' &&
          el.textContent === '1234 log lines, 17 errors in the last 1h',
      ),
    ).toBeInTheDocument();
    const bars = screen.getAllByTestId('log-bucket');
    expect(bars).toHaveLength(2);
    expect(bars[1]).toHaveAttribute(
      'title',
      '2026-08-22 09:30:00 UTC: 634 lines, 15 errors',
    );
    // per level, most severe first, each with its word
    expect(screen.getByLabelText('Log lines per level')).toHaveTextContent(
      'fatal 2 · error 15 · warn 117 · info 1100',
    );
  });

  it("links to Grafana Explore with the configured datasources and the service's queries", async () => {
    await render({ haven: resolved() });
    const decode = (name: string) => {
      const link = screen.getByRole('link', { name });
      expect(link).toHaveAttribute('target', '_blank');
      expect(link).toHaveAttribute('rel', 'noopener noreferrer');
      expect(link.getAttribute('href')).toMatch(
        /^https:\/\/grafana\.example\.nl\/explore\?schemaVersion=1&orgId=3&panes=/,
      );
      return decodeExploreUrl(link.getAttribute('href')!);
    };
    expect(decode('Logs')).toEqual({
      format: 'panes',
      orgId: 3,
      datasourceUid: 'loki-uid',
      datasourceType: 'loki',
      query: { expr: '{service_name="orders"}', queryType: 'range' },
      range: { from: 'now-1h', to: 'now' },
    });
    expect(decode('Error logs').query.expr).toMatch(
      /^\{service_name="orders"\} /,
    );
    expect(decode('Traces')).toMatchObject({
      datasourceUid: 'tempo-uid',
      query: {
        queryType: 'traceql',
        query: '{ resource.service.name = "orders" }',
      },
    });
    expect(decode('Error traces').query.query).toBe(
      '{ resource.service.name = "orders" && status = error }',
    );
    expect(decode('Request rate').datasourceUid).toBe('mimir-uid');
  });

  it('uses the legacy link format and default datasource UIDs when configured so', async () => {
    await render({
      haven: resolved(),
      config: {
        haven: {
          grafana: {
            baseUrl: 'https://g.example.nl/sub',
            linkFormat: 'legacy',
          },
        },
      },
    });
    const href = screen
      .getByRole('link', { name: 'Logs' })
      .getAttribute('href')!;
    expect(href).toMatch(
      /^https:\/\/g\.example\.nl\/sub\/explore\?orgId=1&left=/,
    );
    expect(decodeExploreUrl(href)).toMatchObject({
      format: 'legacy',
      datasourceUid: 'haven-loki',
    });
  });

  it("links a team tenant's entity to that tenant's datasources under per-team tenancy", async () => {
    const perTeam = (tenant: string) =>
      render({
        haven: resolved(),
        forEntity: {
          ...entity,
          metadata: {
            ...entity.metadata,
            annotations: {
              ...entity.metadata.annotations,
              'haven.plus/telemetry-tenant': tenant,
            },
          },
        },
        config: {
          haven: {
            grafana: {
              ...grafana.haven.grafana,
              tenantDatasources: { defaultTenant: 'platform' },
            },
          },
        },
      });
    const uidOf = (name: string) =>
      decodeExploreUrl(screen.getByRole('link', { name }).getAttribute('href')!)
        .datasourceUid;

    const team = await perTeam('team-a');
    expect(uidOf('Logs')).toBe('loki-uid-team-a');
    expect(uidOf('Traces')).toBe('tempo-uid-team-a');
    team.unmount();

    await perTeam('platform');
    expect(uidOf('Logs')).toBe('loki-uid');
  });

  it('says how to turn the links on without haven.grafana.baseUrl', async () => {
    await render({ haven: resolved(), config: {} });
    expect(
      screen.getByText(/Grafana links are off: set haven.grafana.baseUrl/),
    ).toBeInTheDocument();
    expect(await screen.findByText('GET /api/orders')).toBeInTheDocument();
  });

  it('says which upstream is down and what it answered', async () => {
    await render({
      haven: {
        getTelemetry: jest.fn().mockResolvedValue({
          ...telemetry,
          logs: {
            status: 'error',
            message:
              'Loki at http://127.0.0.1:7104 answered HTTP 503 to the log-volume query; Loki is overloaded or down; try again later',
          },
          traces: {
            status: 'error',
            message:
              'Tempo at http://127.0.0.1:7105 answered HTTP 503 to the trace search; Tempo is overloaded or down; try again later',
          },
        }),
      },
    });
    expect(
      await screen.findByText(/Traces could not be read from Tempo/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Tempo at http:\/\/127\.0\.0\.1:7105 answered HTTP 503/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Logs could not be read from Loki/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Loki at http:\/\/127\.0\.0\.1:7104 answered HTTP 503/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Recent traces' }),
    ).not.toBeInTheDocument();
  });

  it("shows each section's own failure", async () => {
    await render({
      haven: {
        getTelemetry: jest.fn().mockResolvedValue({
          ...telemetry,
          traces: {
            status: 'not-configured',
            message: 'haven.tempo.url is not set',
          },
          logs: {
            status: 'error',
            message: 'Loki answered 429 Too Many Requests',
          },
        }),
      },
    });
    expect(
      await screen.findByText(/Traces are not configured/),
    ).toBeInTheDocument();
    expect(screen.getByText('haven.tempo.url is not set')).toBeInTheDocument();
    expect(
      screen.getByText(/Logs could not be read from Loki/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Loki answered 429 Too Many Requests'),
    ).toBeInTheDocument();
  });

  it('reloads for another window and moves the links with it', async () => {
    const haven = resolved();
    await render({ haven });
    await screen.findByRole('table', { name: 'Recent traces' });
    fireEvent.change(screen.getByLabelText('Time window'), {
      target: { value: '6h' },
    });
    expect(haven.getTelemetry).toHaveBeenLastCalledWith(
      { kind: 'Component', namespace: 'default', name: 'orders' },
      '6h',
    );
    const href = screen
      .getByRole('link', { name: 'Logs' })
      .getAttribute('href')!;
    expect(decodeExploreUrl(href).range).toEqual({ from: 'now-6h', to: 'now' });
    expect(await screen.findByText(/in the last 6h/)).toBeInTheDocument();
  });
});

describe('ObservabilityContent', () => {
  it('shows more traces than the card', async () => {
    const many: EntityTelemetry = {
      ...telemetry,
      traces: {
        status: 'ok',
        traces: Array.from({ length: 8 }, (_, i) => ({
          traceId: `c${String(i).padStart(31, '0')}`,
          rootName: `GET /page/${i}`,
          rootService: 'orders',
          start: '2026-08-22T09:58:00Z',
          durationMs: 10,
          error: false,
        })),
      },
    };
    const haven = { getTelemetry: jest.fn().mockResolvedValue(many) };
    const rows = async () =>
      within(
        await screen.findByRole('table', { name: 'Recent traces' }),
      ).getAllByRole('row').length - 1;
    const card = await render({ haven });
    expect(await rows()).toBe(5);
    card.unmount();
    await render({ haven, element: <ObservabilityContent /> });
    expect(await rows()).toBe(8);
  });
});
