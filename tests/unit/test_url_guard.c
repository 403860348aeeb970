/* common/cl_url_guard: which webhook URLs parse and which addresses count as public. No DNS:
 * every host here is a literal address, except localhost, which resolves from /etc/hosts. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

#include "cl_url_guard.h"

static int
public_addr(const char *text)
{
    struct sockaddr_in a4 = {0};
    struct sockaddr_in6 a6 = {0};

    if (inet_pton(AF_INET, text, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        return cl_addr_public((struct sockaddr *)&a4);
    }
    cr_assert_eq(inet_pton(AF_INET6, text, &a6.sin6_addr), 1, "%s", text);
    a6.sin6_family = AF_INET6;
    return cl_addr_public((struct sockaddr *)&a6);
}

Test(url_guard, only_public_addresses_are_public)
{
    static const char *const blocked[] = {
        "127.0.0.1",       "127.8.9.10",      "10.0.0.1",    "172.16.0.1", "172.31.255.255",
        "192.168.1.1",     "169.254.169.254", "100.64.0.1",  "0.0.0.0",    "224.0.0.1",
        "255.255.255.255", "192.0.2.10",      "198.18.0.1",  "::1",        "::",
        "fc00::1",         "fd12:3456::1",    "fe80::1",     "ff02::1",    "::ffff:127.0.0.1",
        "::ffff:10.1.1.1", "64:ff9b::a00:1",  "2001:db8::1",
    };
    static const char *const allowed[] = {"93.184.216.34", "8.8.8.8", "172.32.0.1",
                                          "2a00:1450:4009:80b::200e", "::ffff:93.184.216.34"};

    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++)
        cr_expect_eq(public_addr(blocked[i]), 0, "%s", blocked[i]);
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        cr_expect_eq(public_addr(allowed[i]), 1, "%s", allowed[i]);
}

Test(url_guard, urls_parse_strictly)
{
    struct cl_url u;
    const char *why = NULL;

    cr_assert_eq(cl_url_parse("https://partner.example.org/hooks?x=1", 0, &u, &why), 0);
    cr_expect_str_eq(u.host, "partner.example.org");
    cr_expect_eq(u.port, 443);
    cr_assert_eq(cl_url_parse("https://[2001:db8::1]:8443/h", 0, &u, &why), 0);
    cr_expect_str_eq(u.host, "2001:db8::1");
    cr_expect_eq(u.port, 8443);
    cr_expect_eq(cl_url_parse("http://partner.example.org/", 0, &u, &why), -1);
    cr_assert_eq(cl_url_parse("http://127.0.0.1:9999/hook", 1, &u, &why), 0);
    cr_expect_eq(u.port, 9999);
    cr_expect_eq(u.https, 0);
    static const char *const bad[] = {
        "https://user:pw@partner.example.org/",
        "https://partner.example.org/#frag",
        "https://partner example.org/",
        "https:///path",
        "https://host:0/",
        "https://host:65536/",
        "https://host:12ab/",
        "https://[::1/",
        "https://ho_st/",
        "ftp://partner.example.org/",
        "https://partner.example.org\\@evil/",
        "HTTPS://partner.example.org/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(cl_url_parse(bad[i], 1, &u, &why), -1, "%s", bad[i]);
}

Test(url_guard, a_name_is_checked_by_what_it_resolves_to)
{
    struct cl_url u;
    const char *why = NULL;
    char addr[64];

    cr_assert_eq(cl_url_parse("https://localhost:8443/", 0, &u, &why), 0);
    cr_expect_eq(cl_url_resolve(&u, 0, addr, sizeof addr, &why), -1);
    cr_expect_not_null(strstr(why, "private"));
    cr_expect_eq(cl_url_resolve(&u, 1, addr, sizeof addr, &why), 0);
    cr_assert_eq(cl_url_parse("https://[::ffff:192.168.0.1]/", 0, &u, &why), 0);
    cr_expect_eq(cl_url_resolve(&u, 0, addr, sizeof addr, &why), -1);
}
