import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { TaskKind } from '../../../machines/case.events';
import { useApi } from './api-context';
import { useIdempotencyKey } from './idempotency-key';
import { ApiError, unwrap, type CaseListFilter, type CaseResponse, type TaskFilter } from './client';
import { segmentOf, type ActionCommand, type ActionPath, type TaskPath, type TaskVerb } from './commands';

/** Query keys: the feed invalidates by their first element (and the case id). */
export const keys = {
  tasks: (filter: TaskFilter) => ['tasks', filter] as const,
  cases: (filter: CaseListFilter) => ['cases', filter] as const,
  case: (caseId: string) => ['case', caseId] as const,
  timeline: (caseId: string) => ['timeline', caseId] as const,
  photo: (caseId: string, ref: string) => ['photo', caseId, ref] as const,
};

/** The task inbox, page by page (`nextCursor`); refreshed by the feed, and every 30 s besides. */
export function useTasks(filter: Omit<TaskFilter, 'cursor'>) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: keys.tasks(filter),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/v1/tasks', {
          params: { query: { ...filter, ...(pageParam !== undefined && { cursor: pageParam }) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

/** The caller's cases, newest first, page by page. */
export function useCases(filter: Omit<CaseListFilter, 'cursor'>) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: keys.cases(filter),
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      unwrap(
        await api.GET('/v1/cases', {
          params: { query: { ...filter, ...(pageParam !== undefined && { cursor: pageParam }) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** One case in the caller's projection. Each read is an access record, so it is not polled. */
export function useCase(caseId: string) {
  const api = useApi();
  return useQuery({
    queryKey: keys.case(caseId),
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/cases/{caseId}', { params: { path: { caseId } }, signal })) as CaseResponse,
  });
}

export function useTimeline(caseId: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: keys.timeline(caseId),
    enabled,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET('/v1/cases/{caseId}/timeline', { params: { path: { caseId } }, signal })),
  });
}

/**
 * The photo of the person as an object URL: fetched with the bearer token (an `<img src>` cannot send it),
 * revoked when the screen no longer shows it. Null while loading, or when there is none to show.
 */
export function usePhotoUrl(caseId: string, photoRef: string | undefined) {
  const api = useApi();
  const photo = useQuery({
    queryKey: keys.photo(caseId, photoRef ?? ''),
    enabled: photoRef !== undefined,
    staleTime: Infinity,
    gcTime: 0,
    queryFn: async ({ signal }) => {
      const result = await api.GET('/v1/cases/{caseId}/photo', {
        params: { path: { caseId } },
        parseAs: 'blob',
        signal,
      });
      return unwrap(result);
    },
  });
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!photo.data) return;
    const objectUrl = URL.createObjectURL(photo.data);
    setUrl(objectUrl);
    return () => {
      URL.revokeObjectURL(objectUrl);
      setUrl(null);
    };
  }, [photo.data]);
  return { url, isLoading: photo.isLoading, error: photo.error };
}

/** What a command goes to: a lifecycle action of the case, or a verb on one of its tasks. */
export type CommandTarget =
  { kind: 'action'; type: ActionCommand } | { kind: 'task'; task: TaskKind; verb: TaskVerb };

/** After a command: the answer is the case as it now stands; lists and the timeline follow. */
function useAfterCommand() {
  const queryClient = useQueryClient();
  return (caseId: string, view: CaseResponse | null) => {
    if (view !== null) queryClient.setQueryData(keys.case(caseId), view);
    else void queryClient.invalidateQueries({ queryKey: keys.case(caseId) });
    void queryClient.invalidateQueries({ queryKey: ['tasks'] });
    void queryClient.invalidateQueries({ queryKey: ['cases'] });
    void queryClient.invalidateQueries({ queryKey: keys.timeline(caseId) });
  };
}

/** Sends one command on a case, with its own Idempotency-Key per user action. */
export function useCommand(caseId: string) {
  const api = useApi();
  const idempotency = useIdempotencyKey();
  const after = useAfterCommand();
  return useMutation({
    mutationFn: async ({ target, body }: { target: CommandTarget; body: object }) => {
      const key = idempotency.keyFor(JSON.stringify([caseId, target, body]));
      const header = { 'Idempotency-Key': key };
      // One call for every route of the same shape; the paths are checked against the API in commands.ts.
      const result =
        target.kind === 'action'
          ? await api.POST(
              `/v1/cases/{caseId}/${segmentOf(target.type)}` as ActionPath & '/v1/cases/{caseId}/acknowledge',
              {
                params: { path: { caseId }, header },
                body: body as never,
              },
            )
          : await api.POST(
              `/v1/cases/{caseId}/tasks/{task}/${target.verb}` as TaskPath &
                '/v1/cases/{caseId}/tasks/{task}/claim',
              {
                params: { path: { caseId, task: target.task }, header },
                body: body as never,
              },
            );
      return unwrap(result);
    },
    onSuccess: (view) => {
      idempotency.settle(null);
      after(caseId, view);
    },
    onError: (error) => {
      idempotency.settle(error);
      if (error instanceof ApiError && error.status === 409) after(caseId, null);
    },
  });
}

/** Puts the photo of the person (JPEG or PNG, sent as its own content type). */
export function usePutPhoto(caseId: string) {
  const api = useApi();
  const idempotency = useIdempotencyKey();
  const after = useAfterCommand();
  return useMutation({
    mutationFn: async (file: File) => {
      const key = idempotency.keyFor(JSON.stringify([caseId, file.name, file.size, file.lastModified]));
      const result = await api.PUT('/v1/cases/{caseId}/photo', {
        params: { path: { caseId }, header: { 'Idempotency-Key': key } },
        body: file as unknown as string,
        bodySerializer: (body: unknown) => body as Blob,
        headers: { 'Content-Type': file.type },
      });
      return unwrap(result);
    },
    onSuccess: (view) => {
      idempotency.settle(null);
      after(caseId, view);
    },
    onError: (error) => idempotency.settle(error),
  });
}

/** Files a report (`POST /v1/cases`); filing the same report id again answers the same case. */
export function useFileReport() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: object) => {
      const result = await api.POST('/v1/cases', { body: body as never });
      return unwrap(result);
    },
    onSuccess: (view) => {
      queryClient.setQueryData(keys.case(view.caseId), view);
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
}
