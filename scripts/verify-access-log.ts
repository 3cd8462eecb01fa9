// `npm run verify-access-log -- [--records URL_OR_DIR] [--partition REGION]`: recomputes the access log's
// hash chains and exits 1 when any is broken, so a scheduler or an auditor can run it as is.
import { parseArgs } from 'node:util';
import { createAccessLog, type PartitionCheck } from '../records/access-log';
import { openRecordsDatabase } from '../records/records.database';

/** One line per partition: its name, how many rows it holds, and whether its chain holds. */
export function describeCheck(check: PartitionCheck): string {
  const verdict = check.ok ? 'ok' : `BROKEN at position ${check.firstBrokenPosition}: ${check.reason}`;
  return `${check.partition}\t${check.rows} rows\t${verdict}`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string', default: 'data/records' },
      partition: { type: 'string' },
    },
    strict: true,
  });
  const database = await openRecordsDatabase(values.records);
  try {
    const { partitions } = await createAccessLog({ db: database.db }).verify(values.partition);
    for (const check of partitions) console.log(describeCheck(check));
    if (partitions.length === 0) console.log('no access log partitions');
    return partitions.every((check) => check.ok) ? 0 : 1;
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 2;
    },
  );
}
