import type { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CaseSearchAttributes } from '../workflows/case.search-attributes';

const INDEXED = temporal.api.enums.v1.IndexedValueType;
const indexedType: Record<SearchAttributeType, number> = {
  [SearchAttributeType.TEXT]: INDEXED.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: INDEXED.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: INDEXED.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: INDEXED.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: INDEXED.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: INDEXED.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: INDEXED.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the case search attributes in a namespace that lacks them (a fresh cluster, the test server).
 * Idempotent: attributes that already exist are left alone.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const known = new Set(Object.keys((await listCustom(connection, namespace)) ?? {}));
  const missing = Object.values(CaseSearchAttributes).filter((key) => !known.has(key.name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedType[key.type]])),
  });
}

/** The namespace's custom search attributes; undefined where the server cannot list them (the test server). */
async function listCustom(connection: Connection, namespace: string) {
  try {
    return (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes;
  } catch (error) {
    if ((error as { code?: number }).code === GRPC_UNIMPLEMENTED) return undefined;
    throw error;
  }
}

const GRPC_UNIMPLEMENTED = 12;
