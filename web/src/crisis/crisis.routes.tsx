import { createRoute } from '@tanstack/react-router';
import { authedRoute } from '../shell/authed.route';
import { CrisisCasePage } from './crisis-case.page';
import { CrisisTasksPage } from './crisis-tasks.page';

/** `/crisis`: the crisis service's open assessments. */
export const crisisRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/crisis',
  component: CrisisTasksPage,
});

/** `/crisis/{caseId}`: the case in the service's view, and the assessment form. */
export const crisisCaseRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/crisis/$caseId',
  component: function CrisisCase() {
    const { caseId } = crisisCaseRoute.useParams();
    return <CrisisCasePage key={caseId} caseId={caseId} />;
  },
});

export const crisisRoutes = [crisisRoute, crisisCaseRoute];
