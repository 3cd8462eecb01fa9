import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The first byte of a sealed value: what its plaintext is. A JSON value never opens as bytes, nor the reverse. */
const FORMAT_JSON = 1;
const FORMAT_BYTES = 2;
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
  /** Seals raw bytes (an image) as they are: as JSON they would grow by a third in base64. */
  sealBytes(bytes: Uint8Array, context: SealContext): Buffer;
  openBytes(sealed: Buffer | Uint8Array, context: SealContext): Buffer;
};

/** Builds a sealer over 32-byte keys; the first key seals. */
export function createSealer(keys: Buffer[]): Sealer {
  const [first] = keys;
  if (!first) throw new Error('the records store needs at least one key');
  for (const key of keys) if (key.length !== 32) throw new Error('records store keys must be 32 bytes');
  const byId = new Map(keys.map((key) => [keyId(key).toString('hex'), key]));
  const sealingKey = first;
  const currentId = keyId(first);

  function encrypt(format: number, plain: Uint8Array, context: SealContext): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', sealingKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(context));
    return Buffer.concat([
      Buffer.of(format),
      currentId,
      iv,
      cipher.update(plain),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
  }

  function decrypt(format: number, sealed: Buffer | Uint8Array, context: SealContext): Buffer {
    const data = Buffer.from(sealed);
    if (data[0] !== format) throw new Error(`sealed value of format ${data[0]}, expected ${format}`);
    const id = data.subarray(1, 1 + KEY_ID_BYTES).toString('hex');
    const key = byId.get(id);
    if (!key) throw new Error(`no records store key with id ${id} is configured`);
    const ivStart = 1 + KEY_ID_BYTES;
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(ivStart, ivStart + IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad(context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(data.subarray(ivStart + IV_BYTES, data.length - TAG_BYTES)),
      decipher.final(),
    ]);
  }

  return {
    seal: (value, context) => encrypt(FORMAT_JSON, Buffer.from(JSON.stringify(value), 'utf8'), context),
    open: <T>(sealed: Buffer | Uint8Array, context: SealContext) =>
      JSON.parse(decrypt(FORMAT_JSON, sealed, context).toString('utf8')) as T,
    sealBytes: (bytes, context) => encrypt(FORMAT_BYTES, bytes, context),
    openBytes: (sealed, context) => decrypt(FORMAT_BYTES, sealed, context),
  };
}

function aad({ table, id, field }: SealContext): Buffer {
  return Buffer.from(JSON.stringify(['vermist-records', table, id, field]), 'utf8');
}

function keyId(key: Buffer): Buffer {
  return createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES);
}
