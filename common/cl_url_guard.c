#include "cl_url_guard.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define URL_MAX 2000

int
cl_url_parse(const char *url, int allow_http, struct cl_url *out, const char **why)
{
    const char *p, *end, *colon = NULL;
    size_t n;

    memset(out, 0, sizeof *out);
    if (strlen(url) > URL_MAX) {
        *why = "must be at most 2000 characters";
        return -1;
    }
    for (p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '#' || *p == '\\') {
            *why = "must not contain spaces, control characters, backslashes or a fragment";
            return -1;
        }
    if (strncmp(url, "https://", 8) == 0) {
        out->https = 1;
        p = url + 8;
    } else if (allow_http && strncmp(url, "http://", 7) == 0) {
        p = url + 7;
    } else {
        *why = allow_http ? "must be an http:// or https:// URL" : "must be an https:// URL";
        return -1;
    }
    end = p + strcspn(p, "/?");
    if (memchr(p, '@', (size_t)(end - p))) {
        *why = "must not carry user information";
        return -1;
    }
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        struct in6_addr a6;

        n = close ? (size_t)(close - p - 1) : 0;
        if (!close || n == 0 || n >= sizeof out->host) {
            *why = "has a malformed IPv6 address";
            return -1;
        }
        memcpy(out->host, p + 1, n);
        if (inet_pton(AF_INET6, out->host, &a6) != 1) {
            *why = "has a malformed IPv6 address";
            return -1;
        }
        colon = close + 1 < end ? close + 1 : NULL;
        if (colon && *colon != ':') {
            *why = "has a malformed host";
            return -1;
        }
    } else {
        colon = memchr(p, ':', (size_t)(end - p));
        n = (size_t)((colon ? colon : end) - p);
        if (n == 0 || n > 253) {
            *why = "must name a host";
            return -1;
        }
        memcpy(out->host, p, n);
        for (size_t i = 0; i < n; i++) {
            char c = out->host[i];

            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.')) {
                *why = "has a malformed host";
                return -1;
            }
        }
    }
    out->port = out->https ? 443 : 80;
    if (colon) {
        long port = 0;

        if (colon + 1 == end || end - colon > 6) {
            *why = "has a malformed port";
            return -1;
        }
        for (const char *d = colon + 1; d < end; d++) {
            if (*d < '0' || *d > '9') {
                *why = "has a malformed port";
                return -1;
            }
            port = port * 10 + (*d - '0');
        }
        if (port < 1 || port > 65535) {
            *why = "has a malformed port";
            return -1;
        }
        out->port = (int)port;
    }
    return 0;
}

/* 1 when the 32-bit host-order address a is in prefix/bits. */
static int
in4(uint32_t a, uint32_t prefix, int bits)
{
    uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);

    return (a & mask) == (prefix & mask);
}

static int
public4(uint32_t a)
{
    static const struct {
        uint32_t prefix;
        int bits;
    } blocked[] = {
        {0x00000000, 8},  /* this network */
        {0x0a000000, 8},  /* private */
        {0x64400000, 10}, /* carrier-grade NAT */
        {0x7f000000, 8},  /* loopback */
        {0xa9fe0000, 16}, /* link-local (cloud metadata) */
        {0xac100000, 12}, /* private */
        {0xc0000000, 24}, /* IETF protocol assignments */
        {0xc0000200, 24}, /* documentation */
        {0xc0a80000, 16}, /* private */
        {0xc6120000, 15}, /* benchmarking */
        {0xc6336400, 24}, /* documentation */
        {0xcb007100, 24}, /* documentation */
        {0xe0000000, 4},  /* multicast */
        {0xf0000000, 4},  /* reserved, broadcast */
    };

    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++)
        if (in4(a, blocked[i].prefix, blocked[i].bits))
            return 0;
    return 1;
}

int
cl_addr_public(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return public4(ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};
        static const unsigned char zero[15] = {0};

        if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0)
            return public4((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
                           b[15]);
        if (memcmp(b, zero, 15) == 0) /* :: and ::1 */
            return 0;
        if ((b[0] & 0xfe) == 0xfc) /* unique local fc00::/7 */
            return 0;
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* link-local fe80::/10 */
            return 0;
        if (b[0] == 0xff) /* multicast */
            return 0;
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) /* documentation */
            return 0;
        if (b[0] == 0x01 && b[1] == 0 && memcmp(b + 2, zero, 6) == 0) /* discard 100::/64 */
            return 0;
        return 1;
    }
    return 0;
}

int
cl_url_resolve(const struct cl_url *u, int allow_private, char *addr, size_t addrlen,
               const char **why)
{
    struct addrinfo hints = {0}, *res = NULL;
    char port[8];
    int rc = -1;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%d", u->port);
    if (getaddrinfo(u->host, port, &hints, &res) != 0 || res == NULL) {
        *why = "does not resolve to an address";
        return -1;
    }
    for (struct addrinfo *a = res; a; a = a->ai_next)
        if (!allow_private && !cl_addr_public(a->ai_addr)) {
            *why = "resolves to a private, loopback or reserved address";
            goto done;
        }
    if (res->ai_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr, addr,
                  (socklen_t)addrlen);
    else
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr, addr,
                  (socklen_t)addrlen);
    rc = 0;
done:
    freeaddrinfo(res);
    return rc;
}
