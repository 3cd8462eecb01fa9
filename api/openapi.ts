import { z } from 'zod';
import { commandRoles, readRoles } from '../machines/case.access';
import { TaskKindSchema } from '../machines/case.events';
import { AmbulanceViewSchema, PoliceViewSchema } from '../machines/case.projections';
import { completingCommand } from '../machines/case.tasks';
import { CaseViewSchema } from '../machines/case.view';
import { NewProfileSchema, ProfileSchema, ProfileViewSchema } from '../machines/profile.schema';
import {
  DischargeReceiptSchema,
  ErasureReceiptSchema,
  ProfileTaskSchema,
  ReadmissionReceiptSchema,
} from '../machines/profile.events';
import { ProfileReportSchema } from '../machines/profile-report.schema';
import { ProfileAbsencesSchema, WardRatesSchema } from '../machines/absence-history.schema';
import { AbsenceHistoryQuerySchema, WardRatesQuerySchema } from './absences.routes';
import {
  AccessLogCheckSchema,
  AccessRecordFilterSchema,
  AccessRecordPageSchema,
} from './access-records.routes';
import { actionBodySchema, caseActions } from './case-actions';
import { CaseListQuerySchema, CaseListSchema, NewCaseBodySchema, TimelineSchema } from './cases.routes';
import { DEFAULT_PHOTO_MAX_BYTES } from './photo.routes';
import { ProfileInboxSchema, ProfileTaskQuerySchema } from './profile-tasks.routes';
import { ProfilePhotoQuerySchema } from './profile-photo.routes';
import { DischargeBodySchema, ErasureBodySchema, ReadmissionBodySchema } from './profile-retention.routes';
import {
  ProfileHistorySchema,
  ProfileListQuerySchema,
  ProfileListSchema,
  ReviewBodySchema,
} from './profiles.routes';
import { InboxPageSchema, TaskFilterSchema } from './task-inbox';
import { completionBodySchema, taskBodySchema, taskVerbs } from './tasks.routes';
import {
  FailedDeliveriesSchema,
  FeedItemSchema,
  FeedPageSchema,
  FeedQuerySchema,
  FeedStreamQuerySchema,
} from './feed.routes';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const errorMeaning: Record<number, string> = {
  400: 'The input is wrong: every wrong field is named under `errors`, with its path and why (a time that already happened may not lie in the future).',
  401: 'No bearer token, or one that fails signature, issuer, audience or expiry.',
  403: 'Your role may not do this.',
  404: "No such case, or not one of your tenant's (which is the same to you).",
  409: "The case's state does not allow this now: the body carries the case's current `caseStatus`.",
  422: 'This Idempotency-Key was already used by you for a different action or body: send a new key.',
  500: 'A bug on our side: logged under the `requestId` the body carries; nothing else is disclosed.',
};
const errors = (...codes: number[]) =>
  Object.fromEntries([...codes, 500].map((code) => [String(code), problem(errorMeaning[code]!)]));
const json = (body: unknown) => ({ content: { 'application/json': { schema: body } } });
const caseResponse = json({
  description: "The caller's projection: Case for a clinic, PoliceView for police, AmbulanceView for a crew.",
  oneOf: ['Case', 'PoliceView', 'AmbulanceView'].map((name) => ({ $ref: `#/components/schemas/${name}` })),
});
const caseIdParam = { name: 'caseId', in: 'path', required: true, schema: { type: 'string' } };
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description:
    'Your unique id for this action; retrying the same request with it returns the first answer (even after the case moved on) and applies nothing twice. The same key on another request answers 422.',
  schema: { type: 'string', minLength: 8, maxLength: 128 },
};

const image = {
  'image/jpeg': { schema: { type: 'string', format: 'binary' } },
  'image/png': { schema: { type: 'string', format: 'binary' } },
};

/** The photo of the person: put by the filing clinic, read by those who search for or bring back the person. */
function photoPath() {
  return {
    put: {
      summary: 'Put the photo of the missing person (the filing clinic)',
      description: `The raw image as the body, JPEG or PNG, at most the configured size (${DEFAULT_PHOTO_MAX_BYTES} bytes, 5 MiB, unless \`VERMIST_PHOTO_MAX_BYTES\` says otherwise). Its metadata (EXIF with any GPS position, XMP, IPTC, ICC profiles, comments, PNG text and time chunks) is stripped, and the image is stored sealed in the records store. The case's \`report.person.photoRef\` then names it (\`photo:sha256:<hex>\` of the stored bytes) through the clinic's description correction, so \`corrections\` and the timeline say who changed the photo and when. Allowed for: ${commandRoles['clinic.update_description'].join(', ')}; any other role gets 403. While the case is open; otherwise 409 with the case's current status. ${caseView}`,
      parameters: [caseIdParam, idempotencyKey],
      requestBody: { required: true, content: image },
      responses: {
        '200': { description: 'The case, naming its new photo', ...caseResponse },
        ...errors(400, 401, 403, 404, 409),
        '413': problem('The photo is over the size limit, which the body states (`limitBytes`).'),
        '415': problem('The body is not sent as image/jpeg or image/png; the body names the type sent.'),
        '422': problem(
          'The photo is not a well-formed image of its declared type (named under `errors` as `photo`, with why), or this Idempotency-Key was already used for a different request.',
        ),
      },
    },
    get: {
      summary: 'The photo of the missing person (clinic, police, ambulance crew)',
      description: `The image without its metadata, never to be cached (\`Cache-Control: no-store\`). Allowed for: ${readRoles.photo.join(', ')} (a crew only on a case it has a transport task on); any other role gets 403, the crisis service included. 404 when the case has no photo. Every read is kept as an access record with resource \`photo\`.`,
      parameters: [caseIdParam],
      responses: {
        '200': {
          description: 'The image, as its content type says',
          headers: { 'Cache-Control': { schema: { type: 'string', const: 'no-store' } } },
          content: image,
        },
        ...errors(400, 401, 403, 404),
      },
    },
  };
}

/** Query parameters from a zod object schema, one per field, with its own JSON Schema. */
function queryParameters(object: z.ZodObject) {
  const properties = (schema(object) as { properties: Record<string, { description?: string }> }).properties;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    ...(property.description !== undefined && { description: property.description }),
    schema: property,
  }));
}

const caseView =
  "Answers the case in the caller's own projection: the clinic sees its report whole; police never see the clinical fields; an ambulance crew sees what transport needs.";

const profileIdParam = { name: 'profileId', in: 'path', required: true, schema: { type: 'string' } };
const profileResponse = (description: string) => ({
  description,
  headers: {
    ETag: {
      description: 'The version, quoted: send it back as If-Match to change this version.',
      schema: { type: 'string' },
    },
  },
  ...json({ $ref: '#/components/schemas/Profile' }),
});
const noProfile = problem(
  "No such profile, or not one of your institution's (which is the same to you): a profile is seen by its own clinic only.",
);
const ifMatch = (required: boolean) => ({
  name: 'If-Match',
  in: 'header',
  required,
  description: required
    ? 'The ETag of the version you changed (`"3"`, or the bare number): the change is refused with 412 when another was made meanwhile, and with 428 without it.'
    : 'Optionally, the ETag of the version you read: the request is refused with 412 when another change was made meanwhile.',
  schema: { type: 'string' },
});
const stale = problem(
  'The profile is no longer at the version If-Match names: the body carries its current `version`. Read it again and make your change to that.',
);
const profileKept =
  'Allowed for a clinic, on its own institution’s profiles only; everyone else gets 404. Each change is a new version, recorded with who made it and when.';

/** Patient profiles: kept by a clinic before anyone goes missing, versioned, seen by that clinic alone. */
function profilePaths() {
  return {
    '/v1/profiles': {
      post: {
        summary: 'Keep a profile of a patient at risk of leaving (clinic)',
        description:
          "The profile as version 1, for the clinic's own institution (from the token), checked now by you. The patient number is kept only as a pseudonymous key (an HMAC under a secret Vermist holds), so the same patient again is refused with 409 naming the profile they have; no national identifier (BSN) is taken. Any other role gets 403.",
        parameters: [idempotencyKey],
        requestBody: { required: true, ...json(schema(NewProfileSchema)) },
        responses: {
          '201': profileResponse('The new profile, version 1'),
          ...errors(400, 401, 403, 422),
          '409': problem(
            'This patient already has a profile in your institution: the body names it (`profileId`).',
          ),
        },
      },
      get: {
        summary: "Your institution's patient profiles, newest first (clinic)",
        description:
          'Summaries from the index alone (no personal data, so listing is not an access record; opening a profile is). Filter by ward, or find one patient by their patient number, which is looked up by its key and never kept. Page with `nextCursor` until it is null. Any other role gets 403.',
        parameters: queryParameters(ProfileListQuerySchema),
        responses: {
          '200': { description: 'One page of profiles', ...json(schema(ProfileListSchema, 'output')) },
          ...errors(400, 401, 403),
        },
      },
    },
    '/v1/profiles/{profileId}': {
      get: {
        summary: 'Read a profile: its latest version (its own clinic)',
        description: `${profileKept} Every read is kept as an access record (resource \`profile\`).`,
        parameters: [profileIdParam],
        responses: { '200': profileResponse('The profile'), ...errors(400, 401), '404': noProfile },
      },
      put: {
        summary: 'Change a profile: a new version (its own clinic)',
        description: `The profile whole, as it is to be now. ${profileKept}`,
        parameters: [profileIdParam, ifMatch(true), idempotencyKey],
        requestBody: { required: true, ...json(schema(ProfileSchema)) },
        responses: {
          '200': profileResponse('The profile, at its new version'),
          ...errors(400, 401, 422),
          '404': noProfile,
          '412': stale,
          '428': problem('If-Match is missing: send the ETag of the version you changed.'),
        },
      },
    },
    '/v1/profiles/{profileId}/versions': {
      get: {
        summary:
          "A profile's history: every version, who made it, when, and what it changed (its own clinic)",
        description: `${profileKept} Every read is kept as an access record (resource \`profile_history\`).`,
        parameters: [profileIdParam],
        responses: {
          '200': {
            description: 'The versions, oldest first',
            ...json(schema(ProfileHistorySchema, 'output')),
          },
          ...errors(400, 401),
          '404': noProfile,
        },
      },
    },
    '/v1/profiles/{profileId}/review': {
      post: {
        summary:
          'Confirm a profile is current: a new version stamped as checked now, by you (its own clinic)',
        description: `The profile unchanged, with \`reviewedAt\` now and \`reviewedBy\` you: the stamp a review reminder reads. ${profileKept}`,
        parameters: [profileIdParam, ifMatch(false), idempotencyKey],
        requestBody: { required: false, ...json(schema(ReviewBodySchema)) },
        responses: {
          '200': profileResponse('The profile, at its new version'),
          ...errors(400, 401, 422),
          '404': noProfile,
          '412': stale,
        },
      },
    },
    '/v1/profiles/{profileId}/photo': {
      put: {
        summary: 'Put the photo of a profile: a new version (its own clinic)',
        description: `The raw image as the body, JPEG or PNG, at most the configured size (${DEFAULT_PHOTO_MAX_BYTES} bytes unless \`VERMIST_PHOTO_MAX_BYTES\` says otherwise), stripped of its metadata and stored sealed, as a case's photo is. The profile's \`photo\` then names it (\`photo:sha256:<hex>\` of the stored bytes) and the day it was taken, in a new version (change \`updated\`, changed \`photo\`); the photos it no longer shows are erased. ${profileKept}`,
        parameters: [
          profileIdParam,
          ...queryParameters(ProfilePhotoQuerySchema),
          ifMatch(false),
          idempotencyKey,
        ],
        requestBody: { required: true, content: image },
        responses: {
          '200': profileResponse('The profile, at its new version, naming its photo'),
          ...errors(400, 401),
          '404': noProfile,
          '412': stale,
          '413': problem('The photo is over the size limit, which the body states (`limitBytes`).'),
          '415': problem('The body is not sent as image/jpeg or image/png; the body names the type sent.'),
          '422': problem(
            'The photo is not a well-formed image of its declared type (named under `errors` as `photo`, with why), or this Idempotency-Key was already used for a different request.',
          ),
        },
      },
      get: {
        summary: 'The photo of a profile (its own clinic)',
        description: `The image without its metadata, never to be cached (\`Cache-Control: no-store\`). 404 when the profile has no photo stored here. ${profileKept} Every read is kept as an access record (resource \`profile_photo\`).`,
        parameters: [profileIdParam],
        responses: {
          '200': {
            description: 'The image, as its content type says',
            headers: { 'Cache-Control': { schema: { type: 'string', const: 'no-store' } } },
            content: image,
          },
          ...errors(400, 401),
          '404': noProfile,
        },
      },
    },
    '/v1/profiles/{profileId}/reports': {
      post: {
        summary: 'Report the patient missing from their profile, in one step (its own clinic)',
        description: [
          "Files a report made of the profile's latest version and the facts of this absence, through the same path as `POST /v1/cases`: the case's workflow decides, and the answer is the clinic's view of the new case. The report is complete at once: the person (with the profile's photo, which becomes the case's photo, and the clothing given here), the likely places followed by the routines, associates, functional risks, travel, time-critical needs, people at risk, the legal title, the 24/7 contact and the consents.",
          "It records where it came from in `report.fromProfile` (the profile, the version, and which consents had expired): a consent whose `expiresAt` has passed is filed as not given, so it lets nobody contact the family or appeal to the public. An unauthorised absence needs the profile's title in force now: otherwise 400 naming `profile.legalTitle`, the profile's field to correct, and nothing is filed.",
          "Without `reportId`, the report's id is made from the profile, you and the Idempotency-Key, so a retry finds the same case; a retry with the same key answers the first answer, even after the profile changed. Only the profile's own clinic may; everyone else gets 404. Reading the profile and its photo are access records (resources `profile` and `profile_photo`).",
        ].join(' '),
        parameters: [profileIdParam, ifMatch(false), idempotencyKey],
        requestBody: { required: true, ...json(schema(ProfileReportSchema)) },
        responses: {
          '201': {
            description: 'The new case, in the clinic’s view',
            headers: {
              Location: { description: 'The new case: `/v1/cases/{caseId}`', schema: { type: 'string' } },
            },
            ...json({ $ref: '#/components/schemas/Case' }),
          },
          '200': {
            description: 'The case this report (its `reportId`) already opened, in the clinic’s view',
            ...json({ $ref: '#/components/schemas/Case' }),
          },
          ...errors(400, 401, 409, 422),
          '404': noProfile,
          '412': stale,
        },
      },
    },
    '/v1/profiles/{profileId}/absences': {
      get: {
        summary: "A patient's absences filed from their profile, newest first (its own clinic)",
        description: [
          "From the records store: each case filed from the profile (`POST /v1/profiles/{profileId}/reports`) with the profile version it was filed from, when it was reported, when it ended (the return the clinic confirmed, else the case's close) and the time away since the report, its outcome, and what the debrief said (`why`: null until the debrief is done).",
          "`window` is the policy's repeat window (`profiles.repeat`): the absences reported within it up to now, and whether they reach its threshold. The list covers the same window unless `days` asks for more (or less), up to 730.",
          "Only the profile's own clinic may; everyone else gets 404, as for a profile read. Every read is kept as an access record (resource `profile_absences`), and each debrief shown as one of its case (resource `debrief`).",
        ].join(' '),
        parameters: [profileIdParam, ...queryParameters(AbsenceHistoryQuerySchema)],
        responses: {
          '200': {
            description: 'The absences and the window',
            ...json(schema(ProfileAbsencesSchema, 'output')),
          },
          ...errors(400, 401),
          '404': noProfile,
        },
      },
    },
    '/v1/ward-rates': {
      get: {
        summary: "Your institution's absences from profiles per ward per month, with the repeats (clinic)",
        description:
          "Per ward per calendar month (Europe/Amsterdam), over `months` months up to and including this one: the absences filed from a patient profile, those with an earlier absence of the same patient within the policy's repeat window (`profiles.repeat.window`; an earlier absence before the first month counts too), and how many patients they were of. A report filed without a profile has no patient to link, so it is counted in none of them. A month without absences on a ward is left out. Counts only, no patient or case named, so reading them is not an access record. Any other role gets 403: police supervisors see repeats per institution and ward on their dashboard's metrics.",
        parameters: queryParameters(WardRatesQuerySchema),
        responses: {
          '200': { description: 'The rates, by ward and month', ...json(schema(WardRatesSchema, 'output')) },
          ...errors(400, 401, 403),
        },
      },
    },
    '/v1/profile-tasks': {
      get: {
        summary: "Your institution's open profile tasks, soonest due first (clinic; others get none)",
        description:
          "The tasks the profiles' workflows opened and no one has closed: `profile_review` when a profile was not checked for the policy's `reviewEvery` or its photo is older than `photoMaxAge` (`reasons` says which), and `repeat_review` when a patient's absences reached the policy's threshold within its window. Handling facts only (profile id, ward, kind, instants): no personal data, so listing them is not an access record. Every other role gets an empty list.",
        parameters: queryParameters(ProfileTaskQuerySchema),
        responses: {
          '200': { description: 'The open tasks', ...json(schema(ProfileInboxSchema, 'output')) },
          ...errors(400, 401),
        },
      },
    },
    '/v1/profiles/{profileId}/tasks/repeat_review/complete': {
      post: {
        summary: 'Say the multidisciplinary review of repeat absences was held (its own clinic)',
        description:
          "The profile's machine closes its open repeat review with you as who held it and now as when; the absences it covered no longer count towards the next one. 409 when no repeat review is open. Only the profile's own clinic may; everyone else gets 404.",
        parameters: [profileIdParam, idempotencyKey],
        requestBody: { required: false, ...json(schema(z.object({}).strict())) },
        responses: {
          '200': {
            description: 'The review as held: the profile and its closed task, with who and when',
            ...json(schema(z.object({ profileId: z.string(), task: ProfileTaskSchema }), 'output')),
          },
          ...errors(400, 401, 409, 422),
          '404': noProfile,
        },
      },
    },
    '/v1/profiles/{profileId}/discharge': {
      post: {
        summary: 'Record that the patient was discharged: the profile is erased a policy period later',
        description:
          "The profile's machine arms its erasure at the start of `dischargedOn` (in Amsterdam) plus the policy's `profiles.eraseAfterDischarge` (180 days unless the region says otherwise) and answers when that falls. A readmission, a new version of the profile or a report filed from it takes the discharge back; a second discharge moves the day. A case from the profile still open when the period ends holds the erasure until it closes. 409 when the machine refuses (a day that has not begun, a profile being erased). Only the profile's own clinic may; everyone else gets 404. No If-Match: a discharge changes no version of the profile.",
        parameters: [profileIdParam, idempotencyKey],
        requestBody: { required: true, ...json(schema(DischargeBodySchema)) },
        responses: {
          '200': {
            description: 'When the profile will be erased',
            ...json(schema(DischargeReceiptSchema, 'output')),
          },
          ...errors(400, 401, 409, 422),
          '404': noProfile,
        },
      },
    },
    '/v1/profiles/{profileId}/readmission': {
      post: {
        summary: 'Record that a discharged patient was taken in again: the profile is kept',
        description:
          "The profile's machine takes the discharge back and disarms the erasure. 409 when the patient was not discharged. Only the profile's own clinic may; everyone else gets 404.",
        parameters: [profileIdParam, idempotencyKey],
        requestBody: { required: false, ...json(schema(ReadmissionBodySchema)) },
        responses: {
          '200': { description: 'The profile is kept', ...json(schema(ReadmissionReceiptSchema, 'output')) },
          ...errors(400, 401, 409, 422),
          '404': noProfile,
        },
      },
    },
    '/v1/profiles/{profileId}/erasure': {
      post: {
        summary: "Forward the patient's request to erase the profile (AVG art. 17)",
        description:
          "The profile's machine decides whether the law allows erasure now. It refuses with 409 while a case filed from the profile is still open (its search may need the profile: art. 17(3)(b)); the problem's `reason` is `case_open`. Otherwise the profile's versions, photos, tasks and pseudonymous patient key are erased in one transaction and logged as counts only, and the answer comes once it is gone; from then on the profile answers 404, like an id nobody has (a 410 would keep its id). Cases already filed from it keep their own record. Only the profile's own clinic may; everyone else gets 404.",
        parameters: [profileIdParam, idempotencyKey],
        requestBody: { required: true, ...json(schema(ErasureBodySchema)) },
        responses: {
          '200': {
            description: 'Erased: what went, as counts',
            ...json(schema(ErasureReceiptSchema, 'output')),
          },
          ...errors(400, 401, 422),
          '404': noProfile,
          '409': problem(
            'The machine refuses the erasure now: `reason` says why (`case_open`: a case filed from the profile is still open).',
          ),
        },
      },
    },
  };
}

function actionPaths() {
  return Object.fromEntries(
    Object.entries(caseActions).map(([segment, action]) => [
      `/v1/cases/{caseId}/${segment}`,
      {
        post: {
          summary: action.summary,
          description: `Allowed for: ${commandRoles[action.type].join(', ')}; any other role gets 403. ${action.when} Otherwise 409 with the case's current status. ${caseView}`,
          parameters: [caseIdParam, idempotencyKey],
          requestBody: { required: true, ...json(schema(actionBodySchema(action.type))) },
          responses: {
            '200': { description: 'The case after the action', ...caseResponse },
            ...errors(400, 401, 403, 404, 409, 422),
          },
        },
      },
    ]),
  );
}

function taskPaths() {
  const taskParam = { name: 'task', in: 'path', required: true, schema: schema(TaskKindSchema) };
  const completion = TaskKindSchema.options.map((task) => ({
    title: task,
    description: `Completes ${task} by sending ${completingCommand[task]}.`,
    ...schema(completionBodySchema(task)),
  }));
  const summaries = {
    claim: 'Take a task on: one person holds it at a time',
    release: 'Give a task you hold back to the inbox',
    reassign: 'A supervisor hands a police task to someone else it concerns (the holder went home)',
    complete: "Get a task done with its own command's payload (see the body's variants, by task)",
  };
  // When the machine takes each verb; a schema-valid request outside it answers 409.
  const when = {
    claim:
      'Only while the task is open and nobody else holds it, by a role it concerns: its owner, or the role it was escalated to. Claiming a task you hold already changes nothing and answers 200.',
    release: 'Only by the person who holds the task.',
    reassign:
      'Police supervisors only (403 for anyone else). Only while the task is open and is owned by the police or was escalated to them, and only to someone of a role the task concerns.',
    complete:
      "Only while the task is open, by the roles its completing command allows; the task's own command then keeps its usual rules.",
  };
  return Object.fromEntries(
    taskVerbs.map((verb) => [
      `/v1/cases/{caseId}/tasks/{task}/${verb}`,
      {
        post: {
          summary: summaries[verb],
          description: `${when[verb]} Decided by the case's workflow, so strongly consistent: acting on a task that is no longer open (a stale inbox) answers 409 with the case's current status. A claim ends when its task closes. ${caseView}`,
          parameters: [caseIdParam, taskParam, idempotencyKey],
          requestBody: {
            required: true,
            ...json(
              verb === 'complete' ? { oneOf: completion } : schema(taskBodySchema(verb, 'review_risk')),
            ),
          },
          responses: {
            '200': { description: 'The case after the action', ...caseResponse },
            ...errors(400, 401, 403, 404, 409, 422),
          },
        },
      },
    ]),
  );
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vermist',
      version: '1',
      description:
        'Cases of missing and absent ggz patients. Each case is a durable Temporal workflow; every answer about a case comes from it. The task inbox is read from Temporal visibility and is eventually consistent; every action is decided by the case workflow and is strongly consistent. Errors are RFC 9457 problems.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/cases': {
        post: {
          summary: 'File an absence report (clinic)',
          description:
            'Idempotent on (institutionId, reportId): filing the same report again returns the same case with 200. An unauthorised absence needs a compulsory title in force (400 naming `body.legalTitle` otherwise). `fromProfile` is refused (400 naming `body.fromProfile`): only a report filed from a profile (`POST /v1/profiles/{profileId}/reports`) says it came from one.',
          requestBody: { required: true, ...json(schema(NewCaseBodySchema)) },
          responses: {
            '201': { description: 'A new case', ...caseResponse },
            '200': { description: 'The case this report already opened', ...caseResponse },
            ...errors(400, 401, 403, 404, 409),
          },
        },
        get: {
          summary: 'The cases of your tenant, newest reported first',
          description:
            "A clinic lists its institution's cases, police their region's, an ambulance crew the cases it has a transport task on. Each item is a summary of the case's handling (no personal data, so listing is not an access record; opening a case is). Page with `nextCursor` until it is null.",
          parameters: queryParameters(CaseListQuerySchema),
          responses: {
            '200': { description: 'One page of cases', ...json(schema(CaseListSchema, 'output')) },
            ...errors(400, 401),
          },
        },
      },
      '/v1/cases/{caseId}': {
        get: {
          summary: "Read a case, in the caller's own view",
          description: `${caseView} Every read is kept as an access record (who, when, which view).`,
          parameters: [caseIdParam],
          responses: { '200': { description: 'The case', ...caseResponse }, ...errors(400, 401, 404) },
        },
      },
      '/v1/cases/{caseId}/timeline': {
        get: {
          summary: 'Every event of the case, with who and when (clinic and police)',
          description: 'Every read is kept as an access record.',
          parameters: [caseIdParam],
          responses: {
            '200': { description: 'The timeline, oldest first', ...json(schema(TimelineSchema, 'output')) },
            ...errors(400, 401, 403, 404),
          },
        },
      },
      '/v1/cases/{caseId}/photo': photoPath(),
      ...actionPaths(),
      '/v1/tasks': {
        get: {
          summary: 'The task inbox: open tasks of your tenant, by due time then priority',
          description:
            "Read from the records store, which each case's workflow writes before it answers a command: a command's effect shows here when its answer arrives; a deadline passing shows a moment after. Every action on a task is decided by the case's workflow: acting on a stale list answers 409 with the case's current status, never a silent overwrite. Sorted by due time, then priority (1 = urgent and high risk … 6 = ordinary and low risk), then case and task; page with `nextCursor` until it is null: nothing is capped.",
          parameters: queryParameters(TaskFilterSchema),
          responses: {
            '200': { description: 'One page of tasks', ...json(schema(InboxPageSchema, 'output')) },
            ...errors(400, 401, 404),
          },
        },
      },
      ...taskPaths(),
      ...profilePaths(),
      '/v1/access-records': {
        get: {
          summary: 'Who read which case of your region, when and in which view (supervisor)',
          description:
            'The access log (NEN 7513): one row per disclosure, written before the data left, kept for the policy period (5 years by default). Filter by case, user and period; page with `nextCursor` until it is null.',
          parameters: queryParameters(AccessRecordFilterSchema),
          responses: {
            '200': {
              description: 'One page, oldest first',
              ...json(schema(AccessRecordPageSchema, 'output')),
            },
            ...errors(400, 401, 403),
          },
        },
      },
      '/v1/access-records/verify': {
        get: {
          summary: "Checks the hash chain of your region's access log (supervisor)",
          description:
            'Recomputes every row’s hash from its fields and its predecessor’s hash: a changed, inserted or deleted row breaks the chain at its position.',
          responses: {
            '200': {
              description: 'Whether the chain holds',
              ...json(schema(AccessLogCheckSchema, 'output')),
            },
            ...errors(400, 401, 403),
          },
        },
      },
      '/openapi.json': {
        get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/docs': {
        get: { summary: 'Browsable API docs', security: [], responses: { '200': { description: 'HTML' } } },
      },
      '/v1/feed': {
        get: {
          summary: "What the caller's role was told, in the caller's tenant (institution or region)",
          parameters: queryParameters(FeedQuerySchema),
          responses: {
            '200': { description: 'The entries, oldest first', ...json(schema(FeedPageSchema, 'output')) },
            ...errors(400, 401),
          },
        },
      },
      '/v1/feed/stream': {
        get: {
          summary: 'The same feed, live: Server-Sent Events',
          description:
            'Each event has `id` (the entry’s seq), `event` (its type) and `data` (the entry as JSON). Reconnecting with `Last-Event-ID` (or `after`) resumes after that entry without gaps; a comment line every 15 s keeps proxies from closing the stream.',
          parameters: [
            ...queryParameters(FeedStreamQuerySchema),
            {
              name: 'Last-Event-ID',
              in: 'header',
              required: false,
              description: 'The id of the last event received; wins over `after`.',
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': {
              description: 'An event stream of feed entries',
              content: { 'text/event-stream': { schema: schema(FeedItemSchema, 'output') } },
            },
            ...errors(400, 401),
          },
        },
      },
      '/v1/deliveries/failed': {
        get: {
          summary: "Notifications that failed for good in the supervisor's region (police supervisor)",
          responses: {
            '200': { description: 'The failures', ...json(schema(FailedDeliveriesSchema, 'output')) },
            ...errors(400, 401, 403),
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'Up' } } } },
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT from your identity provider (issuer, audience and JWKS configured), with `sub`, `role` and the tenant claim: `institutionId` for a clinic, `region` for police and ambulance.',
        },
      },
      schemas: {
        Case: schema(CaseViewSchema, 'output'),
        PoliceView: schema(PoliceViewSchema, 'output'),
        AmbulanceView: schema(AmbulanceViewSchema, 'output'),
        Profile: schema(ProfileViewSchema, 'output'),
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'requestId'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer', description: 'The HTTP status code' },
            detail: { type: 'string' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
            caseId: { type: 'string', description: 'On 409: the case concerned' },
            caseStatus: { type: 'string', description: "On 409: the case's current status" },
            profileId: { type: 'string', description: 'On 409 and 412: the profile concerned' },
            reason: {
              type: 'string',
              description: "On 409 from a profile's machine: why it refuses (`case_open`, …)",
            },
            version: { type: 'integer', description: "On 412: the profile's current version" },
          },
        },
      },
    },
  };
}
