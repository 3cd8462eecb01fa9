import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * What operators find a case by in the Temporal UI (the inbox reads the records store). Facts about the
 * case's handling only: never personal data, because visibility stores are indexed and widely readable.
 */
export const CaseSearchAttributes = {
  state: defineSearchAttributeKey('VermistState', SearchAttributeType.KEYWORD),
  region: defineSearchAttributeKey('VermistRegion', SearchAttributeType.KEYWORD),
  institution: defineSearchAttributeKey('VermistInstitution', SearchAttributeType.KEYWORD),
  risk: defineSearchAttributeKey('VermistRisk', SearchAttributeType.KEYWORD),
  urgent: defineSearchAttributeKey('VermistUrgent', SearchAttributeType.BOOL),
} as const;

/** `--search-attribute NAME=Type` flags for the Temporal CLI dev server, so the inbox works out of the box. */
export function devServerSearchAttributeFlags(): string[] {
  const typeNames: Record<string, string> = {
    [SearchAttributeType.KEYWORD]: 'Keyword',
    [SearchAttributeType.BOOL]: 'Bool',
    [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
    [SearchAttributeType.DATETIME]: 'Datetime',
  };
  return Object.values(CaseSearchAttributes).flatMap((key) => [
    '--search-attribute',
    `${key.name}=${typeNames[key.type]}`,
  ]);
}
