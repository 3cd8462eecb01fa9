// Writes web/src/api/schema.d.ts from the API's own OpenAPI document, so the web app stops compiling when
// the API changes under it. No server needed: the document is built from the same zod schemas.
// `--check` only compares, for the spec that keeps the committed file current.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import openapiTS, { COMMENT_HEADER, astToString, type OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { openApiDocument } from '../api/openapi';

export const API_TYPES_FILE = path.join(__dirname, '../web/src/api/schema.d.ts');

/** The web client's types as the API's document has them today. */
export async function apiTypes(): Promise<string> {
  const ast = await openapiTS(openApiDocument() as unknown as OpenAPI3);
  const source = `${COMMENT_HEADER.replace('openapi-typescript', 'openapi-typescript (npm run api-types)')}${astToString(ast)}`;
  const options = (await resolveConfig(API_TYPES_FILE)) ?? {};
  return format(source, { ...options, filepath: API_TYPES_FILE });
}

async function main(): Promise<void> {
  const types = await apiTypes();
  if (process.argv.includes('--check')) {
    if (readFileSync(API_TYPES_FILE, 'utf8') !== types) {
      console.error('web/src/api/schema.d.ts is stale: run `npm run api-types`');
      process.exit(1);
    }
    return;
  }
  writeFileSync(API_TYPES_FILE, types);
  console.log(`wrote ${path.relative(process.cwd(), API_TYPES_FILE)}`);
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
