/* Configuration from environment variables, read once at start-up into an immutable struct.
 * One table in cl_config.c lists every setting with its type, default and bounds; a missing or
 * malformed setting stops start-up with one line naming it. */
#ifndef CL_CONFIG_H
#define CL_CONFIG_H

#include <stddef.h>

struct cl_config {
    char *database_url;           /* libpq conninfo or URI */
    char *migration_database_url; /* api --migrate only: the schema owner's login */
    char *report_database_url;    /* worker: where reports read (a standby); "": DATABASE_URL */
    int port;                     /* PORT */
    char *listen_addr;            /* LISTEN_ADDR */
    int api_threads;              /* API_THREADS: Civetweb worker threads (one per connection) */
    int db_pool_size;             /* DB_POOL_SIZE: pooled PostgreSQL connections */
    char *jwt_alg;                /* HS256, RS256 or ES256 */
    char *jwt_secret;             /* HS256 shared secret (>= 32 bytes) */
    char *jwt_public_key_file;
    char *jwt_public_key;   /* PEM read from jwt_public_key_file */
    char *jwt_issuer;       /* required outside development mode */
    char *jwt_audience;     /* required outside development mode */
    int jwt_max_lifetime_s; /* JWT_MAX_LIFETIME_S: longest exp - iat accepted */
    int dev_mode;           /* CL_DEV_MODE=1: development values allowed (make run/test/bench) */
    int max_body_bytes;     /* MAX_BODY_BYTES */
    char *log_level;
    char *la_code;              /* three-digit DfE local authority code */
    char *la_timezone;          /* the council's time zone (tz database name): its dates */
    char *cors_allowed_origins; /* comma-separated; empty: no CORS */
    int request_timeout_ms;     /* per request, header and body */
    int db_timeout_ms;          /* connect and pool wait budget before 503 */
    int readyz_interval_ms;     /* READYZ_INTERVAL_MS: how often readiness is checked */
    int rate_addr_per_s;        /* RATE_LIMIT_ADDR_PER_S: per client address; 0: off */
    int rate_addr_burst;        /* RATE_LIMIT_ADDR_BURST */
    int rate_sub_per_s;         /* RATE_LIMIT_SUB_PER_S: per token subject; 0: off */
    int rate_sub_burst;         /* RATE_LIMIT_SUB_BURST */
    char *trusted_proxies;      /* TRUSTED_PROXIES: addresses/CIDRs whose X-Forwarded-For counts */
    int worker_poll_ms;         /* worker: poll interval when no notification arrives */
    int job_lease_s;            /* worker: lease length, renewed by a heartbeat */
    char *nightly_at;           /* worker: HH:MM (LA_TIMEZONE) of the nightly jobs, or "off" */
    char *worker_queue;         /* worker: the queue it takes jobs from (WORKER_QUEUE) */
    int ssda903_window_before;  /* SSDA903: months before the birthday a contact still counts */
    int ssda903_window_after;   /* SSDA903: months after the birthday a contact still counts */
    int visit_recorded_days;    /* working days within which a visit must be recorded */
    int in_touch_days;          /* successful contact within this many days means in touch */
    char *board_title;
    char *board_lead_member;
    char *board_director;
    char *la_name;
    int board_suppress_below;          /* Board reports: counts 1..this-1 are shown as "<this" */
    int artifact_retention_days;       /* worker: artifacts older than this many days are deleted */
    int subject_access_retention_days; /* worker: subject access exports: the same, sooner */
    int webhook_allow_http;    /* WEBHOOK_ALLOW_HTTP=1: http:// endpoints (CL_DEV_MODE only) */
    int webhook_allow_private; /* WEBHOOK_ALLOW_PRIVATE=1: private/loopback targets (tests) */
    int webhook_timeout_ms;    /* worker: longest wait for a webhook endpoint's answer */
    int webhook_sweep_s;       /* worker: how often the sweep looks for stalled deliveries */
    int webhook_retry_max_s;   /* worker: longest wait between tries once a job's retries end */
    int webhook_fail_after_s;  /* worker: failing this long marks a subscription failing */
};

/* Why an HS256 secret (already at least 32 bytes) is too weak to use outside development
 * mode, or NULL: it needs 128 bits by its characters' Shannon entropy times its length, and no
 * run of 6 or more repeated or consecutive characters (aaaaaa, 012345, fedcba), which every
 * development secret committed to this repository has. */
const char *cl_config_weak_secret(const char *secret);

enum cl_config_who { CL_CONFIG_API = 1, CL_CONFIG_WORKER = 2, CL_CONFIG_TOOL = 4 };

/* Reads the environment. On error returns NULL and writes one line naming the setting into
 * err (size errlen). The result is owned by the caller: cl_config_free. */
struct cl_config *cl_config_load(int who, char *err, size_t errlen);
void cl_config_free(struct cl_config *cfg);

#endif
