import { http, HttpResponse } from 'msw';
import { setupDoubleServer } from '@haven-plus/haven-doubles';
import { readLogs } from './loki';
import { readTraces } from './tempo';
import { UpstreamError } from './upstream';
import { timeRange } from './windows';

const server = setupDoubleServer();

const read = (url: string) => ({
  upstream: { url },
  identity: { serviceName: 'orders' },
  range: timeRange('1h', Date.parse('2026-11-24T10:00:00Z')),
  signal: new AbortController().signal,
  timeoutMs: 1000,
});

describe('an upstream answer in an unexpected shape', () => {
  it('names Loki, the query and the setting to check', async () => {
    server.use(
      http.get('https://loki.example.nl/loki/api/v1/query_range', () =>
        HttpResponse.json({
          status: 'success',
          data: { resultType: 'vector' },
        }),
      ),
    );
    const failure = readLogs(read('https://loki.example.nl'));
    await expect(failure).rejects.toThrow(UpstreamError);
    await expect(failure).rejects.toThrow(
      'Loki at https://loki.example.nl answered the log-volume query in an unexpected shape; check that haven.loki.url points at Loki itself',
    );
  });

  it('names Tempo, the search and the setting to check', async () => {
    server.use(
      http.get('https://tempo.example.nl/api/search', () =>
        HttpResponse.json({ results: [] }),
      ),
    );
    await expect(readTraces(read('https://tempo.example.nl'))).rejects.toThrow(
      'Tempo at https://tempo.example.nl answered the trace search in an unexpected shape; check that haven.tempo.url points at Tempo itself',
    );
  });
});
