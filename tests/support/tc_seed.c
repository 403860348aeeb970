#include "tc_seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc.h"

char *
tc_seed_text(const char *sql)
{
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, sql);
    char *v = NULL;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        v = strdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(c);
    return v;
}

char *
tc_seed_adviser(void)
{
    return tc_seed_text("INSERT INTO advisers (name, email) "
                        "SELECT 'Seed Adviser', 'seed-' || g || '@council.example' "
                        "FROM gen_random_uuid() g RETURNING id");
}

char *
tc_seed_care_leaver(const char *adviser_id, const char *dob)
{
    char sql[640];

    snprintf(sql, sizeof sql,
             "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
             " ethnicity, category, district, adviser_id, care_ceased_on) "
             "SELECT 'S' || substr(md5(g::text), 1, 9), 'Seed', 'Person', '%s', '2', 'WBRI',"
             " 'former_relevant', 'Redditch', %s%s%s, '%s'::date + interval '18 years' "
             "FROM gen_random_uuid() g RETURNING id",
             dob, adviser_id ? "'" : "", adviser_id ? adviser_id : "NULL",
             adviser_id ? "'::uuid" : "", dob);
    return tc_seed_text(sql);
}

char *
tc_seed_partner(const char *kind)
{
    char sql[256];

    snprintf(sql, sizeof sql,
             "INSERT INTO partners (name, kind) SELECT 'Seed partner ' || g, '%s' "
             "FROM gen_random_uuid() g RETURNING id",
             kind);
    return tc_seed_text(sql);
}
