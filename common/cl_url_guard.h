/* Webhook endpoints: which URLs a partner may register and which addresses the worker may send
 * to, so that a subscription cannot make the service reach into its own network (a
 * server-side request forgery guard). The api checks when a URL is registered, the worker again
 * at every delivery on the address it is about to connect to (a name may resolve elsewhere by
 * then), and connects to exactly that address. */
#ifndef CL_URL_GUARD_H
#define CL_URL_GUARD_H

#include <stddef.h>
#include <sys/socket.h>

struct cl_url {
    int https;      /* 1 https, 0 http */
    char host[256]; /* the name or literal address, without brackets */
    int port;       /* explicit, or 443 / 80 */
};

/* Parses url: https:// (http:// too when allow_http), a host, an optional port, a path; no
 * user info, fragment, spaces or control characters, at most 2000 bytes. 0 and *out, or -1
 * with *why set to a sentence for the client. */
int cl_url_parse(const char *url, int allow_http, struct cl_url *out, const char **why);

/* 1 when sa is an address on the public internet: not loopback, private (RFC 1918, unique
 * local), link-local, carrier-grade NAT, unspecified, multicast, broadcast, documentation or
 * benchmarking ranges, nor an IPv4 one of those mapped into IPv6. */
int cl_addr_public(const struct sockaddr *sa);

/* Resolves u->host and checks every address it has (each must be public unless allow_private).
 * 0 with the first address as text in addr (addrlen >= 46), or -1 with *why set. */
int cl_url_resolve(const struct cl_url *u, int allow_private, char *addr, size_t addrlen,
                   const char **why);

#endif
