/* The route table: path, method, handler, roles, operationId. This is the access matrix; the
 * OpenAPI document states the same roles per operation (x-roles) and a test checks both agree.
 *
 * Roles: B board, P partner, A adviser, M manager, D admin, S service. */
#include "routes.h"

#include "accommodation.h"
#include "advisers.h"
#include "audit_events.h"
#include "care_leavers.h"
#include "contacts.h"
#include "eet.h"
#include "grants.h"
#include "history.h"
#include "housing.h"
#include "jobs.h"
#include "ops.h"
#include "outreach.h"
#include "partners.h"
#include "pathway_plans.h"

#define B CL_ROLE_BOARD
#define P CL_ROLE_PARTNER
#define A CL_ROLE_ADVISER
#define M CL_ROLE_MANAGER
#define D CL_ROLE_ADMIN
#define S CL_ROLE_SERVICE
#define ANY CL_ROLES_ALL
#define PUBLIC CL_ROLE_NONE
#define BODY CL_RT_BODY

const struct cl_route cl_routes[] = {
    /* operational */
    {"GET", "/healthz", cl_h_healthz, PUBLIC, "getHealth", 0},
    {"GET", "/readyz", cl_h_readyz, PUBLIC, "getReadiness", 0},
    {"GET", "/metrics", cl_h_metrics, S, "getMetrics", 0},
    {"GET", "/v1/openapi.json", cl_h_openapi, PUBLIC, "getOpenApi", 0},
    {"GET", "/docs", cl_h_docs, PUBLIC, "getDocs", 0},
    {"GET", "/docs/redoc.standalone.js", cl_h_docs_js, PUBLIC, "getDocsScript", 0},
    {"GET", "/v1/me", cl_h_me, ANY, "getMe", 0},

    /* personal advisers */
    {"POST", "/v1/advisers", cl_h_advisers_create, D, "createAdviser", BODY},
    {"GET", "/v1/advisers", cl_h_advisers_list, M | D | S, "listAdvisers", 0},
    {"GET", "/v1/advisers/{adviser_id}", cl_h_advisers_get, A | M | D | S, "getAdviser", 0},
    {"PATCH", "/v1/advisers/{adviser_id}", cl_h_advisers_patch, D, "updateAdviser", BODY},
    {"GET", "/v1/advisers/{adviser_id}/caseload", cl_h_adviser_caseload, A | M | D | S,
     "getAdviserCaseload", 0},

    /* care leavers and their casework (schema/functions/care_leaver.sql, casework.sql,
       outreach.sql) */
    {"POST", "/v1/care-leavers", cl_h_care_leavers_create, A | M | D, "createCareLeaver", BODY},
    {"GET", "/v1/care-leavers", cl_h_care_leavers_list, A | M | D | S, "listCareLeavers", 0},
    {"GET", "/v1/care-leavers/{care_leaver_id}", cl_h_care_leavers_get, A | M | D | S,
     "getCareLeaver", 0},
    {"PATCH", "/v1/care-leavers/{care_leaver_id}", cl_h_care_leavers_patch, A | M | D,
     "updateCareLeaver", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/pathway-plans", cl_h_pathway_plans_list,
     A | M | D | S, "listPathwayPlans", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/pathway-plans", cl_h_pathway_plans_create,
     A | M | D, "createPathwayPlan", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/pathway-plans/{plan_id}", cl_h_pathway_plans_get,
     A | M | D | S, "getPathwayPlan", 0},
    {"PATCH", "/v1/care-leavers/{care_leaver_id}/pathway-plans/{plan_id}", cl_h_pathway_plans_patch,
     A | M | D, "updatePathwayPlan", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/contacts", cl_h_contacts_list, A | M | D | S,
     "listContacts", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/contacts", cl_h_contacts_create, A | M | D | S,
     "createContact", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/contacts/{contact_id}", cl_h_contacts_get,
     A | M | D | S, "getContact", 0},
    {"GET", "/v1/care-leavers/{care_leaver_id}/status-periods", cl_h_status_periods_list,
     A | M | D | S, "listStatusPeriods", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/status-periods", cl_h_status_periods_create,
     A | M | D, "createStatusPeriod", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/contact-status-events",
     cl_h_contact_status_events_list, A | M | D | S, "listContactStatusEvents", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/contact-status-events",
     cl_h_contact_status_events_create, A | M | D, "createContactStatusEvent", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/contact-status-events/{event_id}",
     cl_h_contact_status_events_get, A | M | D | S, "getContactStatusEvent", 0},
    {"POST", "/v1/outreach-contacts", cl_h_outreach_create, A | M | D, "createOutreachContact",
     BODY},
    {"GET", "/v1/outreach-contacts", cl_h_outreach_list, A | M | D | S, "listOutreachContacts", 0},
    {"GET", "/v1/outreach-contacts/summary", cl_h_outreach_summary, B | A | M | D | S,
     "getOutreachSummary", 0},
    {"GET", "/v1/outreach-contacts/{outreach_contact_id}", cl_h_outreach_get, A | M | D | S,
     "getOutreachContact", 0},
    {"PATCH", "/v1/outreach-contacts/{outreach_contact_id}", cl_h_outreach_patch, A | M | D,
     "updateOutreachContact", BODY},

    /* partner organisations (schema/functions/partners.sql) */
    {"POST", "/v1/partners", cl_h_partners_create, D, "createPartner", BODY},
    {"GET", "/v1/partners", cl_h_partners_list, P | A | M | D | S, "listPartners", 0},
    {"GET", "/v1/partners/{partner_id}", cl_h_partners_get, P | A | M | D | S, "getPartner", 0},
    {"PATCH", "/v1/partners/{partner_id}", cl_h_partners_patch, D, "updatePartner", BODY},

    /* joint housing protocol (schema/functions/housing.sql) */
    {"POST", "/v1/housing-protocols", cl_h_housing_protocols_create, D, "createHousingProtocol",
     BODY},
    {"GET", "/v1/housing-protocols", cl_h_housing_protocols_list, B | P | A | M | D | S,
     "listHousingProtocols", 0},
    {"GET", "/v1/housing-protocols/{protocol_id}", cl_h_housing_protocols_get,
     B | P | A | M | D | S, "getHousingProtocol", 0},
    {"PATCH", "/v1/housing-protocols/{protocol_id}", cl_h_housing_protocols_patch, D,
     "updateHousingProtocol", BODY},
    {"POST", "/v1/housing-protocols/{protocol_id}/transitions", cl_h_housing_protocols_transition,
     D, "transitionHousingProtocol", BODY},
    {"POST", "/v1/housing-protocols/{protocol_id}/signatures", cl_h_housing_protocols_sign, P | D,
     "signHousingProtocol", BODY},
    {"GET", "/v1/housing-protocols/{protocol_id}/compliance", cl_h_housing_protocols_compliance,
     B | P | M | D | S, "getHousingProtocolCompliance", 0},
    {"POST", "/v1/housing-protocols/{protocol_id}/breaches", cl_h_housing_breaches_create, M | D,
     "createHousingBreach", BODY},
    {"GET", "/v1/housing-protocols/{protocol_id}/breaches", cl_h_housing_breaches_list, M | D | S,
     "listHousingBreaches", 0},
    {"GET", "/v1/housing-protocols/{protocol_id}/breaches/{breach_id}", cl_h_housing_breaches_get,
     M | D | S, "getHousingBreach", 0},

    /* housing referrals (schema/functions/housing.sql) */
    {"POST", "/v1/housing-referrals", cl_h_housing_referrals_create, A | M | D,
     "createHousingReferral", BODY},
    {"GET", "/v1/housing-referrals", cl_h_housing_referrals_list, P | A | M | D | S,
     "listHousingReferrals", 0},
    {"GET", "/v1/housing-referrals/{referral_id}", cl_h_housing_referrals_get, P | A | M | D | S,
     "getHousingReferral", 0},
    {"PATCH", "/v1/housing-referrals/{referral_id}", cl_h_housing_referrals_patch, P | A | M | D,
     "updateHousingReferral", BODY},

    /* accommodation episodes (schema/functions/accommodation_eet.sql) */
    {"GET", "/v1/care-leavers/{care_leaver_id}/accommodation", cl_h_accommodation_list,
     A | M | D | S, "listAccommodation", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/accommodation", cl_h_accommodation_create,
     A | M | D, "createAccommodation", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/accommodation/{episode_id}", cl_h_accommodation_get,
     A | M | D | S, "getAccommodation", 0},
    {"PATCH", "/v1/care-leavers/{care_leaver_id}/accommodation/{episode_id}",
     cl_h_accommodation_patch, A | M | D, "updateAccommodation", BODY},

    /* EET activity episodes (schema/functions/accommodation_eet.sql) */
    {"GET", "/v1/care-leavers/{care_leaver_id}/eet-activities", cl_h_eet_activities_list,
     A | M | D | S, "listEetActivities", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/eet-activities", cl_h_eet_activities_create,
     A | M | D, "createEetActivity", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/eet-activities/{activity_id}",
     cl_h_eet_activities_get, A | M | D | S, "getEetActivity", 0},
    {"PATCH", "/v1/care-leavers/{care_leaver_id}/eet-activities/{activity_id}",
     cl_h_eet_activities_patch, A | M | D, "updateEetActivity", BODY},

    /* EET opportunity catalogue and referrals (schema/functions/accommodation_eet.sql) */
    {"GET", "/v1/eet-opportunities", cl_h_eet_opportunities_list, P | A | M | D | S,
     "listEetOpportunities", 0},
    {"POST", "/v1/eet-opportunities", cl_h_eet_opportunities_create, P | M | D,
     "createEetOpportunity", BODY},
    {"GET", "/v1/eet-opportunities/{opportunity_id}", cl_h_eet_opportunities_get, P | A | M | D | S,
     "getEetOpportunity", 0},
    {"PATCH", "/v1/eet-opportunities/{opportunity_id}", cl_h_eet_opportunities_patch, P | M | D,
     "updateEetOpportunity", BODY},
    {"GET", "/v1/eet-opportunities/{opportunity_id}/referrals",
     cl_h_eet_referrals_list_by_opportunity, P | A | M | D | S, "listOpportunityReferrals", 0},
    {"POST", "/v1/eet-opportunities/{opportunity_id}/referrals", cl_h_eet_referrals_create,
     A | M | D, "createEetReferral", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/eet-referrals",
     cl_h_eet_referrals_list_by_care_leaver, A | M | D | S, "listCareLeaverEetReferrals", 0},
    {"GET", "/v1/eet-referrals/{referral_id}", cl_h_eet_referrals_get, P | A | M | D | S,
     "getEetReferral", 0},
    {"POST", "/v1/eet-referrals/{referral_id}/transitions", cl_h_eet_referrals_transition,
     P | A | M | D, "transitionEetReferral", BODY},

    /* grants (schema/functions/grants.sql) */
    {"GET", "/v1/grant-types", cl_h_grant_types_list, A | M | D | S, "listGrantTypes", 0},
    {"POST", "/v1/grant-types", cl_h_grant_types_create, D, "createGrantType", BODY},
    {"GET", "/v1/grant-types/{grant_type_id}", cl_h_grant_types_get, A | M | D | S, "getGrantType",
     0},
    {"PATCH", "/v1/grant-types/{grant_type_id}", cl_h_grant_types_patch, D, "updateGrantType",
     BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/grant-payments", cl_h_grant_payments_list,
     A | M | D | S, "listGrantPayments", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/grant-payments", cl_h_grant_payments_create,
     A | M | D, "createGrantPayment", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/grant-payments/{payment_id}",
     cl_h_grant_payments_get, A | M | D | S, "getGrantPayment", 0},
    {"GET", "/v1/care-leavers/{care_leaver_id}/grant-balances", cl_h_grant_balances_list,
     A | M | D | S, "listGrantBalances", 0},

    /* audit */
    {"GET", "/v1/audit-events", cl_h_audit_events_list, D, "listAuditEvents", 0},

    /* jobs and their artifacts: which kinds a role may request, see and download is decided
     * per kind by common/cl_jobspec.c; these masks are the union */
    {"POST", "/v1/jobs", cl_h_jobs_create, B | M | D | S, "createJob", BODY},
    {"GET", "/v1/jobs", cl_h_jobs_list, B | M | D | S, "listJobs", 0},
    {"GET", "/v1/jobs/{job_id}", cl_h_jobs_get, B | M | D | S, "getJob", 0},
    {"POST", "/v1/jobs/{job_id}/cancel", cl_h_jobs_cancel, B | M | D | S, "cancelJob", 0},
    {"GET", "/v1/jobs/{job_id}/artifacts", cl_h_jobs_artifacts, B | M | D | S, "listJobArtifacts",
     0},
    {"GET", "/v1/artifacts/{artifact_id}", cl_h_artifacts_get, B | M | D | S, "getArtifact", 0},

    /* final SSDA903 returns: a manager declares a succeeded return job final */
    {"GET", "/v1/ssda903-returns", cl_h_ssda903_returns_list, M | D | S, "listSsda903Returns", 0},
    {"POST", "/v1/ssda903-returns/{collection_year}/finalise", cl_h_ssda903_returns_finalise, M,
     "finaliseSsda903Return", BODY},
};

const int cl_routes_count = (int)(sizeof cl_routes / sizeof cl_routes[0]);
