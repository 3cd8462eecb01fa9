import type { LinkProps } from '@tanstack/react-router';
import type { Role } from '../../../machines/case.events';

/** One entry of the header navigation: where it goes, its label key in `common:nav`, and who sees it. */
export type NavItem = {
  to: NonNullable<LinkProps['to']>;
  label:
    | 'desk'
    | 'cases'
    | 'clinic'
    | 'report'
    | 'profiles'
    | 'profileTasks'
    | 'ambulance'
    | 'supervisor'
    | 'crisis';
  roles: readonly Role[];
};

/**
 * The screens in the header, in order. The first a role may see is its home after signing in. A new screen
 * adds one line here (and its label to `common:nav` in both languages).
 */
export const navItems: NavItem[] = [
  { to: '/desk', label: 'desk', roles: ['police_desk', 'police_supervisor'] },
  { to: '/clinic', label: 'clinic', roles: ['clinic'] },
  { to: '/clinic/report', label: 'report', roles: ['clinic'] },
  { to: '/clinic/profiles', label: 'profiles', roles: ['clinic'] },
  { to: '/clinic/profile-tasks', label: 'profileTasks', roles: ['clinic'] },
  { to: '/cases', label: 'cases', roles: ['police_desk', 'police_supervisor'] },
  { to: '/supervisor', label: 'supervisor', roles: ['police_supervisor'] },
  { to: '/ambulance', label: 'ambulance', roles: ['ambulance'] },
  { to: '/crisis', label: 'crisis', roles: ['crisis_service'] },
];

export const navFor = (role: Role): NavItem[] => navItems.filter((item) => item.roles.includes(role));
