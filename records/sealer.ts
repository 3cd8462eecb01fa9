import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const FORMAT = 1;
const KEY_ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Where a sealed value belongs: it opens only there, so a value copied to another case or field fails. */
export type SealContext = { table: string; id: string; field: string };

/**
 * Encrypts values for the records store with AES-256-GCM under the payload key ring: the first key seals,
 * every key opens, so keys rotate as they do for Temporal payloads. The additional authenticated data binds
 * each value to its table, row and field.
 */
export type Sealer = {
  seal(value: unknown, context: SealContext): Buffer;
  open<T>(sealed: Buffer | Uint8Array, context: SealContext): T;
};

/** Builds a sealer over 32-byte keys; the first key seals. */
export function createSealer(keys: Buffer[]): Sealer {
  const [first] = keys;
  if (!first) throw new Error('the records store needs at least one key');
  for (const key of keys) if (key.length !== 32) throw new Error('records store keys must be 32 bytes');
  const byId = new Map(keys.map((key) => [keyId(key).toString('hex'), key]));
  const currentId = keyId(first);

  return {
    seal(value, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', first, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(context));
      const plain = Buffer.from(JSON.stringify(value), 'utf8');
      return Buffer.concat([
        Buffer.of(FORMAT),
        currentId,
        iv,
        cipher.update(plain),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
    },
    open<T>(sealed: Buffer | Uint8Array, context: SealContext): T {
      const data = Buffer.from(sealed);
      if (data[0] !== FORMAT) throw new Error(`sealed value of unknown format ${data[0]}`);
      const id = data.subarray(1, 1 + KEY_ID_BYTES).toString('hex');
      const key = byId.get(id);
      if (!key) throw new Error(`no records store key with id ${id} is configured`);
      const ivStart = 1 + KEY_ID_BYTES;
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(ivStart, ivStart + IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(aad(context));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(ivStart + IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return JSON.parse(plain.toString('utf8')) as T;
    },
  };
}

function aad({ table, id, field }: SealContext): Buffer {
  return Buffer.from(JSON.stringify(['vermist-records', table, id, field]), 'utf8');
}

function keyId(key: Buffer): Buffer {
  return createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES);
}
