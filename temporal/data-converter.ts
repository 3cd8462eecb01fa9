import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption.codec';

/** The one data converter client and worker share: JSON payloads, encrypted at rest in Temporal. */
export function createDataConverter(keys: Buffer[]): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}
