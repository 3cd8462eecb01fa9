import { createRoute } from '@tanstack/react-router';
import { authedRoute } from '../shell/authed.route';
import { NewProfilePage } from './new-profile.page';
import { ProfileListPage } from './profile-list.page';
import { ProfileTasksPage } from './profile-tasks.page';
import { ProfilePage } from './profile.page';

declare module '@tanstack/history' {
  interface HistoryState {
    /** Set when an erasure brings the user to the list: the profile they were on is gone. */
    profileErased?: boolean;
  }
}

/** `/clinic/profiles`: the clinic's patient profiles. */
export const profilesRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/clinic/profiles',
  component: ProfileListPage,
});

/** `/clinic/profiles/new`: a new profile. */
export const newProfileRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/clinic/profiles/new',
  component: NewProfilePage,
});

/** `/clinic/profiles/$profileId`: one profile, its versions, and "report missing". */
export const profileRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/clinic/profiles/$profileId',
  component: function ProfileRoute() {
    const { profileId } = profileRoute.useParams();
    return <ProfilePage key={profileId} profileId={profileId} />;
  },
});

/** `/clinic/profile-tasks`: the open tasks the clinic's profiles ask for. */
export const profileTasksRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/clinic/profile-tasks',
  component: ProfileTasksPage,
});

export const profileRoutes = [profilesRoute, newProfileRoute, profileRoute, profileTasksRoute];
