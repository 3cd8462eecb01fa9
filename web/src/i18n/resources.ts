import enAmbulance from '../locales/en/ambulance.json';
import enAuth from '../locales/en/auth.json';
import enCare from '../locales/en/care.json';
import enCrisis from '../locales/en/crisis.json';
import enCases from '../locales/en/cases.json';
import enClinic from '../locales/en/clinic.json';
import enCommon from '../locales/en/common.json';
import enDesk from '../locales/en/desk.json';
import enEnums from '../locales/en/enums.json';
import enFields from '../locales/en/fields.json';
import enProfiles from '../locales/en/profiles.json';
import enSupervisor from '../locales/en/supervisor.json';
import enValidation from '../locales/en/validation.json';
import nlAmbulance from '../locales/nl/ambulance.json';
import nlAuth from '../locales/nl/auth.json';
import nlCare from '../locales/nl/care.json';
import nlCrisis from '../locales/nl/crisis.json';
import nlCases from '../locales/nl/cases.json';
import nlClinic from '../locales/nl/clinic.json';
import nlCommon from '../locales/nl/common.json';
import nlDesk from '../locales/nl/desk.json';
import nlEnums from '../locales/nl/enums.json';
import nlFields from '../locales/nl/fields.json';
import nlProfiles from '../locales/nl/profiles.json';
import nlSupervisor from '../locales/nl/supervisor.json';
import nlValidation from '../locales/nl/validation.json';

/** One JSON file per namespace per language; a new screen adds its namespace to both lists. */
const nl = {
  common: nlCommon,
  auth: nlAuth,
  enums: nlEnums,
  fields: nlFields,
  validation: nlValidation,
  desk: nlDesk,
  cases: nlCases,
  clinic: nlClinic,
  care: nlCare,
  ambulance: nlAmbulance,
  supervisor: nlSupervisor,
  crisis: nlCrisis,
  profiles: nlProfiles,
};
const en = {
  common: enCommon,
  auth: enAuth,
  enums: enEnums,
  fields: enFields,
  validation: enValidation,
  desk: enDesk,
  cases: enCases,
  clinic: enClinic,
  care: enCare,
  ambulance: enAmbulance,
  supervisor: enSupervisor,
  crisis: enCrisis,
  profiles: enProfiles,
};

// Both languages have exactly the same keys: a string missing in either does not compile.
const _enComplete: typeof nl = en;
const _nlComplete: typeof en = nl;
void _enComplete;
void _nlComplete;

export const resources = { nl, en };
export type Resources = typeof nl;
export type Namespace = keyof Resources;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: Resources;
  }
}
