import { useQueryClient } from '@tanstack/react-query';
import type { FormValues } from '../forms/form-values';

/**
 * Drafts of a report hold special-category personal data. The working copy lives in memory (the query
 * cache, which signing out empties), so leaving the form and coming back keeps it for as long as the tab
 * is open. Only on the user's explicit "save draft", after a warning, is it also kept in this tab's
 * sessionStorage, to survive a reload; it goes when the tab closes, on filing, on discarding and on signing
 * out. Nothing is put in localStorage.
 */
const STORAGE_PREFIX = 'vermist.draft.report.';

export function useReportDraft(sub: string) {
  const queryClient = useQueryClient();
  const key = ['draft', 'report', sub] as const;
  queryClient.setQueryDefaults(['draft'], { gcTime: Infinity, staleTime: Infinity });
  return {
    inMemory: (): FormValues | undefined => queryClient.getQueryData<FormValues>(key),
    keep: (values: FormValues) => queryClient.setQueryData(key, values),
    stored(): FormValues | null {
      try {
        const raw = sessionStorage.getItem(STORAGE_PREFIX + sub);
        return raw === null ? null : (JSON.parse(raw) as FormValues);
      } catch {
        return null;
      }
    },
    save(values: FormValues): boolean {
      try {
        sessionStorage.setItem(STORAGE_PREFIX + sub, JSON.stringify(values));
        return true;
      } catch {
        return false;
      }
    },
    discard() {
      queryClient.removeQueries({ queryKey: key });
      try {
        sessionStorage.removeItem(STORAGE_PREFIX + sub);
      } catch {
        // Storage disabled: nothing was kept there.
      }
    },
  };
}

/** Removes every saved report draft of this tab: on signing out, nothing personal stays behind. */
export function clearStoredDrafts(): void {
  try {
    for (const key of Object.keys(sessionStorage))
      if (key.startsWith(STORAGE_PREFIX)) sessionStorage.removeItem(key);
  } catch {
    // Storage disabled: nothing was kept there.
  }
}
