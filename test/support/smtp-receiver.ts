import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type ReceivedEmail = {
  messageId: string;
  to: string[];
  subject: string;
  headers: Record<string, string>;
  raw: string;
  /** Every MIME part's body, transfer encoding undone: what a reader sees, for content assertions. */
  decoded: string;
};

/**
 * A real SMTP server (the `smtp-server` package) on a free local port. It keeps every message it accepted,
 * duplicates included, so tests can prove that a retry did not send twice.
 */
export class SmtpReceiver {
  readonly received: ReceivedEmail[] = [];
  /** Replies to give, in order, before accepting messages: e.g. [451] to make the sender retry. */
  readonly script: number[] = [];
  /** Which messages the script answers (by their headers); the others are accepted as usual. */
  scriptFor: (headers: Record<string, string>) => boolean = () => true;
  private server: SMTPServer | undefined;

  private port = 0;

  async start(): Promise<{ host: string; port: number }> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const headers = parseHeaders(raw);
          const next = this.scriptFor(headers) ? this.script.shift() : undefined;
          if (next !== undefined) {
            return callback(Object.assign(new Error(`scripted ${next}`), { responseCode: next }));
          }
          this.received.push({
            messageId: headers['message-id'] ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: headers.subject ?? '',
            headers,
            raw,
            decoded: decodeParts(raw),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.address();
  }

  address(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Messages about one case, by the delivery header the sender sets. */
  forCase(caseId: string): ReceivedEmail[] {
    return this.received.filter((m) =>
      (m.headers['x-vermist-delivery-id'] ?? '').startsWith(`ntf.${caseId}.`),
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The top-level headers of a message, unfolded, names lower-cased. */
function parseHeaders(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return Object.fromEntries(
    head.split(/\r?\n/).flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0 ? [[line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]] : [];
    }),
  );
}

/** Undoes quoted-printable and base64 in each part, so a word is found even where the encoder broke it. */
function decodeParts(raw: string): string {
  return raw
    .split(/\r?\n--[^\r\n]+\r?\n/)
    .map((part) => {
      const [head = '', ...rest] = part.split(/\r?\n\r?\n/);
      const body = rest.join('\n\n');
      const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
      if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (encoding === 'quoted-printable') {
        const bytes = body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        return Buffer.from(bytes, 'latin1').toString('utf8');
      }
      return body;
    })
    .join('\n');
}
