import { createRouter } from '@tanstack/react-router';
import { ambulanceRoutes } from './ambulance/ambulance.routes';
import { callbackRoute, signInRoute } from './auth/sign-in.page';
import { caseRoutes } from './cases/cases.routes';
import { clinicRoutes } from './clinic/clinic.routes';
import { crisisRoutes } from './crisis/crisis.routes';
import { deskRoutes } from './desk/desk.routes';
import { profileRoutes } from './profiles/profiles.routes';
import { authedRoute, homeRoute } from './shell/authed.route';
import { rootRoute, type RouterContext } from './shell/root.route';
import { supervisorRoutes } from './supervisor/supervisor.routes';

/**
 * The route tree, in code. A screen exports its routes (children of `authedRoute` when they need a
 * signed-in user) and adds them to the list below.
 */
const routeTree = rootRoute.addChildren([
  signInRoute,
  callbackRoute,
  authedRoute.addChildren([
    homeRoute,
    ...deskRoutes,
    ...caseRoutes,
    ...clinicRoutes,
    ...profileRoutes,
    ...ambulanceRoutes,
    ...supervisorRoutes,
    ...crisisRoutes,
  ]),
]);

export function createAppRouter(context: RouterContext) {
  return createRouter({ routeTree, context, scrollRestoration: true, defaultPreload: false });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
