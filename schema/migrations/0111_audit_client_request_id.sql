-- audit_log.request_id is always the server's own request id (a UUID the api makes); a
-- client's X-Request-Id is kept beside it, never in its place (issue 15, item 9). The api sets
-- app.client_request_id with the rest of the principal at the start of each transaction.
-- Every audit insert leaves this column out, so the default fills it in the same statement.
ALTER TABLE audit_log ADD COLUMN client_request_id text
    DEFAULT nullif(current_setting('app.client_request_id', true), '');

