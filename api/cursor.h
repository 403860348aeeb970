/* Sealed list cursors. A cursor carries the sort key of the last row a page showed (names,
 * dates); sealed with AES-256-GCM it shows none of them to the URLs, proxy logs and browser
 * histories it passes through, and a client cannot make one up. Sealing is deterministic (the
 * nonce is an HMAC of the plaintext, as in SIV), so a nonce repeats only with its plaintext.
 * The key is derived from the secret in cursor_keys (migration 0112), read once on first use,
 * so every replica and every restart of the api shares it. */
#ifndef CL_CURSOR_H
#define CL_CURSOR_H

#include <stddef.h>

#include "cl_err.h"

struct cl_conn;
struct cl_pool;

struct cl_cursor_key {
    unsigned char enc[32]; /* AES-256-GCM key */
    unsigned char siv[32]; /* HMAC-SHA256 key for the synthetic nonce */
};

/* Derives both keys from a secret of n bytes. */
void cl_cursor_key_derive(const unsigned char *secret, size_t n, struct cl_cursor_key *out);
/* The process's key, read from the database on first use (on own, the caller's connection,
 * when it holds one, else on a pooled connection); CL_EDB_DOWN (or another error) when it
 * cannot be read yet. *out stays valid for the life of the process. */
int cl_cursor_key(struct cl_pool *pool, struct cl_conn *own,
                  const struct cl_cursor_key **out) CL_WARN_UNUSED;
/* Seals n bytes for one list (scope: e.g. its route template, so that a cursor works only on
 * the list that issued it). Returns base64url text the caller frees. */
char *cl_cursor_seal(const struct cl_cursor_key *k, const char *scope, const void *p, size_t n);
/* Opens a cursor: the plaintext (NUL-terminated, length in *n) the caller frees, or NULL when
 * text was not sealed with k for scope. Pure: also a fuzzing entry point. */
char *cl_cursor_open(const struct cl_cursor_key *k, const char *scope, const char *text, size_t *n);

#endif
