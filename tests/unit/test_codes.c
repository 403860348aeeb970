/* common/cl_codes: the identifier rules (the code lists themselves are checked against the
 * schema by tests/integration/test_codes.c). */
#include <criterion/criterion.h>

#include "cl_codes.h"

Test(codes, upn_is_a_letter_eleven_digits_and_a_check_character_or_un1_to_un5)
{
    cr_expect(cl_upn_ok("A12345678901B"));
    cr_expect(cl_upn_ok("a123456789012"), "either case");
    cr_expect(!cl_upn_ok("I12345678901B"), "not I");
    cr_expect(!cl_upn_ok("O12345678901B"), "not O");
    cr_expect(!cl_upn_ok("S12345678901B"), "not S");
    cr_expect(!cl_upn_ok("A1234567890B"), "eleven digits");
    cr_expect(!cl_upn_ok("A12345678901BC"), "thirteen characters");
    cr_expect(cl_upn_ok("UN1") && cl_upn_ok("un5"));
    cr_expect(!cl_upn_ok("UN6") && !cl_upn_ok(""));
    cr_expect(cl_upn_unknown("UN3") && cl_upn_unknown("un2"));
    cr_expect(!cl_upn_unknown("A12345678901B") && !cl_upn_unknown("UN0"));
}

Test(codes, child_id_is_one_to_ten_letters_and_digits)
{
    cr_expect(cl_child_id_ok("A") && cl_child_id_ok("abcDE12345"));
    cr_expect(!cl_child_id_ok(""), "at least one");
    cr_expect(!cl_child_id_ok("abcDE123456"), "at most ten");
    cr_expect(!cl_child_id_ok("AB-12") && !cl_child_id_ok("AB 12"), "letters and digits only");
}
