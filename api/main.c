/* The api process: reads configuration, optionally applies migrations (--migrate), starts the
 * HTTP server and runs until SIGINT or SIGTERM. */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <civetweb.h>

#include "auth.h"
#include "cl_config.h"
#include "cl_db.h"
#include "cl_la_time.h"
#include "cl_log.h"
#include "cl_mem.h"
#include "cl_migrate.h"
#include "http_server.h"
#include "metrics.h"
#include "ratelimit.h"
#include "readiness.h"
#include "routes.h"

#define MOD "api"

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static int
migrate(const struct cl_config *cfg)
{
    struct cl_conn *c;
    int err;

    if (cfg->migration_database_url[0] == '\0') {
        fprintf(stderr, "api: --migrate needs MIGRATION_DATABASE_URL (the schema owner's login; "
                        "DATABASE_URL is the api's own, which may not change the schema)\n");
        return 1;
    }
    c = cl_conn_open_owner(cfg->migration_database_url, "cl-migrate", cfg->db_timeout_ms);
    if (c == NULL) {
        fprintf(stderr, "api: cannot connect to MIGRATION_DATABASE_URL to migrate\n");
        return 1;
    }
    err = cl_migrate_apply(c);
    cl_conn_close(c);
    return err == CL_OK ? 0 : 1;
}

static void
usage(void)
{
    fprintf(stderr, "usage: api [--migrate | --migrate-only | --check-config]\n"
                    "  --migrate       apply database migrations, then serve\n"
                    "  --migrate-only  apply database migrations and exit\n"
                    "  --check-config  validate the environment and exit\n");
}

int
main(int argc, char **argv)
{
    char err[256];
    struct cl_config *cfg;
    struct cl_app app;
    struct cl_pool_opts po;
    struct mg_context *ctx;
    int do_migrate = 0, migrate_only = 0, check_only = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--migrate") == 0)
            do_migrate = 1;
        else if (strcmp(argv[i], "--migrate-only") == 0)
            do_migrate = migrate_only = 1;
        else if (strcmp(argv[i], "--check-config") == 0)
            check_only = 1;
        else {
            usage();
            return 2;
        }
    }
    cl_mem_init();
    /* A list page's buffers (100-400 KB) would otherwise stay in glibc's per-thread arenas
     * once freed (its mmap threshold rises to the largest block freed), spread over up to
     * 8 arenas per core by the thousand Civetweb threads. With a fixed threshold and two
     * arenas they go back to the system: peak RSS after make bench's list rows ~40 MiB
     * instead of ~55-68 MiB, GET throughput unchanged. */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024);
    mallopt(M_ARENA_MAX, 2);
    cfg = cl_config_load(CL_CONFIG_API, err, sizeof err);
    if (cfg == NULL) {
        fprintf(stderr, "api: configuration error: %s\n", err);
        return 2;
    }
    cl_log_level = cl_log_parse_level(cfg->log_level);
    cl_la_time_use(cfg->la_timezone);
    memset(&app, 0, sizeof app);
    app.cfg = cfg;
    app.auth = cl_auth_new(cfg);
    if (app.auth == NULL) {
        fprintf(stderr, "api: configuration error: JWT key material unusable for %s\n",
                cfg->jwt_alg);
        cl_config_free(cfg);
        return 2;
    }
    app.ratelimit = cl_ratelimit_new(cfg, err, sizeof err);
    if (app.ratelimit == NULL) {
        fprintf(stderr, "api: configuration error: %s\n", err);
        cl_auth_free(app.auth);
        cl_config_free(cfg);
        return 2;
    }
    if (check_only) {
        printf("configuration ok: JWT_ALG=%s PORT=%d LISTEN_ADDR=%s API_THREADS=%d "
               "DB_POOL_SIZE=%d\n",
               cfg->jwt_alg, cfg->port, cfg->listen_addr, cfg->api_threads, cfg->db_pool_size);
        cl_ratelimit_free(app.ratelimit);
        cl_auth_free(app.auth);
        cl_config_free(cfg);
        return 0;
    }
    if (do_migrate && migrate(cfg) != 0) {
        cl_ratelimit_free(app.ratelimit);
        cl_auth_free(app.auth);
        cl_config_free(cfg);
        return 1;
    }
    if (migrate_only) {
        cl_ratelimit_free(app.ratelimit);
        cl_auth_free(app.auth);
        cl_config_free(cfg);
        return 0;
    }
    po.conninfo = cfg->database_url;
    po.app_name = "cl-api";
    po.size = cfg->db_pool_size;
    po.timeout_ms = cfg->db_timeout_ms;
    po.statement_timeout_ms = 30000;
    app.pool = cl_pool_new(&po);
    app.ready = cl_readiness_start(cfg->database_url, cfg->readyz_interval_ms, cfg->db_timeout_ms);
    if (app.ready == NULL) {
        fprintf(stderr, "api: cannot start the readiness thread\n");
        cl_pool_free(app.pool);
        cl_ratelimit_free(app.ratelimit);
        cl_auth_free(app.auth);
        cl_config_free(cfg);
        return 1;
    }
    cl_metrics_init(cl_routes_count);
    for (int i = 0; i < cl_routes_count; i++)
        cl_metrics_name(i, cl_routes[i].method, cl_routes[i].path);

    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    mg_init_library(0);
    ctx = cl_http_start(&app);
    if (ctx == NULL) {
        fprintf(stderr, "api: cannot listen on %s:%d (in use?)\n", cfg->listen_addr, cfg->port);
        mg_exit_library();
        cl_metrics_free();
        cl_readiness_stop(app.ready);
        cl_pool_free(app.pool);
        cl_ratelimit_free(app.ratelimit);
        cl_auth_free(app.auth);
        cl_config_free(cfg);
        return 1;
    }
    cl_log_info(MOD, "listening on http://%s:%d with %d threads, pool %d", cfg->listen_addr,
                cfg->port, cfg->api_threads, cfg->db_pool_size);
    while (!stopping)
        usleep(100000);
    cl_log_info(MOD, "stopping");
    mg_stop(ctx);
    mg_exit_library();
    cl_metrics_free();
    cl_readiness_stop(app.ready);
    cl_pool_free(app.pool);
    cl_ratelimit_free(app.ratelimit);
    cl_auth_free(app.auth);
    cl_config_free(cfg);
    return 0;
}
