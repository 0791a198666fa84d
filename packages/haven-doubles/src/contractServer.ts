import { setupServer } from 'msw/node';

/** A real system a contract suite also runs against. */
export interface RealSystem {
  /** Base URL without a trailing slash. */
  url: string;
  token: string;
}

/**
 * The real system named by two environment variables, or undefined after
 * saying plainly that the suite against it is skipped.
 */
export function realSystemFromEnv(opts: {
  urlVar: string;
  tokenVar: string;
  /** What is skipped, e.g. "Vault contract against a real Vault/OpenBao". */
  suite: string;
  /** Extra words on what the token must be allowed to do. */
  hint?: string;
}): RealSystem | undefined {
  const url = process.env[opts.urlVar];
  const token = process.env[opts.tokenVar];
  if (url && token) return { url: url.replace(/\/+$/, ''), token };
  // eslint-disable-next-line no-console
  console.warn(
    `SKIPPED: ${opts.suite} (set ${opts.urlVar} and ${opts.tokenVar}${
      opts.hint ? `, ${opts.hint}` : ''
    } to run it)`,
  );
  return undefined;
}

/**
 * An msw server for a Jest suite: handlers are added per test, requests no
 * handler takes fail the test, except those to the real system when one is
 * configured.
 */
export function setupDoubleServer(
  real?: RealSystem,
): ReturnType<typeof setupServer> {
  const server = setupServer();
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: (request, print) => {
        if (!real || new URL(request.url).origin !== new URL(real.url).origin) {
          print.error();
        }
      },
    }),
  );
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
