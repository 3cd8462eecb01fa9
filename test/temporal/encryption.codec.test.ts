import { randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../temporal/encryption.codec';

const plain = (text: string): Payload => ({
  metadata: { [METADATA_ENCODING_KEY]: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(text)),
});
const textOf = (payload: Payload) => JSON.parse(Buffer.from(payload.data!).toString()) as string;

describe('EncryptionCodec', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('round-trips a payload, and its bytes hold no clear text', async () => {
    const codec = new EncryptionCodec([newKey]);
    const [sealed] = await codec.encode([plain('Jan de Vries')]);
    expect(Buffer.from(sealed!.data!).toString('latin1')).not.toContain('Jan de Vries');
    expect(textOf((await codec.decode([sealed!]))[0]!)).toBe('Jan de Vries');
  });

  it('opens what an older key sealed after rotation, and seals with the new one', async () => {
    const [before] = await new EncryptionCodec([oldKey]).encode([plain('before')]);
    const rotated = new EncryptionCodec([newKey, oldKey]);
    expect(textOf((await rotated.decode([before!]))[0]!)).toBe('before');
    const [after] = await rotated.encode([plain('after')]);
    await expect(new EncryptionCodec([oldKey]).decode([after!])).rejects.toThrow(/no decryption key/);
  });

  it('refuses a payload sealed under a key it does not have', async () => {
    const [sealed] = await new EncryptionCodec([oldKey]).encode([plain('x')]);
    await expect(new EncryptionCodec([newKey]).decode([sealed!])).rejects.toThrow(
      /no decryption key with id/,
    );
  });

  it('refuses a tampered ciphertext', async () => {
    const codec = new EncryptionCodec([newKey]);
    const [sealed] = await codec.encode([plain('acknowledge')]);
    const data = Buffer.from(sealed!.data!);
    data[14]! ^= 0x01;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow();
  });

  it('refuses a payload relabelled with another configured key id', async () => {
    const codec = new EncryptionCodec([newKey, oldKey]);
    const [sealed] = await new EncryptionCodec([oldKey]).encode([plain('x')]);
    // Claim the ciphertext was made under the other configured key: the bytes no longer open.
    const [other] = await new EncryptionCodec([newKey]).encode([plain('y')]);
    const relabelled = {
      ...sealed!,
      metadata: { ...sealed!.metadata, 'encryption-key-id': other!.metadata!['encryption-key-id']! },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow();
  });

  it('refuses a truncated tag', async () => {
    const codec = new EncryptionCodec([newKey]);
    const [sealed] = await codec.encode([plain('x')]);
    const data = Buffer.from(sealed!.data!).subarray(0, sealed!.data!.length - 4);
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow();
  });

  it('refuses a payload that is not encrypted', async () => {
    await expect(new EncryptionCodec([newKey]).decode([plain('{"type":"case.close"}')])).rejects.toThrow(
      /not encrypted/,
    );
  });
});
