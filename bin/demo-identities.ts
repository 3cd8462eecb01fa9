import type { Principal } from '../api/auth';
import type { DemoIdentity } from '../api/dev-sign-in.routes';

/**
 * Who one can be in the embedded default: one person per role, a clinic of a second institution to see
 * tenancy at work. The sign-in page lists them; `data/demo-tokens.env` exports a token for each.
 */
export const demoIdentities: readonly (DemoIdentity & { tokenVariable: string })[] = [
  identity('clinic', 'CLINIC_TOKEN', 'GGZ Noord, clinician', {
    sub: 'clinician.ggz-noord',
    role: 'clinic',
    institutionId: 'ggz-noord',
  }),
  identity('clinic-oost', 'CLINIC2_TOKEN', 'GGZ Oost, clinician', {
    sub: 'clinician.ggz-oost',
    role: 'clinic',
    institutionId: 'ggz-oost',
  }),
  identity('police-desk', 'POLICE_TOKEN', 'Police desk, Noord-Nederland', {
    sub: 'desk.noord',
    role: 'police_desk',
    region: 'noord-nl',
  }),
  identity('supervisor', 'SUPERVISOR_TOKEN', 'Police supervisor, Noord-Nederland', {
    sub: 'supervisor.noord',
    role: 'police_supervisor',
    region: 'noord-nl',
  }),
  identity('ambulance', 'AMBULANCE_TOKEN', 'Ambulance crew, Noord-Nederland', {
    sub: 'rav.noord',
    role: 'ambulance',
    region: 'noord-nl',
  }),
  identity('crisis-service', 'CRISIS_TOKEN', 'Crisis service, Noord-Nederland', {
    sub: 'crisis.noord',
    role: 'crisis_service',
    region: 'noord-nl',
  }),
];

function identity(id: string, tokenVariable: string, label: string, principal: Principal) {
  return { id, tokenVariable, label, principal };
}
