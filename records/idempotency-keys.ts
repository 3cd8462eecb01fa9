import type { Kysely } from 'kysely';
import type { RecordsTables } from './records.tables';
import type { Sealer } from './sealer';

/** An answer as it went out: its HTTP status and its body (a case view or a problem). */
export type StoredAnswer = { status: number; body: unknown };

/** What a key was first used for, and what that request was answered. */
export type RememberedRequest = { requestHash: string; answer: StoredAnswer };

const SEAL = (owner: string, key: string) => ({
  table: 'idempotency_keys',
  id: JSON.stringify([owner, key]),
  field: 'answer',
});

/**
 * The first answer to each caller's Idempotency-Key. Answers hold case data, so they are sealed like the
 * case records; the key's owner and the request's hash are what a retry is matched on.
 */
export function createIdempotencyKeys(deps: { db: Kysely<RecordsTables>; sealer: Sealer }) {
  const { db, sealer } = deps;
  return {
    async find(owner: string, key: string): Promise<RememberedRequest | undefined> {
      const row = await db
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status', 'sealed'])
        .where('owner', '=', owner)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        requestHash: row.request_hash,
        answer: { status: row.status, body: sealer.open(row.sealed, SEAL(owner, key)) },
      };
    },

    /**
     * Keeps the first answer and returns what is kept: this one, or, when a concurrent request with the same
     * key finished first, that one's. Every caller of a key then answers alike.
     */
    async remember(
      owner: string,
      key: string,
      requestHash: string,
      answer: StoredAnswer,
    ): Promise<RememberedRequest> {
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({
          owner,
          key,
          request_hash: requestHash,
          status: answer.status,
          sealed: sealer.seal(answer.body, SEAL(owner, key)),
          created_at: new Date(),
        })
        .onConflict((oc) => oc.columns(['owner', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      if (inserted) return { requestHash, answer };
      const kept = await this.find(owner, key);
      if (!kept) throw new Error(`idempotency key ${key} was neither kept nor found`);
      return kept;
    },
  };
}

export type IdempotencyKeys = ReturnType<typeof createIdempotencyKeys>;
