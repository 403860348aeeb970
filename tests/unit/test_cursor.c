/* Sealed list cursors (api/cursor.c): a round trip gives the keys back; the text shows none of
 * them; a changed byte, another list or another key is refused. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cl_b64.h"
#include "cl_mem.h"
#include "cursor.h"

TestSuite(cursor, .init = cl_mem_init);

static const char keys[] = "[\"Quokkington\",\"Philomena\",\"0b6d5f0e-8f5a-4c55-9d0e\"]";

static void
key_for(const char *secret, struct cl_cursor_key *k)
{
    cl_cursor_key_derive((const unsigned char *)secret, strlen(secret), k);
}

Test(cursor, round_trip_hides_the_keys)
{
    struct cl_cursor_key k;
    char *text, *raw, *plain;
    size_t n = 0, rawlen = 0;

    key_for("a secret of at least thirty-two bytes", &k);
    text = cl_cursor_seal(&k, "/v1/care-leavers", keys, strlen(keys));
    cr_assert_not_null(text);
    raw = cl_b64url_decode(text, strlen(text), &rawlen);
    cr_assert_not_null(raw);
    cr_expect_null(memmem(raw, rawlen, "Quokk", 5));
    cr_expect_null(memmem(raw, rawlen, "Philomena", 9));
    cr_expect_null(memmem(raw, rawlen, "0b6d5f0e", 8));
    plain = cl_cursor_open(&k, "/v1/care-leavers", text, &n);
    cr_assert_not_null(plain);
    cr_expect_eq(n, strlen(keys));
    cr_expect_str_eq(plain, keys);
    free(plain);
    free(raw);
    free(text);
}

Test(cursor, the_same_position_gives_the_same_cursor)
{
    struct cl_cursor_key k;
    char *a, *b, *c;

    key_for("a secret of at least thirty-two bytes", &k);
    a = cl_cursor_seal(&k, "/v1/jobs", keys, strlen(keys));
    b = cl_cursor_seal(&k, "/v1/jobs", keys, strlen(keys));
    c = cl_cursor_seal(&k, "/v1/jobs", "[\"x\"]", 5);
    cr_expect_str_eq(a, b);
    cr_expect_str_neq(a, c, "another position, another nonce");
    free(a);
    free(b);
    free(c);
}

Test(cursor, tampered_foreign_or_garbage_cursors_are_refused)
{
    struct cl_cursor_key k, other;
    char *text;
    size_t n = 0;

    key_for("a secret of at least thirty-two bytes", &k);
    key_for("another secret of thirty-two bytes!!", &other);
    text = cl_cursor_seal(&k, "/v1/care-leavers", keys, strlen(keys));
    cr_expect_null(cl_cursor_open(&k, "/v1/advisers", text, &n), "another list");
    cr_expect_null(cl_cursor_open(&other, "/v1/care-leavers", text, &n), "another key");
    for (size_t i = 0; i < strlen(text); i++) {
        char saved = text[i];

        text[i] = saved == 'A' ? 'B' : 'A';
        cr_expect_null(cl_cursor_open(&k, "/v1/care-leavers", text, &n), "byte %zu changed", i);
        text[i] = saved;
    }
    cr_expect_null(cl_cursor_open(&k, "/v1/care-leavers", "", &n));
    cr_expect_null(cl_cursor_open(&k, "/v1/care-leavers", "WyJhIl0", &n), "the old JSON form");
    cr_expect_null(cl_cursor_open(&k, "/v1/care-leavers", "not base64url!", &n));
    free(text);
}
