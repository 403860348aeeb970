/* /v1/surveys and /v1/survey-themes: survey definitions (the New Belongings template among
 * them), named and anonymous responses, themes on free-text answers, and the results. */
#ifndef CL_SURVEYS_H
#define CL_SURVEYS_H

#include "http.h"

int cl_h_survey_themes_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_survey_themes_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_survey_themes_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_surveys_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_surveys_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_surveys_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_survey_responses_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_survey_responses_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_survey_responses_tag(struct cl_req *req, struct cl_resp *resp);
int cl_h_survey_results(struct cl_req *req, struct cl_resp *resp);

#endif
