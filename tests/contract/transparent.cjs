// Preloaded into Prism by tests/integration/run.sh (node --require) so that the validating proxy
// is transparent: the suite must see exactly what the api sent, while Prism validates it.
//  1. Upstream calls use Node's global agent, which keeps connections alive and may reuse one
//     the api has just closed as idle ("socket hang up" for a request the api never saw):
//     a fresh connection per forwarded request.
//  2. Prism parses the upstream body (JSON as JSON, anything else as UTF-8 text) and sends its
//     own serialisation back, which reformats JSON and mangles binary files (PDF artifacts):
//     the parsed body is still what Prism validates, but the bytes sent on are the api's own.
//     An empty body (304 Not Modified keeps the representation's Content-Type) is not parsed.
// Both hook exported functions of the pinned @stoplight/prism-cli 5.16.0 (package-lock.json).
'use strict';
const http = require('node:http');
const typeIs = require('type-is');
const E = require('fp-ts/Either');
const TE = require('fp-ts/TaskEither');
const parse = require('@stoplight/prism-http/dist/utils/parseResponse');
const serialize = require('@stoplight/prism-http-server/dist/serialize');

http.globalAgent = new http.Agent({ keepAlive: false });

// parsed body (object, or string for non-JSON) -> the bytes it came from, until sent on
const raw = new Map();

parse.parseResponseBody = (response) =>
  TE.tryCatch(async () => {
    const bytes = await response.buffer();
    const text = bytes.toString('utf8');
    const json = bytes.length > 0 && response.status !== 204 && response.status !== 304 &&
      typeIs.is(response.headers.get('content-type') || '', ['application/json', 'application/*+json']);
    const body = json ? JSON.parse(text) : text;
    if (bytes.length > 0 && body !== null && (typeof body === 'object' || typeof body === 'string')) {
      raw.set(body, bytes);
    }
    return body;
  }, E.toError);

const original = serialize.serialize;
serialize.serialize = (payload, contentType) => {
  const bytes = raw.get(payload);
  if (bytes === undefined) return original(payload, contentType);
  raw.delete(payload);
  return bytes;
};
