#include <criterion/criterion.h>
#include <string.h>

#include "cl_buf.h"
#include "cl_csv.h"
#include "cl_mem.h"

TestSuite(csv, .init = cl_mem_init);

/* Each input written as one field, then "|", into one buffer. */
static void
fields(struct cl_buf *b, unsigned flags, const char *const *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(cl_csv_field(b, in[i], flags), CL_OK);
        cr_assert_eq(cl_buf_adds(b, "|"), CL_OK);
    }
}

static const char *const inputs[] = {
    "plain", "a,b",      "say \"hi\"", "two\nlines", "cr\rhere", "",
    NULL,    "=SUM(A1)", "-3",         "+1",         "@x",       "'",
};

Test(csv, quotes_only_what_rfc_4180_needs)
{
    struct cl_buf b;

    cl_buf_init(&b, 4096);
    fields(&b, 0, inputs, sizeof inputs / sizeof inputs[0]);
    cr_expect_str_eq(b.data, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\rhere\"|||"
                             "=SUM(A1)|-3|+1|@x|'|");
    cl_buf_free(&b);
}

Test(csv, formula_guard_quotes_a_leading_operator)
{
    struct cl_buf b;

    cl_buf_init(&b, 4096);
    fields(&b, CL_CSV_FORMULA_GUARD, inputs, sizeof inputs / sizeof inputs[0]);
    cr_expect_str_eq(b.data, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\rhere\"|||"
                             "\"'=SUM(A1)\"|\"'-3\"|\"'+1\"|\"'@x\"|'|");
    cl_buf_reset(&b);
    cr_assert_eq(cl_csv_field(&b, "=HYPERLINK(\"x\",\"y\")", CL_CSV_FORMULA_GUARD), CL_OK);
    cr_expect_str_eq(b.data, "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    cl_buf_free(&b);
}

/* A spreadsheet also runs a formula after a leading TAB or CR (it strips them), so those are
 * guarded too; a TAB or CR later in the text is only text. */
Test(csv, formula_guard_covers_a_leading_tab_and_cr)
{
    static const char *const in[] = {"\t=1+1", "\r=1+1", "\tplain", "a\tb", "a\rb"};
    struct cl_buf b;

    cl_buf_init(&b, 4096);
    fields(&b, CL_CSV_FORMULA_GUARD, in, sizeof in / sizeof in[0]);
    cr_expect_str_eq(b.data, "\"'\t=1+1\"|\"'\r=1+1\"|\"'\tplain\"|a\tb|\"a\rb\"|");
    cl_buf_reset(&b);
    fields(&b, 0, in, sizeof in / sizeof in[0]);
    cr_expect_str_eq(b.data, "\t=1+1|\"\r=1+1\"|\tplain|a\tb|\"a\rb\"|");
    cl_buf_free(&b);
}

Test(csv, fails_at_the_buffer_cap)
{
    struct cl_buf b;

    cl_buf_init(&b, 8);
    cr_expect_eq(cl_csv_field(&b, "0123456789", 0), CL_EINVAL);
    cr_expect_eq(cl_csv_field(&b, "a\"b\"c\"d\"e", 0), CL_EINVAL);
    cl_buf_free(&b);
}
