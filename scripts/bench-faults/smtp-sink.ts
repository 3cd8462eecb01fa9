import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** What the sink keeps of each message: the delivery id its sender set, and its Message-ID. */
export type ReceivedMail = { deliveryId: string; messageId: string };

/**
 * An SMTP server on loopback that accepts every message and keeps its delivery id (duplicates included).
 * test/support/smtp-receiver.ts does the same for the tests but has no 'error' listener, so a sender
 * killed mid-session (a worker's SIGKILL: ECONNRESET) would crash the process; here it is counted.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  readonly connectionErrors: string[] = [];
  private server: SMTPServer | undefined;

  async start(): Promise<{ host: string; port: number }> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const headers = headersOf(Buffer.concat(chunks).toString('utf8'));
          this.received.push({
            deliveryId: headers['x-vermist-delivery-id'] ?? '',
            messageId: headers['message-id'] ?? '',
          });
          callback();
        });
      },
    });
    this.server.on('error', (error: NodeJS.ErrnoException) =>
      this.connectionErrors.push(error.code ?? error.message),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return { host: '127.0.0.1', port: (this.server.server.address() as AddressInfo).port };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The top-level headers of a message, unfolded, names lower-cased. */
function headersOf(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return Object.fromEntries(
    head.split(/\r?\n/).flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0 ? [[line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]] : [];
    }),
  );
}
