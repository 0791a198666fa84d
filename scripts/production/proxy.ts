/*
 * Loopback HTTP forwarders for `yarn test:production`:
 *
 * - the load balancer in front of the backend replicas: round robin over the
 *   replicas that accept connections, a replica that refuses one is skipped
 *   (as a load balancer's health check would take it out);
 * - a counter in front of each upstream double, so the run can say how many
 *   requests reached Vault, Loki, Tempo, GitHub and Kubernetes across both
 *   replicas.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Forwarder {
  url: string;
  port: number;
  close(): Promise<void>;
}

function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: URL,
  onError: (error: Error) => boolean,
  onStatus?: (status: number) => void,
) {
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    reply => {
      onStatus?.(reply.statusCode ?? 502);
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    },
  );
  upstream.on('error', error => {
    if (onError(error)) return;
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`no upstream: ${error.message}`);
  });
  req.pipe(upstream);
}

async function listen(server: http.Server, port = 0): Promise<Forwarder> {
  server.keepAliveTimeout = 5_000;
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Round robin over `targets`. A request whose connection a replica refuses
 * (ECONNREFUSED: the replica is down) goes to the next one; requests are not
 * retried once a replica has accepted them.
 */
export function startBalancer(
  targets: string[],
  port?: number,
): Promise<Forwarder & { served: Map<string, number> }> {
  const urls = targets.map(t => new URL(t));
  const served = new Map<string, number>(targets.map(t => [t, 0]));
  let next = 0;
  const server = http.createServer((req, res) => {
    // Bodies are buffered so a refused request can go to the next replica.
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (tries: number) => {
        const target = urls[next % urls.length];
        next += 1;
        const upstream = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: req.headers.host },
          },
          reply => {
            served.set(target.origin, (served.get(target.origin) ?? 0) + 1);
            res.writeHead(reply.statusCode ?? 502, reply.headers);
            reply.pipe(res);
          },
        );
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ECONNREFUSED' && tries + 1 < urls.length) {
            attempt(tries + 1);
            return;
          }
          if (!res.headersSent)
            res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`no replica answered: ${error.code ?? error.message}`);
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
  return listen(server, port).then(f => ({ ...f, served }));
}

export interface Counter extends Forwarder {
  /** Requests forwarded so far. */
  count(): number;
  /** `METHOD /path` of every request, in order (no query, no body). */
  paths: string[];
  /** `METHOD /path` of every request the upstream answered with a 2xx, in the order of the answers. */
  answered: string[];
  /** Holds every request this long before forwarding it (0: none), for slow-upstream scenarios. */
  setDelay(ms: number): void;
}

/** Forwards everything to `target` and counts the requests. */
export async function startCounter(target: string): Promise<Counter> {
  const url = new URL(target);
  let count = 0;
  let delay = 0;
  const paths: string[] = [];
  const answered: string[] = [];
  const server = http.createServer((req, res) => {
    count += 1;
    const line = `${req.method} ${req.url?.split('?')[0]}`;
    paths.push(line);
    const send = () =>
      forward(
        req,
        res,
        url,
        () => false,
        status => {
          if (status >= 200 && status < 300) answered.push(line);
        },
      );
    if (delay > 0) {
      req.pause();
      setTimeout(() => {
        req.resume();
        send();
      }, delay);
    } else {
      send();
    }
  });
  const f = await listen(server);
  return {
    ...f,
    count: () => count,
    paths,
    answered,
    setDelay: ms => {
      delay = ms;
    },
  };
}
