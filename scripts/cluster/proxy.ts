import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/** One API instance behind the proxy. */
export type Upstream = { name: string; host: string; port: number };

/** The header that says which instance answered, so tests can see both take part. */
export const UPSTREAM_HEADER = 'x-vermist-upstream';

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)),
  );
}

/**
 * The cluster's one address: a round-robin reverse proxy over the API instances, as a load balancer in
 * front of the compose file's replicas would be. It streams both ways without buffering, so Server-Sent
 * Events (`/v1/feed/stream`) pass through as they are written, and it retries nothing: a request whose
 * instance is down is answered 502, and the client retries with its Idempotency-Key, as it would in
 * production. It says who the client is with the usual X-Forwarded-* headers.
 */
export function createProxy(upstreams: Upstream[]): Server {
  if (upstreams.length === 0) throw new Error('a proxy needs at least one upstream');
  const agent = new Agent({ keepAlive: true });
  let next = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const upstream = upstreams[next++ % upstreams.length]!;
    const client = req.socket.remoteAddress ?? '';
    const headers = forwardable(req.headers);
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], client].filter(Boolean).join(', ');
    headers['x-forwarded-proto'] = 'http';
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;

    const outgoing = httpRequest({
      agent,
      host: upstream.host,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    });
    outgoing.on('response', (incoming) => {
      res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, {
        ...forwardable(incoming.headers),
        [UPSTREAM_HEADER]: upstream.name,
      });
      // Headers go out now, not with the first body chunk: an event stream's may come much later.
      res.flushHeaders();
      // Each event must reach the client at once: no Nagle delay on the way out.
      res.socket?.setNoDelay(true);
      incoming.pipe(res);
      incoming.on('error', () => res.destroy());
    });
    outgoing.on('error', (error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'application/problem+json', [UPSTREAM_HEADER]: upstream.name });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Bad Gateway',
          status: 502,
          detail: `API instance ${upstream.name} did not answer (${(error as NodeJS.ErrnoException).code ?? error.message}); retry with the same Idempotency-Key`,
        }),
      );
    });
    // A client that goes away (a closed event stream) ends the request to the instance too.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  });
  server.on('close', () => agent.destroy());
  return server;
}
