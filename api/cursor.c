#include "cursor.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cl_b64.h"
#include "cl_db.h"
#include "cl_log.h"
#include "cl_mem.h"

#define MOD "cursor"
#define NONCE 12
#define TAG 16

static struct cl_stmt key_get = {"SELECT encode(secret, 'hex') FROM cursor_keys WHERE id = 1"};

/* Read from the database by whichever request first needs it, with no lock held while it
 * waits for the database: a loader holding a lock while it waited for a pooled connection,
 * with the pool's connections held by requests waiting for that lock, stalled every list
 * until the pool's timeout (503s at start-up under concurrent list requests). The first
 * reader to finish publishes the key under key_lock; key_loaded is set (release) after key is
 * written, so a reader that sees it set (acquire) uses the key with no lock. */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cl_cursor_key key;
static int key_loaded;

static void
hmac(const unsigned char k[32], const void *a, size_t an, const void *b, size_t bn,
     unsigned char out[32])
{
    unsigned char *buf = cl_malloc(an + bn + 1);
    unsigned int len = 32;

    memcpy(buf, a, an);
    buf[an] = 0; /* separates the parts: a holds no NUL */
    memcpy(buf + an + 1, b, bn);
    if (HMAC(EVP_sha256(), k, 32, buf, an + bn + 1, out, &len) == NULL)
        abort();
    free(buf);
}

void
cl_cursor_key_derive(const unsigned char *secret, size_t n, struct cl_cursor_key *out)
{
    unsigned int len = 32;

    if (HMAC(EVP_sha256(), secret, (int)n, (const unsigned char *)"cursor-enc", 10, out->enc,
             &len) == NULL ||
        HMAC(EVP_sha256(), secret, (int)n, (const unsigned char *)"cursor-siv", 10, out->siv,
             &len) == NULL)
        abort();
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The key from the secret db reads (hex text), or an error. */
static int
key_read(struct cl_conn *db, struct cl_cursor_key *out)
{
    PGresult *res = NULL;
    int err = cl_db_one(db, &key_get, 0, NULL, &res);

    if (err == CL_OK) {
        const char *hex = PQgetvalue(res, 0, 0);
        size_t n = strlen(hex) / 2;
        unsigned char secret[256];

        for (size_t i = 0; i < n && i < sizeof secret && err == CL_OK; i++) {
            int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

            if (hi < 0 || lo < 0)
                err = CL_EDB;
            else
                secret[i] = (unsigned char)(hi << 4 | lo);
        }
        if (err == CL_OK && (n < 32 || n > sizeof secret))
            err = CL_EDB;
        if (err == CL_OK)
            cl_cursor_key_derive(secret, n, out);
        memset(secret, 0, sizeof secret);
    }
    PQclear(res);
    return err;
}

int
cl_cursor_key(struct cl_pool *pool, struct cl_conn *own, const struct cl_cursor_key **out)
{
    struct cl_cursor_key k;
    struct cl_conn *db = own;
    int err = CL_OK;

    if (!__atomic_load_n(&key_loaded, __ATOMIC_ACQUIRE)) {
        if (db == NULL)
            err = cl_pool_get(pool, &db);
        if (err == CL_OK)
            err = key_read(db, &k);
        if (db && db != own)
            cl_pool_put(pool, db);
        if (err == CL_OK) {
            pthread_mutex_lock(&key_lock);
            if (!key_loaded) {
                key = k;
                __atomic_store_n(&key_loaded, 1, __ATOMIC_RELEASE);
            }
            pthread_mutex_unlock(&key_lock);
        } else {
            cl_log_warn(MOD, "cursor key not readable: %s", cl_err_str(err));
        }
        memset(&k, 0, sizeof k);
    }
    *out = __atomic_load_n(&key_loaded, __ATOMIC_ACQUIRE) ? &key : NULL;
    return err;
}

char *
cl_cursor_seal(const struct cl_cursor_key *k, const char *scope, const void *p, size_t n)
{
    unsigned char mac[32], *buf = cl_malloc(NONCE + n + TAG);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0;
    char *text;

    hmac(k->siv, scope, strlen(scope), p, n, mac);
    memcpy(buf, mac, NONCE);
    if (ctx == NULL || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k->enc, buf) != 1 ||
        EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)scope, (int)strlen(scope)) != 1 ||
        EVP_EncryptUpdate(ctx, buf + NONCE, &len, p, (int)n) != 1 ||
        EVP_EncryptFinal_ex(ctx, buf + NONCE + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG, buf + NONCE + n) != 1)
        abort();
    EVP_CIPHER_CTX_free(ctx);
    text = cl_b64url_encode(buf, NONCE + n + TAG);
    free(buf);
    return text;
}

char *
cl_cursor_open(const struct cl_cursor_key *k, const char *scope, const char *text, size_t *n)
{
    size_t len = 0;
    unsigned char *raw = (unsigned char *)cl_b64url_decode(text, strlen(text), &len);
    EVP_CIPHER_CTX *ctx = NULL;
    char *plain = NULL;
    int out = 0, fin = 0, ok = 0;

    if (raw && len >= NONCE + TAG && len - NONCE - TAG < (size_t)1 << 20) {
        size_t m = len - NONCE - TAG;

        plain = cl_malloc(m + 1);
        ctx = EVP_CIPHER_CTX_new();
        ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k->enc, raw) == 1 &&
             EVP_DecryptUpdate(ctx, NULL, &out, (const unsigned char *)scope, (int)strlen(scope)) ==
                 1 &&
             EVP_DecryptUpdate(ctx, (unsigned char *)plain, &out, raw + NONCE, (int)m) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG, raw + NONCE + m) == 1 &&
             EVP_DecryptFinal_ex(ctx, (unsigned char *)plain + out, &fin) == 1;
        if (ok) {
            plain[m] = '\0';
            *n = m;
        }
    }
    EVP_CIPHER_CTX_free(ctx);
    free(raw);
    if (!ok) {
        free(plain);
        return NULL;
    }
    return plain;
}
