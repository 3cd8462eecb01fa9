import { createRoute } from '@tanstack/react-router';
import { authedRoute } from '../shell/authed.route';
import { TransportPage } from './transport.page';
import { TransportsPage } from './transports.page';

/** `/ambulance`: the crew's open transports. */
export const ambulanceRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/ambulance',
  component: TransportsPage,
});

/** `/ambulance/{caseId}`: one transport, worked on a phone. */
export const transportRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/ambulance/$caseId',
  component: function Transport() {
    const { caseId } = transportRoute.useParams();
    return <TransportPage key={caseId} caseId={caseId} />;
  },
});

export const ambulanceRoutes = [ambulanceRoute, transportRoute];
