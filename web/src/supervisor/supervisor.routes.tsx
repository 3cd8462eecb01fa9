import { createRoute } from '@tanstack/react-router';
import { authedRoute } from '../shell/authed.route';
import { AccessRecordsPage, AccessSearchSchema } from './access-records.page';
import { ClosedCasesPage } from './closed-cases.page';
import { SupervisorPage } from './overview.page';

/** `/supervisor`: overdue and escalated tasks, escalations, claims, failed deliveries, monitoring. */
export const supervisorRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/supervisor',
  component: SupervisorPage,
});

/** `/supervisor/closed`: the region's closed cases. */
export const closedCasesRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/supervisor/closed',
  component: ClosedCasesPage,
});

/** `/supervisor/access-records?caseId=&actor=&from=&to=`: the access-record search. */
export const accessRecordsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/supervisor/access-records',
  validateSearch: (search: Record<string, unknown>) => AccessSearchSchema.parse(search),
  component: function AccessRecords() {
    return <AccessRecordsPage search={accessRecordsRoute.useSearch()} />;
  },
});

export const supervisorRoutes = [supervisorRoute, closedCasesRoute, accessRecordsRoute];
