import { ApplicationFailure } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';

/** One e-mail as the channel sends it: the Message-ID is derived from the delivery id, so it is stable. */
export type EmailMessage = {
  from: string;
  to: string[];
  messageId: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
};

/**
 * Sends one e-mail over SMTP. A 5xx reply is a permanent refusal (an unknown mailbox will not appear on
 * retry); connection trouble and 4xx replies are worth retrying, which Temporal does with backoff.
 */
export async function sendEmail(transport: Transporter, mail: EmailMessage): Promise<{ response: string }> {
  try {
    const info = (await transport.sendMail(mail)) as { response?: string };
    return { response: info.response ?? '' };
  } catch (error) {
    const failure = error as { responseCode?: number; code?: string; message?: string };
    // A contact person's address is personal data: it must not reach the case's record or the supervisor.
    const said = (failure.message ?? String(error)).replace(/[^\s<>@"']+@[^\s<>@"']+/g, '<address>');
    const detail = `e-mail ${mail.messageId} failed: ${failure.code ?? 'error'} ${said}`;
    if (typeof failure.responseCode === 'number' && failure.responseCode >= 500) {
      throw ApplicationFailure.create({ type: 'EmailRefused', message: detail, nonRetryable: true });
    }
    throw new Error(detail, { cause: error });
  }
}
