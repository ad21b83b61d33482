/** The Hono app: routes and the order in which a request is checked. */
import { zValidator } from '@hono/zod-validator';
import { Hono, type MiddlewareHandler } from 'hono';
import { GatewayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { asGatewayError, errorResponse } from './respond.ts';
import type { Principal } from '../auth/index.ts';
import { type SseRouteDeps, openStream } from './sse-route.ts';
import { sseQuerySchema } from './query.ts';
import type { StaticFiles } from './static-files.ts';

/** What the runtime entry point passes along with each request. */
export type GatewayBindings = {
  remoteAddress?: string;
  /** Ends the underlying connection quietly (Node); see ClientOptions.abortConnection. */
  abortConnection?: () => void;
};

export type AppEnv = { Bindings: GatewayBindings; Variables: { principal: Principal | null } };

export type AppDeps = SseRouteDeps & {
  log: Logger;
  cors: MiddlewareHandler;
  /** Resolves a request's credentials; absent when auth is off. */
  authenticate?: (request: Request, url: URL) => Promise<Principal>;
  health: () => { status: number; body: Record<string, unknown> };
  /** Wraps the stream routes, to count and log each request's outcome once. */
  observeStream?: MiddlewareHandler;
  metrics: () => Promise<{ contentType: string; body: string }>;
  staticFiles: StaticFiles;
};

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', deps.cors);
  // Hono's `/sse/*` matches `/sse` itself too: one registration covers both stream routes.
  if (deps.observeStream !== undefined) app.use('/sse/*', deps.observeStream);

  // 401 comes before every other check, so auth runs before query validation.
  const auth: MiddlewareHandler<AppEnv> = async (c, next) => {
    const url = new URL(c.req.url);
    c.set('principal', deps.authenticate ? await deps.authenticate(c.req.raw, url) : null);
    await next();
  };
  const query = zValidator('query', sseQuerySchema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      // A repeated parameter arrives as an array: say so, rather than zod's type message.
      const repeated = issue?.code === 'invalid_type' && issue.path.length === 1;
      const first = repeated
        ? `${String(issue.path[0])} is given more than once; join values with commas`
        : (issue?.message ?? 'malformed query');
      throw new GatewayError('invalid_query', `${first}; see the README for the query syntax`);
    }
  });
  const sse = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) =>
    openStream(c, c.req.valid('query' as never), c.get('principal'), deps);

  app.get('/sse', auth, query, sse);
  app.get('/sse/:stream', auth, query, sse);

  app.get('/health', (c) => {
    const { status, body } = deps.health();
    c.header('Cache-Control', 'no-store');
    return c.json(body, status as 200);
  });
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/metrics', auth, async (c) => {
    const { contentType, body } = await deps.metrics();
    return c.body(body, 200, { 'Content-Type': contentType });
  });

  app.get('*', async (c) => (await deps.staticFiles(c.req.path)) ?? c.notFound());
  app.notFound((c) => errorResponse(c, new GatewayError('not_found', 'no such route')));
  app.onError((error, c) => {
    const failure = asGatewayError(error);
    if (failure.status >= 500) deps.log.error('request failed', { error: String(error) });
    return errorResponse(c, failure);
  });
  return app;
}
