/** One Server-Sent Event: its id (the feed entry's seq), its type and its data. */
export type SseMessage = { id: string | undefined; event: string; data: string };

/**
 * A parser for `text/event-stream` as the HTML standard defines it, fed text in arbitrary chunks: lines
 * end in CRLF, LF or CR; `:` lines are comments (the server's heartbeat); a blank line ends an event; the
 * last id persists across events.
 */
export function createSseParser(onMessage: (message: SseMessage) => void): (chunk: string) => void {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  let pendingCr = false;
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onMessage({ id, event: event || 'message', data: data.join('\n') });
      data = [];
      event = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  return (chunk) => {
    // A CR that ended the previous chunk already ended its line: a LF right after it belongs to it.
    let text = chunk;
    if (pendingCr && text.startsWith('\n')) text = text.slice(1);
    pendingCr = text.endsWith('\r');
    buffer += text;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    for (const l of lines) line(l);
  };
}
