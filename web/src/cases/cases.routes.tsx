import { createRoute } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { TaskKindSchema } from '../../../machines/case.events';
import { CaseStatusSchema } from '../../../machines/case.status';
import { RiskGradeSchema } from '../../../machines/report.schema';
import { authedRoute } from '../shell/authed.route';
import { defined } from '../ui/defined';
import { Page } from '../ui/page';
import { CasePage } from './case.page';
import { CaseTable } from './case-list';
import { TaskPage } from './task.page';
import { Filters } from '../desk/filters';

const CaseListSearchSchema = z.object({
  state: CaseStatusSchema.optional().catch(undefined),
  risk: RiskGradeSchema.optional().catch(undefined),
  open: z.enum(['true', 'false']).optional().catch(undefined),
});

/** `/cases`: the cases of the caller's tenant, filtered by status, risk and open or closed. */
export const casesRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/cases',
  validateSearch: CaseListSearchSchema,
  component: function CasesPage() {
    const { t } = useTranslation('cases');
    const search = casesRoute.useSearch();
    const navigate = casesRoute.useNavigate();
    return (
      <Page title={t('list.title')}>
        <Filters
          legend={t('list.filters')}
          values={defined(search)}
          fields={['state', 'risk', 'open']}
          onChange={(next) => void navigate({ search: CaseListSearchSchema.parse(next) })}
        />
        <CaseTable filter={defined(search)} caption={t('list.caption')} />
      </Page>
    );
  },
});

/** `/cases/$caseId`: one case, in the caller's projection. */
export const caseRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/cases/$caseId',
  component: function CaseRoute() {
    const { caseId } = caseRoute.useParams();
    return <CasePage key={caseId} caseId={caseId} />;
  },
});

/** `/cases/$caseId/tasks/$task`: one open task and its form. */
export const taskRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/cases/$caseId/tasks/$task',
  params: {
    parse: (params) => ({ caseId: params.caseId, task: TaskKindSchema.parse(params.task) }),
    stringify: (params) => ({ caseId: params.caseId, task: params.task }),
  },
  component: function TaskRoute() {
    const { caseId, task } = taskRoute.useParams();
    return <TaskPage key={`${caseId}/${task}`} caseId={caseId} task={task} />;
  },
});

export const caseRoutes = [casesRoute, caseRoute, taskRoute];
