/**
 * A type as JSON carries it: zod types optional members as `| undefined`, JSON simply leaves them out. A
 * model's parsed value cast to the API document's body through this stops the build when the two part.
 */
export type AsJson<T> = T extends readonly (infer U)[]
  ? AsJson<U>[]
  : T extends object
    ? { [K in keyof T]: AsJson<Exclude<T[K], undefined>> }
    : T;
