import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The metadata a payload's ciphertext is bound to: changing its encoding or key id breaks the tag. */
const aad = (keyId: string) => Buffer.from(`${ENCODING}\n${keyId}`);

/**
 * Encrypts every payload (workflow inputs, results, Update arguments, query answers, activity arguments)
 * with AES-256-GCM before it reaches Temporal, so histories hold no personal or health data in clear text.
 * Keys are named by a fingerprint; old keys stay listed for decryption so keys can rotate. The tag is
 * always 16 bytes and covers the metadata too, and a payload that is not encrypted is refused: whoever can
 * write to Temporal must not slip a plaintext command past the key.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly current: { id: string; key: Buffer };
  private readonly byId: Map<string, Buffer>;

  /** @param keys 32-byte AES keys; the first encrypts, all decrypt. */
  constructor(keys: Buffer[]) {
    const [first] = keys;
    if (!first) throw new ValueError('EncryptionCodec needs at least one key');
    for (const key of keys) if (key.length !== 32) throw new ValueError('encryption keys must be 32 bytes');
    this.byId = new Map(keys.map((key) => [keyId(key), key]));
    this.current = { id: keyId(first), key: first };
  }

  // Async so that a refusal is a rejected promise, as the SDK and callers expect, never a synchronous throw.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return this.encodeAll(payloads);
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return this.decodeAll(payloads);
  }

  private encodeAll(payloads: Payload[]): Payload[] {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(this.current.id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCODING),
          [KEY_ID]: Buffer.from(this.current.id),
        },
        data,
      };
    });
  }

  private decodeAll(payloads: Payload[]): Payload[] {
    return payloads.map((payload) => {
      const encoding = Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString();
      if (encoding !== ENCODING)
        throw new ValueError(`refusing a payload that is not encrypted (${encoding})`);
      const id = Buffer.from(payload.metadata?.[KEY_ID] ?? []).toString();
      const key = this.byId.get(id);
      if (!key) throw new ValueError(`no decryption key with id ${id} is configured`);
      const data = Buffer.from(payload.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('an encrypted payload is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
