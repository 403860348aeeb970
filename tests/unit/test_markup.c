#include <criterion/criterion.h>

#include "cl_buf.h"
#include "cl_markup.h"
#include "cl_mem.h"

TestSuite(markup, .init = cl_mem_init);

/* s escaped with flags, compared with want. */
static void
expect(unsigned flags, const char *s, const char *want)
{
    struct cl_buf b;

    cl_buf_init(&b, 4096);
    cr_assert_eq(cl_markup_text(&b, s, flags), CL_OK);
    cr_expect_str_eq(b.data ? b.data : "", want, "input %s", s);
    cl_buf_free(&b);
}

Test(markup, html_escapes_the_five_and_keeps_every_other_byte)
{
    expect(0, "plain 2026-11-22", "plain 2026-11-22");
    expect(0, "", "");
    expect(0, "<a href=\"x\">Tom & Jerry's</a>",
           "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    expect(0, "tab\there\x01", "tab\there\x01");
}

Test(markup, xml_uses_apos_and_leaves_out_what_xml_cannot_carry)
{
    expect(CL_MARKUP_XML, "C1042", "C1042");
    expect(CL_MARKUP_XML, "O'Neil & <Co>", "O&apos;Neil &amp; &lt;Co&gt;");
    expect(CL_MARKUP_XML,
           "a\x01"
           "b\x1f"
           "c",
           "abc");
    expect(CL_MARKUP_XML, "keep\t\r\nthese", "keep\t\r\nthese");
    expect(CL_MARKUP_XML, "\"\x02\"", "&quot;&quot;");
}

Test(markup, fails_at_the_buffer_cap)
{
    struct cl_buf b;

    cl_buf_init(&b, 8);
    cr_expect_eq(cl_markup_text(&b, "0123456789", 0), CL_EINVAL);
    cr_expect_eq(cl_markup_text(&b, "&&&", CL_MARKUP_XML), CL_EINVAL);
    cl_buf_free(&b);
}
