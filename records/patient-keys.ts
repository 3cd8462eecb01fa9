import { createHash, createHmac } from 'node:crypto';

/**
 * Pseudonymous patient keys (issue 15, item 3): HMAC-SHA256 of an institution and its own patient number
 * under a secret Vermist holds apart from the database. Patient numbers are short, so a key without the
 * secret would be reversed by trying every number; with it, the records store alone reveals nobody.
 */
export type PatientKeys = {
  /** A fingerprint of the secret, kept beside each key: which secret made it, never the secret itself. */
  keyId: string;
  /** The key of one patient of one institution. */
  of(institutionId: string, patientNumber: string): string;
};

/**
 * Keys under `secret` (32 bytes, `VERMIST_PATIENT_KEY_SECRET`). The secret is its own, not a payload key:
 * payload keys rotate, and a patient's key must never change, or a patient would get a second profile.
 */
export function createPatientKeys(secret: Buffer): PatientKeys {
  if (secret.length !== 32) throw new Error('the patient-key secret must be 32 bytes');
  // Bound to its one use, so the secret keys nothing else even if someone reuses it.
  const key = createHmac('sha256', secret).update('vermist patient keys').digest();
  return {
    keyId: createHash('sha256').update(key).digest('hex').slice(0, 16),
    // A JSON array, so no institution and number run into another pair's ("ab" + "1" is not "a" + "b1").
    of: (institutionId, patientNumber) =>
      createHmac('sha256', key)
        .update(JSON.stringify([institutionId, patientNumber]))
        .digest('hex'),
  };
}

/**
 * The secret of a store opened with payload keys alone (tests, tools): derived from the oldest payload key,
 * the last in the ring, which rotation leaves in place longest. A deployment sets its own secret; the
 * records store notices when profiles were keyed under another one (`PatientKeys.keyId`).
 */
export function derivedPatientKeySecret(payloadKeys: Buffer[]): Buffer {
  const oldest = payloadKeys.at(-1);
  if (!oldest) throw new Error('the records store needs at least one key');
  return createHmac('sha256', oldest).update('vermist patient-key secret').digest();
}
