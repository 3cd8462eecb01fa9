import { describe, expect, it } from 'vitest';
import { createSseParser, type SseMessage } from './sse';

const parse = (...chunks: string[]) => {
  const messages: SseMessage[] = [];
  const feed = createSseParser((m) => messages.push(m));
  for (const chunk of chunks) feed(chunk);
  return messages;
};

describe('createSseParser', () => {
  it('reads an event with its id, type and data', () => {
    expect(parse('id: 7\nevent: case.reported\ndata: {"a":1}\n\n')).toEqual([
      { id: '7', event: 'case.reported', data: '{"a":1}' },
    ]);
  });

  it('joins an event split across chunks anywhere, a CRLF split between two chunks included', () => {
    expect(parse('id: 1\r\ndata: a\r', '\nda', 'ta: b\r\n', '\r\n')).toEqual([
      { id: '1', event: 'message', data: 'a\nb' },
    ]);
  });

  it('skips comment lines (the heartbeat) and keeps the last id for later events', () => {
    expect(parse(': heartbeat\n\nid: 3\ndata: a\n\ndata: b\n\n')).toEqual([
      { id: '3', event: 'message', data: 'a' },
      { id: '3', event: 'message', data: 'b' },
    ]);
  });

  it('joins multi-line data with newlines and ignores an event without data', () => {
    expect(parse('event: x\n\ndata: one\ndata: two\n\n')).toEqual([
      { id: undefined, event: 'message', data: 'one\ntwo' },
    ]);
  });

  it('does not emit an event until its blank line arrives', () => {
    expect(parse('id: 9\ndata: pending\n')).toEqual([]);
  });
});
