import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:net';

/**
 * `count` distinct loopback ports nobody listens on now, from `range` (inclusive). All are held open until
 * every one is found, so no two are the same; another process may still take one before its server binds,
 * which start-up then reports.
 */
export async function freePorts(
  count: number,
  range: [number, number] = [10_000, 32_767],
): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let tries = 0; servers.length < count; tries++) {
      if (tries > count * 50) throw new Error(`no ${count} free ports in ${range.join('-')}`);
      const server = await listening(randomInt(range[0], range[1] + 1));
      if (server) servers.push(server);
    }
    return servers.map((server) => (server.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Whether something already listens on a loopback port. */
export async function portTaken(port: number): Promise<boolean> {
  const server = await listening(port);
  if (!server) return true;
  await new Promise((resolve) => server.close(resolve));
  return false;
}

function listening(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
