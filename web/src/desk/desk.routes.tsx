import { createRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { RoleSchema } from '../../../machines/case.events';
import { CaseStatusSchema } from '../../../machines/case.status';
import { RiskGradeSchema } from '../../../machines/report.schema';
import { authedRoute } from '../shell/authed.route';
import { defined } from '../ui/defined';
import { InboxPage } from './inbox.page';

/** The inbox filters, kept in the URL; a value the API would refuse is dropped rather than sent. */
const InboxSearchSchema = z.object({
  role: RoleSchema.optional().catch(undefined),
  state: CaseStatusSchema.exclude(['closed']).optional().catch(undefined),
  risk: RiskGradeSchema.optional().catch(undefined),
  overdue: z.enum(['true', 'false']).optional().catch(undefined),
  assigned: z.enum(['me', 'none']).optional().catch(undefined),
});

/** `/desk`: the police desk's task inbox. */
export const deskRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/desk',
  validateSearch: InboxSearchSchema,
  component: function DeskRoute() {
    const search = deskRoute.useSearch();
    const navigate = deskRoute.useNavigate();
    return (
      <InboxPage
        filter={defined(search)}
        onFilter={(next) => void navigate({ search: InboxSearchSchema.parse(next) })}
      />
    );
  },
});

export const deskRoutes = [deskRoute];
