import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

export interface LoopbackServer {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Serves msw request handlers over HTTP on the loopback interface, so the
 * handlers that tests use in-process are also what the local sandbox talks to.
 * Only 127.0.0.1 is ever bound; `port: 0` picks a free port.
 */
export async function serveOnLoopback(
  makeHandlers: (origin: string) => RequestHandler[],
  options: { port: number; name: string },
): Promise<LoopbackServer> {
  const host = '127.0.0.1';
  // Handlers match on the origin they are made for, known once bound.
  let handlers: RequestHandler[] = [];
  const server: Server = createServer(async (req, res) => {
    try {
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (Array.isArray(value)) value.forEach(v => headers.append(key, v));
        else if (value !== undefined) headers.set(key, value);
      }
      const body = await readBody(req);
      const request = new Request(
        `http://${host}:${(server.address() as AddressInfo).port}${req.url}`,
        {
          method: req.method,
          headers,
          body: body && body.length > 0 ? new Uint8Array(body) : undefined,
        },
      );
      const response = await getResponse(handlers, request);
      if (!response) {
        res.writeHead(501, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: `the ${options.name} double has no handler for ${
              req.method
            } ${req.url?.split('?')[0]}`,
          }),
        );
        return;
      }
      if (response.type === 'error') {
        // An injected connection reset (HttpResponse.error()): drop the socket.
        req.socket.destroy();
        return;
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: `the ${options.name} double failed: ${String(error)}`,
        }),
      );
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${options.port} for the ${options.name} double is in use: is another sandbox still running? Stop it, then start again.`,
            )
          : error,
      );
    });
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  handlers = makeHandlers(url);
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      }),
  };
}
