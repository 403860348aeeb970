#include <criterion/criterion.h>
#include <string.h>

#include "cl_json.h"
#include "cl_mem.h"
#include "cl_validate.h"

static const char *const kinds[] = {"eligible", "relevant", NULL};
static const struct cl_field fields[] = {
    {"name", CL_F_STRING, CL_F_REQUIRED, 1, 20, NULL},
    {"born", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE, 0, 0, NULL},
    {"kind", CL_F_ENUM, 0, 0, 0, kinds},
    {"hours", CL_F_INT, CL_F_NULLABLE, 0, 60, NULL},
    {"email", CL_F_EMAIL, 0, 0, 0, NULL},
    {"postcode", CL_F_POSTCODE, 0, 0, 0, NULL},
    {"phone", CL_F_PHONE, 0, 0, 0, NULL},
    {"id", CL_F_UUID, CL_F_READONLY, 0, 0, NULL},
    {NULL, 0, 0, 0, 0, NULL},
};

static int
count(const char *body, enum cl_vmode mode, cJSON **errs)
{
    const char *why;
    cJSON *j = cl_json_parse(body, strlen(body), &why);
    int n;

    cr_assert_not_null(j, "%s", body);
    *errs = cJSON_CreateArray();
    n = cl_validate(j, fields, mode, *errs);
    cJSON_Delete(j);
    return n;
}

static int
has_field(const cJSON *errs, const char *field)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, errs)
    {
        if (strcmp(cJSON_GetObjectItem(e, "field")->valuestring, field) == 0)
            return 1;
    }
    return 0;
}

TestSuite(validate, .init = cl_mem_init);

Test(validate, dates)
{
    cr_expect(cl_date_valid("2024-02-29"));
    cr_expect_not(cl_date_valid("2023-02-29"));
    cr_expect_not(cl_date_valid("2023-02-30"));
    cr_expect_not(cl_date_valid("2023-13-01"));
    cr_expect_not(cl_date_valid("2023-1-01"));
    cr_expect_not(cl_date_valid("20230101"));
    cr_expect(cl_date_valid("2000-12-31"));
}

Test(validate, uuids)
{
    cr_expect(cl_uuid_valid("0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7e"));
    cr_expect_not(cl_uuid_valid("0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7"));
    cr_expect_not(cl_uuid_valid("0b6d5f0e 8f5a-4c55-9d0e-2a3f4b5c6d7e"));
}

Test(validate, a_good_body_passes)
{
    cJSON *e;

    cr_expect_eq(count("{\"name\":\"Amy\",\"born\":\"2005-04-01\",\"kind\":\"relevant\","
                       "\"hours\":null,\"email\":\"a@b.org\",\"postcode\":\"LE1 6ZG\","
                       "\"phone\":\"0116 496 0000\"}",
                       CL_V_CREATE, &e),
                 0);
    cJSON_Delete(e);
}

Test(validate, every_bad_field_is_listed)
{
    cJSON *e;
    int n = count("{\"name\":\"\",\"born\":\"2023-02-30\",\"kind\":\"other\",\"hours\":61,"
                  "\"email\":\"nope\",\"postcode\":\"le1 6zg\",\"phone\":\"12\","
                  "\"id\":\"x\",\"extra\":1}",
                  CL_V_CREATE, &e);

    cr_expect_eq(n, 9, "got %d", n);
    cr_expect(has_field(e, "name"));
    cr_expect(has_field(e, "born"));
    cr_expect(has_field(e, "kind"));
    cr_expect(has_field(e, "hours"));
    cr_expect(has_field(e, "email"));
    cr_expect(has_field(e, "postcode"));
    cr_expect(has_field(e, "phone"));
    cr_expect(has_field(e, "id"), "read-only fields are refused");
    cr_expect(has_field(e, "extra"), "unknown fields are refused");
    cJSON_Delete(e);
}

Test(validate, required_on_create_only)
{
    cJSON *e;

    cr_expect_eq(count("{}", CL_V_CREATE, &e), 2);
    cJSON_Delete(e);
    cr_expect_eq(count("{}", CL_V_PATCH, &e), 0);
    cJSON_Delete(e);
    cr_expect_eq(count("{\"name\":null}", CL_V_PATCH, &e), 1, "required fields are not nullable");
    cJSON_Delete(e);
}

Test(validate, wrong_types_and_future_dates)
{
    cJSON *e;

    cr_expect_eq(count("{\"name\":5,\"born\":\"2999-01-01\",\"hours\":1.5}", CL_V_CREATE, &e), 3);
    cJSON_Delete(e);
}

Test(validate, sql_field_pairs)
{
    cJSON *e = cJSON_CreateArray();

    cr_assert_eq(cl_validate_add_pairs(e, "parties: every party must be an active partner; "
                                          "code: must be one of: A, B"),
                 0);
    cr_assert_eq(cJSON_GetArraySize(e), 2);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(e, 0), "field")->valuestring,
                     "parties");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(e, 0), "message")->valuestring,
                     "every party must be an active partner");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(e, 1), "field")->valuestring, "code");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(e, 1), "message")->valuestring,
                     "must be one of: A, B");
    /* free text, an empty message list or one bad pair: refused, nothing added */
    cr_expect_eq(cl_validate_add_pairs(e, "every party must be an active partner"), -1);
    cr_expect_eq(cl_validate_add_pairs(e, ""), -1);
    cr_expect_eq(cl_validate_add_pairs(e, "from: must not be after to; Not a field: x"), -1);
    cr_expect_eq(cl_validate_add_pairs(e, "a partner signs only for itself: x"), -1);
    cr_expect_eq(cJSON_GetArraySize(e), 2);
    cJSON_Delete(e);
}

/* CL_F_ARRAY: any array of min..max items (each checked elsewhere), nothing else. */
Test(validate, arrays_are_bounded)
{
    static const struct cl_field list[] = {
        {"questions", CL_F_ARRAY, CL_F_REQUIRED, 0, 2, NULL},
        {NULL, 0, 0, 0, 0, NULL},
    };
    static const char *const bodies[] = {"{\"questions\":[{},1]}", "{\"questions\":[1,2,3]}",
                                         "{\"questions\":{}}"};
    static const int problems[] = {0, 1, 1};

    for (int i = 0; i < 3; i++) {
        const char *why;
        cJSON *j = cl_json_parse(bodies[i], strlen(bodies[i]), &why), *e = cJSON_CreateArray();

        cr_expect_eq(cl_validate(j, list, CL_V_CREATE, e), problems[i], "%s", bodies[i]);
        cJSON_Delete(j);
        cJSON_Delete(e);
    }
}
