import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypes } from '../../scripts/api-types';

describe("the web app's typed client", () => {
  it('is generated from the API as it is today (run `npm run api-types` when this fails)', async () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(await apiTypes());
  });
});
