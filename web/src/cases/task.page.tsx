import { Link, useNavigate } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { TaskKind } from '../../../machines/case.events';
import { useCase } from '../api/queries';
import { DateTime } from '../i18n/format';
import { ErrorNotice, Loading } from '../ui/notices';
import { Page, Section } from '../ui/page';
import { CaseFacts, PersonSection, TaskSignals } from './case-sections';
import { anyCase } from './case-view';
import { ActorName, Facts } from './entries';
import { ClaimButton, TaskForm } from './task-actions';

/** One open task: when it is due, who holds it, and the form of the command that gets it done. */
export function TaskPage(props: { caseId: string; task: TaskKind }) {
  const { t } = useTranslation(['cases', 'enums']);
  const navigate = useNavigate();
  const query = useCase(props.caseId);
  const title = t(`enums:task.${props.task}`);
  if (query.isLoading)
    return (
      <Page title={title}>
        <Loading />
      </Page>
    );
  if (query.error || !query.data)
    return (
      <Page title={title}>
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      </Page>
    );
  const view = anyCase(query.data);
  const task = view.tasks?.find((open) => open.task === props.task);
  const caseLink = (
    <Link to="/cases/$caseId" params={{ caseId: props.caseId }}>
      {t('cases:task.toCase', { caseId: props.caseId })}
    </Link>
  );
  return (
    <Page title={title} lead={<p>{caseLink}</p>}>
      {task === undefined ? (
        <p role="status" className="notice">
          {t('cases:task.notOpen', { status: t(`enums:status.${view.status}`) })}
        </p>
      ) : (
        <>
          <Section title={t('cases:task.about')} id="task-about">
            <Facts
              rows={[
                [t('cases:tasks.role'), t(`enums:role.${task.role}`)],
                [
                  t('cases:tasks.due'),
                  task.dueAt ? <DateTime value={task.dueAt} relative /> : t('cases:tasks.noDue'),
                ],
                [
                  t('cases:tasks.signals'),
                  <TaskSignals
                    overdue={
                      task.escalatedTo !== null ||
                      (task.dueAt !== null && task.dueAt < new Date().toISOString())
                    }
                    escalatedTo={task.escalatedTo}
                  />,
                ],
                [
                  t('cases:tasks.holder'),
                  task.claimedBy ? <ActorName actor={task.claimedBy} /> : t('cases:task.nobody'),
                ],
              ]}
            />
            <p>
              <ClaimButton caseId={props.caseId} task={task} />
            </p>
          </Section>
          <Section title={t('cases:task.form')} id="task-form">
            <TaskForm
              caseId={props.caseId}
              task={task.task}
              onDone={() => void navigate({ to: '/cases/$caseId', params: { caseId: props.caseId } })}
            />
          </Section>
        </>
      )}
      <Section title={t('cases:overview')} id="task-case">
        <CaseFacts view={view} />
      </Section>
      <PersonSection view={view} />
    </Page>
  );
}
