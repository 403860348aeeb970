/* The route table: path, method, handler, roles, operationId. This is the access matrix; the
 * OpenAPI document states the same roles per operation (x-roles) and a test checks both agree.
 *
 * Roles: B board, P partner, A adviser, M manager, D admin, S service, Y young person (a care
 * leaver themselves: only the /v1/me routes). */
#include "routes.h"

#include "accommodation.h"
#include "advisers.h"
#include "audit_events.h"
#include "board_business.h"
#include "care_leavers.h"
#include "contacts.h"
#include "eet.h"
#include "entitlements.h"
#include "grants.h"
#include "history.h"
#include "housing.h"
#include "indicators.h"
#include "jobs.h"
#include "local_offer.h"
#include "me.h"
#include "ops.h"
#include "outreach.h"
#include "partners.h"
#include "participation.h"
#include "partner_notices.h"
#include "pathway_plans.h"
#include "records.h"
#include "star.h"
#include "statements.h"
#include "surveys.h"
#include "webhooks.h"

#define B CL_ROLE_BOARD
#define P CL_ROLE_PARTNER
#define A CL_ROLE_ADVISER
#define M CL_ROLE_MANAGER
#define D CL_ROLE_ADMIN
#define S CL_ROLE_SERVICE
#define Y CL_ROLE_YOUNG_PERSON
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

    /* the young person's own door (schema/functions/me.sql): nothing else is open to Y */
    {"GET", "/v1/me/adviser", cl_h_me_adviser, Y, "getMyAdviser", 0},
    {"GET", "/v1/me/pathway-plan", cl_h_me_pathway_plan, Y, "getMyPathwayPlan", 0},
    {"GET", "/v1/me/entitlements", cl_h_me_entitlements, Y, "listMyEntitlements", 0},
    {"GET", "/v1/me/local-offer", cl_h_me_local_offer, Y, "getMyLocalOffer", 0},
    {"GET", "/v1/me/opportunities", cl_h_me_opportunities, Y, "listMyOpportunities", 0},
    {"GET", "/v1/me/opportunities/{opportunity_id}", cl_h_me_opportunity, Y, "getMyOpportunity", 0},
    {"POST", "/v1/me/opportunities/{opportunity_id}/referrals", cl_h_me_referral_create, Y,
     "createMyReferral", BODY},
    {"GET", "/v1/me/statements", cl_h_me_statements_list, Y, "listMyStatements", 0},
    {"POST", "/v1/me/statements", cl_h_me_statements_create, Y, "createMyStatement", BODY},
    {"GET", "/v1/me/statements/{statement_id}", cl_h_me_statement, Y, "getMyStatement", 0},

    /* personal advisers */
    {"POST", "/v1/advisers", cl_h_advisers_create, D, "createAdviser", BODY},
    {"GET", "/v1/advisers", cl_h_advisers_list, M | D | S, "listAdvisers", 0},
    {"GET", "/v1/advisers/{adviser_id}", cl_h_advisers_get, A | M | D | S, "getAdviser", 0},
    {"PATCH", "/v1/advisers/{adviser_id}", cl_h_advisers_patch, D, "updateAdviser", BODY},
    {"GET", "/v1/advisers/{adviser_id}/caseload", cl_h_adviser_caseload, A | M | D | S,
     "getAdviserCaseload", 0},
    {"GET", "/v1/advisers/{adviser_id}/inbox", cl_h_adviser_inbox, A | M | D, "getAdviserInbox", 0},

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
    {"GET", "/v1/care-leavers/{care_leaver_id}/allocation-periods", cl_h_allocation_periods_list,
     A | M | D | S, "listAllocationPeriods", 0},
    {"GET", "/v1/care-leavers/{care_leaver_id}/district-periods", cl_h_district_periods_list,
     A | M | D | S, "listDistrictPeriods", 0},
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
    {"POST", "/v1/housing-protocols/{protocol_id}/commitments", cl_h_housing_commitments_create, D,
     "createHousingCommitment", BODY},
    {"GET", "/v1/housing-protocols/{protocol_id}/commitments", cl_h_housing_commitments_list,
     B | P | A | M | D | S, "listHousingCommitments", 0},
    {"GET", "/v1/housing-protocols/{protocol_id}/commitments/{commitment_id}",
     cl_h_housing_commitments_get, B | P | A | M | D | S, "getHousingCommitment", 0},
    {"GET", "/v1/housing-protocols/{protocol_id}/commitment-compliance",
     cl_h_housing_commitments_compliance, B | P | M | D | S, "getHousingCommitmentCompliance", 0},
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

    /* partners tell us first (schema/functions/partner_notices.sql) */
    {"POST", "/v1/partner-notifications", cl_h_partner_notifications_create, P,
     "createPartnerNotification", BODY},
    {"GET", "/v1/partner-notifications", cl_h_partner_notifications_list, P | A | M | D | S,
     "listPartnerNotifications", 0},
    {"GET", "/v1/partner-notifications/{notification_id}", cl_h_partner_notifications_get,
     P | A | M | D | S, "getPartnerNotification", 0},
    {"POST", "/v1/partner-notifications/{notification_id}/acknowledge",
     cl_h_partner_notifications_acknowledge, A | M | D, "acknowledgePartnerNotification", 0},
    {"POST", "/v1/partner-notifications/{notification_id}/match", cl_h_partner_notifications_match,
     M | D, "matchPartnerNotification", BODY},
    {"GET", "/v1/manager-tasks", cl_h_manager_tasks_list, M | D, "listManagerTasks", 0},
    {"POST", "/v1/manager-tasks/{task_id}/close", cl_h_manager_tasks_close, M | D,
     "closeManagerTask", BODY},
    {"POST", "/v1/webhook-subscriptions", cl_h_webhook_subscriptions_create, P,
     "createWebhookSubscription", BODY},
    {"GET", "/v1/webhook-subscriptions", cl_h_webhook_subscriptions_list, P | D,
     "listWebhookSubscriptions", 0},
    {"GET", "/v1/webhook-subscriptions/{subscription_id}", cl_h_webhook_subscriptions_get, P | D,
     "getWebhookSubscription", 0},
    {"PATCH", "/v1/webhook-subscriptions/{subscription_id}", cl_h_webhook_subscriptions_patch, P,
     "updateWebhookSubscription", BODY},
    {"DELETE", "/v1/webhook-subscriptions/{subscription_id}", cl_h_webhook_subscriptions_delete, P,
     "deleteWebhookSubscription", 0},
    {"GET", "/v1/webhook-subscriptions/{subscription_id}/deliveries", cl_h_webhook_deliveries_list,
     P | D, "listWebhookDeliveries", 0},
    {"GET", "/v1/webhook-subscriptions/{subscription_id}/deliveries/{delivery_id}",
     cl_h_webhook_deliveries_get, P | D, "getWebhookDelivery", 0},
    {"POST", "/v1/webhook-subscriptions/{subscription_id}/deliveries/{delivery_id}/replay",
     cl_h_webhook_deliveries_replay, P, "replayWebhookDelivery", 0},

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

    /* entitlements as effective-dated policy, grant payments and council tax exemption
       (schema/functions/entitlements.sql, grants.sql) */
    {"GET", "/v1/entitlements", cl_h_entitlements_list, A | M | D | S, "listEntitlements", 0},
    {"POST", "/v1/entitlements", cl_h_entitlements_create, D, "createEntitlement", BODY},
    {"GET", "/v1/entitlements/{entitlement_id}", cl_h_entitlements_get, A | M | D | S,
     "getEntitlement", 0},
    {"PATCH", "/v1/entitlements/{entitlement_id}", cl_h_entitlements_patch, D, "updateEntitlement",
     BODY},
    {"POST", "/v1/entitlements/{entitlement_id}/versions", cl_h_entitlement_versions_create, D,
     "createEntitlementVersion", BODY},
    {"GET", "/v1/entitlements/{entitlement_id}/versions/{version_id}",
     cl_h_entitlement_versions_get, A | M | D | S, "getEntitlementVersion", 0},
    {"PATCH", "/v1/entitlements/{entitlement_id}/versions/{version_id}",
     cl_h_entitlement_versions_patch, D, "updateEntitlementVersion", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/entitlements", cl_h_care_leaver_entitlements,
     A | M | D | S, "listCareLeaverEntitlements", 0},
    {"GET", "/v1/care-leavers/{care_leaver_id}/grant-payments", cl_h_grant_payments_list,
     A | M | D | S, "listGrantPayments", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/grant-payments", cl_h_grant_payments_create,
     A | M | D, "createGrantPayment", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/grant-payments/{payment_id}",
     cl_h_grant_payments_get, A | M | D | S, "getGrantPayment", 0},
    {"GET", "/v1/council-tax-schemes", cl_h_council_tax_schemes_list, A | M | D | S,
     "listCouncilTaxSchemes", 0},
    {"POST", "/v1/council-tax-schemes", cl_h_council_tax_schemes_create, D,
     "createCouncilTaxScheme", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/council-tax-statuses",
     cl_h_council_tax_statuses_list, A | M | D | S, "listCouncilTaxStatuses", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/council-tax-statuses",
     cl_h_council_tax_statuses_create, A | M | D, "createCouncilTaxStatus", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/council-tax-statuses/{status_id}",
     cl_h_council_tax_statuses_get, A | M | D | S, "getCouncilTaxStatus", 0},
    {"PATCH", "/v1/care-leavers/{care_leaver_id}/council-tax-statuses/{status_id}",
     cl_h_council_tax_statuses_patch, A | M | D, "updateCouncilTaxStatus", BODY},

    /* the Local Offer (schema/functions/local_offer.sql) */
    {"GET", "/v1/local-offer", cl_h_local_offer_page, PUBLIC, "getLocalOffer", 0},
    {"POST", "/v1/local-offer-versions", cl_h_local_offer_create, D, "createLocalOfferVersion",
     BODY},
    {"GET", "/v1/local-offer-versions/{local_offer_id}", cl_h_local_offer_get, A | M | D | S,
     "getLocalOfferVersion", 0},

    /* the young person's voice: surveys, statements, Outcome Star readings, participation
       bodies (schema/functions/voice.sql) */
    {"GET", "/v1/survey-themes", cl_h_survey_themes_list, A | M | D, "listSurveyThemes", 0},
    {"POST", "/v1/survey-themes", cl_h_survey_themes_create, M | D, "createSurveyTheme", BODY},
    {"GET", "/v1/survey-themes/{theme_code}", cl_h_survey_themes_get, A | M | D, "getSurveyTheme",
     0},
    {"GET", "/v1/surveys", cl_h_surveys_list, B | A | M | D, "listSurveys", 0},
    {"POST", "/v1/surveys", cl_h_surveys_create, M | D, "createSurvey", BODY},
    {"GET", "/v1/surveys/{survey_id}", cl_h_surveys_get, B | A | M | D, "getSurvey", 0},
    {"GET", "/v1/surveys/{survey_id}/results", cl_h_survey_results, B | A | M | D,
     "getSurveyResults", 0},
    {"POST", "/v1/surveys/{survey_id}/responses", cl_h_survey_responses_create, A | M | D,
     "createSurveyResponse", BODY},
    {"GET", "/v1/surveys/{survey_id}/responses/{response_id}", cl_h_survey_responses_get, A | M | D,
     "getSurveyResponse", 0},
    {"POST", "/v1/surveys/{survey_id}/responses/{response_id}/themes", cl_h_survey_responses_tag,
     A | M | D, "tagSurveyAnswer", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/statements", cl_h_statements_list, A | M | D,
     "listStatements", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/statements", cl_h_statements_create, A | M | D | S,
     "createStatement", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/statements/{statement_id}", cl_h_statements_get,
     A | M | D | S, "getStatement", 0},
    {"PATCH", "/v1/care-leavers/{care_leaver_id}/statements/{statement_id}", cl_h_statements_patch,
     A | M | D, "updateStatement", BODY},
    {"GET", "/v1/star-editions", cl_h_star_editions_list, A | M | D, "listStarEditions", 0},
    {"GET", "/v1/care-leavers/{care_leaver_id}/star-readings", cl_h_star_readings_list, A | M | D,
     "listStarReadings", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/star-readings", cl_h_star_readings_create,
     A | M | D, "createStarReading", BODY},
    {"GET", "/v1/care-leavers/{care_leaver_id}/star-readings/progress", cl_h_star_progress,
     A | M | D, "getStarProgress", 0},
    {"GET", "/v1/care-leavers/{care_leaver_id}/star-readings/{reading_id}", cl_h_star_readings_get,
     A | M | D, "getStarReading", 0},
    {"GET", "/v1/participation-bodies", cl_h_participation_bodies_list, A | M | D,
     "listParticipationBodies", 0},
    {"POST", "/v1/participation-bodies", cl_h_participation_bodies_create, M | D,
     "createParticipationBody", BODY},
    {"GET", "/v1/participation-bodies/{body_id}", cl_h_participation_bodies_get, A | M | D,
     "getParticipationBody", 0},
    {"GET", "/v1/participation-bodies/{body_id}/memberships", cl_h_memberships_list, A | M | D,
     "listMemberships", 0},
    {"POST", "/v1/participation-bodies/{body_id}/memberships", cl_h_memberships_create, A | M | D,
     "createMembership", BODY},
    {"GET", "/v1/participation-bodies/{body_id}/memberships/{membership_id}", cl_h_memberships_get,
     A | M | D, "getMembership", 0},
    {"PATCH", "/v1/participation-bodies/{body_id}/memberships/{membership_id}",
     cl_h_memberships_patch, A | M | D, "updateMembership", BODY},
    {"GET", "/v1/participation-bodies/{body_id}/events", cl_h_participation_events_list, A | M | D,
     "listParticipationEvents", 0},
    {"POST", "/v1/participation-bodies/{body_id}/events", cl_h_participation_events_create,
     A | M | D, "createParticipationEvent", BODY},
    {"GET", "/v1/participation-bodies/{body_id}/events/{event_id}", cl_h_participation_events_get,
     A | M | D, "getParticipationEvent", 0},
    /* the Corporate Parenting Board's own business and its indicators any day
       (schema/functions/board_business.sql) */
    {"POST", "/v1/board-meetings", cl_h_board_meetings_create, M | D, "createBoardMeeting", BODY},
    {"GET", "/v1/board-meetings", cl_h_board_meetings_list, B | M | D | S, "listBoardMeetings", 0},
    {"GET", "/v1/board-meetings/{meeting_id}", cl_h_board_meetings_get, B | M | D | S,
     "getBoardMeeting", 0},
    {"POST", "/v1/board-meetings/{meeting_id}/actions", cl_h_board_actions_create, M | D,
     "createBoardAction", BODY},
    {"GET", "/v1/board-meetings/{meeting_id}/actions", cl_h_board_actions_list, B | M | D | S,
     "listBoardActions", 0},
    {"GET", "/v1/board-meetings/{meeting_id}/actions/{action_id}", cl_h_board_actions_get,
     B | M | D | S, "getBoardAction", 0},
    {"POST", "/v1/board-meetings/{meeting_id}/actions/{action_id}/updates",
     cl_h_board_actions_update, M | D, "updateBoardAction", BODY},
    {"POST", "/v1/board-meetings/{meeting_id}/sections", cl_h_board_sections_create, M | D,
     "createBoardSection", BODY},
    {"GET", "/v1/board-meetings/{meeting_id}/sections", cl_h_board_sections_list, B | M | D | S,
     "listBoardSections", 0},
    {"GET", "/v1/board-meetings/{meeting_id}/sections/{section_id}", cl_h_board_sections_get,
     B | M | D | S, "getBoardSection", 0},
    {"POST", "/v1/board-targets", cl_h_board_targets_set, M | D, "setBoardTarget", BODY},
    {"GET", "/v1/board-targets", cl_h_board_targets_list, B | M | D | S, "listBoardTargets", 0},
    {"GET", "/v1/board-targets/{indicator}", cl_h_board_targets_get, B | M | D | S,
     "getBoardTarget", 0},
    {"POST", "/v1/board-baselines", cl_h_board_baselines_create, M | D, "createBoardBaseline",
     BODY},
    {"GET", "/v1/board-baselines", cl_h_board_baselines_list, B | M | D | S, "listBoardBaselines",
     0},
    {"GET", "/v1/board-baselines/{baseline_id}", cl_h_board_baselines_get, B | M | D | S,
     "getBoardBaseline", 0},
    {"GET", "/v1/indicators", cl_h_indicators_get, B | M | D | S, "getIndicators", 0},
    {"GET", "/v1/indicators/{indicator}/series", cl_h_indicators_series, B | M | D | S,
     "getIndicatorSeries", 0},

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

    /* records: subject access review, disposals, legal holds (schema/functions/records.sql) */
    {"POST", "/v1/jobs/{job_id}/review", cl_h_subject_access_review, M | D, "reviewSubjectAccess",
     0},
    {"POST", "/v1/disposals/{disposal_id}/approve", cl_h_disposals_approve, M | D,
     "approveDisposal", 0},
    {"POST", "/v1/care-leavers/{care_leaver_id}/legal-holds", cl_h_legal_holds_create, M | D,
     "createLegalHold", BODY},
    {"POST", "/v1/legal-holds/{legal_hold_id}/release", cl_h_legal_holds_release, M | D,
     "releaseLegalHold", 0},
    /* final SSDA903 returns: a manager declares a succeeded return job final */
    {"GET", "/v1/ssda903-returns", cl_h_ssda903_returns_list, M | D | S, "listSsda903Returns", 0},
    {"POST", "/v1/ssda903-returns/{collection_year}/finalise", cl_h_ssda903_returns_finalise, M,
     "finaliseSsda903Return", BODY},
};

const int cl_routes_count = (int)(sizeof cl_routes / sizeof cl_routes[0]);
