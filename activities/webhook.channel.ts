import { createHmac } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';

/** Where and how to reach one receiver: a URL and a Standard Webhooks secret (`whsec_` + base64). */
export type WebhookTarget = { url: string; secret: string };

/**
 * Signs a body the Standard Webhooks way: HMAC-SHA256 over `id.timestamp.body`, keyed by the decoded secret.
 * Receivers verify it and de-duplicate on the id, which is why the id must be stable across retries.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * Posts one signed message. A 2xx is delivery; 408, 429 and 5xx are worth retrying (Temporal retries the
 * activity with backoff); any other status, a redirect included, is a permanent refusal.
 */
export async function postWebhook(
  target: WebhookTarget,
  message: { id: string; body: unknown },
  options: { now: () => Date; timeoutMs: number },
): Promise<{ status: number }> {
  const body = JSON.stringify(message.body);
  const timestamp = Math.floor(options.now().getTime() / 1000);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': message.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(target.secret, message.id, timestamp, body),
      },
      body,
      // A redirect could point a signed alert anywhere (SSRF): it is an answer, never followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new Error(`webhook ${message.id} to ${new URL(target.url).origin} failed: ${String(error)}`, {
      cause: error,
    });
  }
  await response.body?.cancel();
  if (response.ok) return { status: response.status };
  const detail = `webhook ${message.id} to ${new URL(target.url).origin} answered ${response.status}`;
  if (response.status === 408 || response.status === 429 || response.status >= 500) throw new Error(detail);
  throw ApplicationFailure.create({ type: 'WebhookRefused', message: detail, nonRetryable: true });
}
