/** A field that failed validation: where it is (dotted path) and why. */
export type FieldError = { path: string; message: string };

/**
 * A known error that renders itself as application/problem+json (RFC 9457). Anything that is not a
 * Problem is a bug: the error middleware logs it and answers a plain 500.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extras: { errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }

  get type(): string {
    return `https://vermist.nl/problems/${this.title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  }

  /** What a problem needs to be told again later (a retried request's first answer). */
  toJson(): { status: number; title: string; detail: string; extras: Problem['extras'] } {
    return { status: this.status, title: this.title, detail: this.message, extras: this.extras };
  }

  static fromJson(json: unknown): Problem {
    const { status, title, detail, extras } = json as ReturnType<Problem['toJson']>;
    return new Problem(status, title, detail, extras);
  }
}

export const badRequest = (detail: string, errors: FieldError[]) =>
  new Problem(400, 'Invalid request', detail, { errors });
export const notFound = (detail: string) => new Problem(404, 'Not found', detail);
export const conflict = (detail: string, extras: Record<string, unknown> = {}) =>
  new Problem(409, 'Conflict', detail, extras);
