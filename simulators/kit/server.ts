import type { IncomingHttpHeaders, Server } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

/*
 * The HTTP side every simulator shares: fastify on 127.0.0.1, a route table, handlers that see
 * the exact bytes received and return an answer, injected latency, request counting and close().
 */
export interface SimRequest {
  method: string;
  path: string;
  /** Route parameters (":warehouse"). */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The exact bytes received: signatures are computed over them. */
  body: Buffer;
  /** The simulator's own base URL (http://127.0.0.1:port), as signed URLs name it. */
  base: string;
}

export interface SimResponse {
  status?: number;
  /** Default: the server's contentType. */
  contentType?: string;
  headers?: Record<string, string>;
  /** Omitted: an empty answer without a content type. */
  body?: string;
}

export type SimHandler<In = SimRequest> = (input: In) => SimResponse | Promise<SimResponse>;

/** One route. A simulator may declare routes over its own input (authenticated parameters, say) and wrap them. */
export interface SimRoute<In = SimRequest> {
  method: 'GET' | 'POST' | 'ANY';
  path: string;
  handler: SimHandler<In>;
}

export interface SimServerOptions {
  routes: SimRoute[];
  port?: number;
  host?: string;
  /** Content type of answers that name none. */
  contentType?: string;
  /** The answer when no route matches. Default: 404, empty. */
  notFound?: SimHandler;
  /** The answer when a handler throws. */
  onError?: (err: Error, req: SimRequest) => SimResponse;
  /** Waited before each request is handled (injected latency). */
  latencyMs?: () => number;
  /** close() drops open connections, requests in flight included, instead of waiting for them. */
  forceClose?: boolean;
}

export interface SimServer {
  url: string;
  /** The node server, for a WebSocket server on the same port. */
  http: Server;
  /** Requests received, unmatched ones included. */
  requestCount(): number;
  /** Runs first on close(): WebSocket servers close their sockets here. */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

/** A JSON answer: body is serialized unless it already is text. */
export function json(body: unknown, status = 200): SimResponse {
  return { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** The parameters of a request: the query, then (POST) a form body; a later value wins. */
export function formParams(req: SimRequest): Record<string, string> {
  const params = Object.fromEntries(req.query);
  if (req.method === 'POST') Object.assign(params, Object.fromEntries(new URLSearchParams(req.body.toString('utf8'))));
  return params;
}

const defaultError = (err: Error): SimResponse => ({ status: 500, contentType: 'text/plain', body: `simulator error: ${err.message}` });

export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
  let base = '';
  let requests = 0;
  const closers: Array<() => Promise<void> | void> = [];
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    bodyLimit: 64 * 1024 * 1024,
    forceCloseConnections: opts.forceClose ? true : 'idle',
    // WMS shipment ids (orderKey#warehouse) outgrow the default 100-character parameter.
    routerOptions: { maxParamLength: 512 },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addHook('onRequest', async () => {
    requests++;
  });
  const latency = opts.latencyMs;
  if (latency)
    app.addHook('preHandler', async () => {
      const ms = latency();
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    });

  const request = (req: FastifyRequest): SimRequest => {
    const url = new URL(req.url, base);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return {
      method: req.method,
      path: url.pathname,
      params: (req.params ?? {}) as Record<string, string>,
      query: url.searchParams,
      headers: req.headers,
      body,
      base,
    };
  };
  const answer = (reply: FastifyReply, res: SimResponse) => {
    reply.code(res.status ?? 200).headers(res.headers ?? {});
    if (res.body === undefined) return reply.send();
    return reply.type(res.contentType ?? opts.contentType ?? 'application/json').send(res.body);
  };
  const serve = (handler: SimHandler) => async (req: FastifyRequest, reply: FastifyReply) => answer(reply, await handler(request(req)));

  for (const route of opts.routes) {
    if (route.method === 'ANY') app.all(route.path, serve(route.handler));
    else app.route({ method: route.method, url: route.path, handler: serve(route.handler) });
  }
  app.setNotFoundHandler(serve(opts.notFound ?? (() => ({ status: 404 }))));
  app.setErrorHandler((err: Error, req, reply) => answer(reply, (opts.onError ?? defaultError)(err, request(req))));

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  base = address.replace('[::1]', '127.0.0.1');
  return {
    url: base,
    http: app.server,
    requestCount: () => requests,
    onClose: (fn) => {
      closers.push(fn);
    },
    async close() {
      for (const fn of closers) await fn();
      await app.close();
    },
  };
}
