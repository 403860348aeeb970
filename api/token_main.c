/* token: prints a development JWT for a role, signed with the configured HS256 secret (or, for
 * RS256/ES256, the PEM private key in JWT_PRIVATE_KEY_FILE).
 * usage: token ROLE [ADVISER_ID] [ORG_ID] [TTL_SECONDS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "auth.h"
#include "cl_config.h"
#include "cl_mem.h"
#include "cl_role.h"

static char *
read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = cl_malloc(65537);
    n = fread(buf, 1, 65536, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

int
main(int argc, char **argv)
{
    char err[256];
    struct cl_config *cfg;
    cJSON *claims;
    char *json, *tok, *pem = NULL;
    const unsigned char *key;
    long ttl = 8 * 3600;
    time_t now = time(NULL);
    int ok;

    if (argc < 2 || cl_role_from_name(argv[1]) == 0) {
        fprintf(stderr, "usage: token ROLE [ADVISER_ID|CARE_LEAVER_ID] [ORG_ID] [TTL_SECONDS]\n"
                        "roles: board partner adviser manager admin service young_person\n"
                        "(the second argument is a young_person's care_leaver_id)\n");
        return 2;
    }
    cl_mem_init();
    cfg = cl_config_load(CL_CONFIG_TOOL, err, sizeof err);
    if (cfg == NULL) {
        fprintf(stderr, "token: configuration error: %s\n", err);
        return 2;
    }
    if (argc > 4)
        ttl = strtol(argv[4], NULL, 10);
    if (ttl <= 0 || ttl > cfg->jwt_max_lifetime_s) {
        fprintf(stderr, "token: TTL_SECONDS must be from 1 to JWT_MAX_LIFETIME_S (%d)\n",
                cfg->jwt_max_lifetime_s);
        cl_config_free(cfg);
        return 2;
    }
    claims = cJSON_CreateObject();
    cJSON_AddStringToObject(claims, "sub", argc > 2 && argv[2][0] ? argv[2] : argv[1]);
    cJSON_AddStringToObject(claims, "role", argv[1]);
    if (argc > 2 && argv[2][0] && cl_role_from_name(argv[1]) == CL_ROLE_ADVISER)
        cJSON_AddStringToObject(claims, "adviser_id", argv[2]);
    if (argc > 2 && argv[2][0] && cl_role_from_name(argv[1]) == CL_ROLE_YOUNG_PERSON)
        cJSON_AddStringToObject(claims, "care_leaver_id", argv[2]);
    if (argc > 3 && argv[3][0] && cl_role_from_name(argv[1]) == CL_ROLE_PARTNER) {
        cJSON_AddStringToObject(claims, "org_id", argv[3]);
        cJSON_ReplaceItemInObject(claims, "sub", cJSON_CreateString(argv[3]));
    }
    cJSON_AddNumberToObject(claims, "iat", (double)now);
    cJSON_AddNumberToObject(claims, "exp", (double)(now + ttl));
    if (cfg->jwt_issuer[0])
        cJSON_AddStringToObject(claims, "iss", cfg->jwt_issuer);
    if (cfg->jwt_audience[0])
        cJSON_AddStringToObject(claims, "aud", cfg->jwt_audience);
    json = cJSON_PrintUnformatted(claims);
    if (strcmp(cfg->jwt_alg, "HS256") == 0) {
        key = (const unsigned char *)cfg->jwt_secret;
    } else {
        const char *path = getenv("JWT_PRIVATE_KEY_FILE");

        pem = path ? read_all(path) : NULL;
        if (pem == NULL) {
            fprintf(stderr, "token: %s needs JWT_PRIVATE_KEY_FILE (a PEM private key)\n",
                    cfg->jwt_alg);
            free(json);
            cJSON_Delete(claims);
            cl_config_free(cfg);
            return 2;
        }
        key = (const unsigned char *)pem;
    }
    tok = cl_auth_sign(cfg->jwt_alg, key, (int)strlen((const char *)key), json);
    ok = tok != NULL;
    if (ok)
        printf("%s\n", tok);
    else
        fprintf(stderr, "token: signing failed\n");
    free(tok);
    free(pem);
    free(json);
    cJSON_Delete(claims);
    cl_config_free(cfg);
    return ok ? 0 : 1;
}
