/* Parameters of the records job kinds (issue 25; schema/functions/records.sql):
 *
 *   subject_access   everything held about one person, as JSON and HTML for review
 *                    (worker/subject_access.c). Managers and admins; params:
 *                      care_leaver_id     uuid, required (404 when out of the caller's scope)
 *                      reason             1-500 characters, required; audited
 *                      request_reference  1-100 characters, required; audited
 *   disposal_review  lists the records due for disposal under the retention schedule, for a
 *                    manager to approve (worker/disposal_review.c). Nightly; no params. */
#ifndef CL_JOBSPEC_RECORDS_H
#define CL_JOBSPEC_RECORDS_H

struct cl_subject_access_params {
    char care_leaver_id[37];
};

#endif
