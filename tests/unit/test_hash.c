/* common/cl_hash: FNV-1a with the key mixed into the offset basis; the same input and key give the
 * same hash, a different key or input another. */
#include <criterion/criterion.h>

#include "cl_hash.h"

Test(hash, is_fnv1a_from_the_key)
{
    /* With key 0 it is plain FNV-1a 64: "a" hashes to af63dc4c8601ec8c. */
    cr_expect_eq(cl_hash64(0, "a", 1), 0xaf63dc4c8601ec8cULL);
    cr_expect_eq(cl_hash64(0, "", 0), 0xcbf29ce484222325ULL, "no bytes: the offset basis");
}

Test(hash, depends_on_key_and_input)
{
    uint64_t k = cl_hash_key();

    cr_expect_eq(cl_hash64(k, "subject", 7), cl_hash64(k, "subject", 7));
    cr_expect_neq(cl_hash64(k, "subject", 7), cl_hash64(k, "subjecT", 7));
    cr_expect_neq(cl_hash64(k, "subject", 7), cl_hash64(k ^ 1, "subject", 7));
}
