import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { faultBody, type createTelemetryFaults } from './faults';
import { orgIdFrom, plainTextError } from './plainText';

/** What the Loki and Tempo doubles log of a request: never a header, never a body. */
export interface TelemetryRecordedRequest {
  method: string;
  /** URL path, no query string */
  path: string;
  /** names of the query parameters sent, in order */
  params: string[];
  /** the query text, when sent: it holds no secret */
  query?: string;
  /** status answered; 0 for an injected connection reset */
  status: number;
}

/**
 * The one msw handler of a Loki or Tempo double, in the order both answer
 * in: log the request (never a header or a body), apply the faults that
 * match it, answer the paths outside the API and its tenancy, 404 for any
 * other path outside the API; inside it resolve the tenant, refuse all but
 * GET with a 501 and route. A routing error `isBadRequest` accepts is a 400
 * with its message; a GET no route takes is a 501 that says what is served.
 * Every error is plain text (contracts.md 5.1).
 */
export function telemetryHandler<T>(options: {
  /** Origin the handler answers on, without a trailing slash. */
  base: string;
  name: 'Loki' | 'Tempo';
  requests: TelemetryRecordedRequest[];
  faults: ReturnType<typeof createTelemetryFaults>;
  /** The query parameter whose text the log keeps. */
  queryParam: string;
  /** Plain-text bodies of the paths outside the API and its tenancy. */
  outside: Record<string, string>;
  /** The API's path prefix, with its trailing slash. */
  api: string;
  /** The request's tenant data, or the answer that refuses the request. */
  tenancy(request: Request): T | Response;
  /** The answer to a GET of `path`; undefined when no route takes it. */
  route(
    path: string,
    url: URL,
    data: T,
    request: Request,
  ): Response | undefined;
  isBadRequest(error: unknown): boolean;
  /** The GETs served, for the 501's message, e.g. `search and traces by id`. */
  serves: string;
}): HttpHandler {
  const routed = (request: Request, url: URL): Response => {
    const path = url.pathname;
    const data = options.tenancy(request);
    if (data instanceof Response) return data;
    if (request.method !== 'GET') {
      return plainTextError(
        501,
        `the ${options.name} double serves only GET ${path}`,
      );
    }
    try {
      const response = options.route(path, url, data, request);
      if (response) return response;
    } catch (error) {
      if (options.isBadRequest(error)) {
        return plainTextError(400, (error as Error).message);
      }
      throw error;
    }
    return plainTextError(
      501,
      `the ${options.name} double does not serve GET ${path} (only ${options.serves})`,
    );
  };

  return http.all(`${options.base}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const entry: TelemetryRecordedRequest = {
      method: request.method.toUpperCase(),
      path: url.pathname,
      params: [...url.searchParams.keys()],
      status: 0,
    };
    const query = url.searchParams.get(options.queryParam);
    if (query !== null) entry.query = query;
    options.requests.push(entry);

    const fault = options.faults.decide(
      entry.method,
      entry.path,
      orgIdFrom(request),
    );
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (fault.terminal?.reset) return HttpResponse.error();
    let response: Response;
    const outside = Object.hasOwn(options.outside, url.pathname)
      ? options.outside[url.pathname]
      : undefined;
    if (fault.terminal?.status !== undefined) {
      response = plainTextError(
        fault.terminal.status,
        faultBody(fault.terminal),
      );
    } else if (outside !== undefined) {
      response = new HttpResponse(outside, {
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    } else if (!url.pathname.startsWith(options.api)) {
      response = plainTextError(404, '404 page not found');
    } else {
      response = routed(request, url);
    }
    entry.status = response.status;
    return response;
  });
}
