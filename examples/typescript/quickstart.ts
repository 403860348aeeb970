// The integrator's quick start: every type below is generated from /v1/openapi.json by
// openapi-typescript, and every call goes through openapi-fetch, so a path, field or type
// the API does not have fails to compile.
//
//   API_URL=http://127.0.0.1:8080 MANAGER_TOKEN=... BOARD_TOKEN=... YOUNG_PERSON_TOKEN=... npm start
import createClient from "openapi-fetch";
import type { paths } from "./gen/api.js";

declare const process: { env: Record<string, string | undefined> };

const baseUrl = process.env.API_URL ?? "http://127.0.0.1:8080";
const manager = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${process.env.MANAGER_TOKEN}` },
});
const board = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${process.env.BOARD_TOKEN}` },
});
// A care leaver's own session: a young_person token, which names their record (care_leaver_id).
const youngPerson = createClient<paths>({
  baseUrl,
  headers: { Authorization: `Bearer ${process.env.YOUNG_PERSON_TOKEN}` },
});

function fail(what: string, error: unknown): never {
  throw new Error(`${what}: ${JSON.stringify(error)}`);
}

const today = new Date().toISOString().slice(0, 10);
const suffix = Math.floor(Math.random() * 1e7).toString().padStart(7, "0");

// 1. A care leaver (the SSDA903 CHILD id must be unique).
const created = await manager.POST("/v1/care-leavers", {
  body: {
    la_child_id: `TS${suffix}`,
    given_name: "Jordan",
    family_name: "Example",
    date_of_birth: "2006-09-14",
    sex: "F",
    ethnicity: "WBRI",
    category: "former_relevant",
    district: "Quickstart",
  },
});
if (!created.data) fail("create care leaver", created.error);
const careLeaver = created.data;
console.log(`created care leaver ${careLeaver.id} (${careLeaver.la_child_id})`);

// 2. A keeping-in-touch contact: a successful phone call today.
const contact = await manager.POST("/v1/care-leavers/{care_leaver_id}/contacts", {
  params: { path: { care_leaver_id: careLeaver.id } },
  body: { occurred_on: today, method: "phone", successful: true, statutory_visit: false },
});
if (!contact.data) fail("record contact", contact.error);
console.log(`recorded contact ${contact.data.id}`);

// 3. A Corporate Parenting Board report, requested by a board member. A board member gets the
//    whole-authority report at a quarter end (here the last one), compared with a year earlier.
function lastQuarterEnd(d: Date): string {
  const month = d.getUTCMonth() - (d.getUTCMonth() % 3); // first month of this quarter
  return new Date(Date.UTC(d.getUTCFullYear(), month, 0)).toISOString().slice(0, 10);
}
const job = await board.POST("/v1/jobs", {
  body: { kind: "board_report", params: { as_at: lastQuarterEnd(new Date()), formats: ["json", "html"] } },
});
if (!job.data) fail("request board report", job.error);
console.log(`requested job ${job.data.id}`);

// 4. Wait for the worker, then download what it produced and check each file against the
//    SHA-256 the API lists for it.
async function sha256hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

let status = job.data.status;
for (let i = 0; i < 300 && status !== "succeeded" && status !== "failed"; i++) {
  await new Promise((r) => setTimeout(r, 200));
  const polled = await board.GET("/v1/jobs/{job_id}", { params: { path: { job_id: job.data.id } } });
  if (!polled.data) fail("poll job", polled.error);
  status = polled.data.status;
}
if (status !== "succeeded") fail("job did not succeed", status);
const artifacts = await board.GET("/v1/jobs/{job_id}/artifacts", {
  params: { path: { job_id: job.data.id } },
});
if (!artifacts.data) fail("list artifacts", artifacts.error);
for (const a of artifacts.data.items) {
  const file = await board.GET("/v1/artifacts/{artifact_id}", {
    params: { path: { artifact_id: a.id } },
    parseAs: "arrayBuffer",
  });
  if (file.data === undefined) fail(`download ${a.name}`, file.error);
  if ((await sha256hex(file.data)) !== a.sha256) fail(`download ${a.name}`, "SHA-256 differs");
  console.log(`downloaded ${a.name}: ${file.data.byteLength} bytes (${a.media_type}), SHA-256 checked`);
}
// 5. The young person's own session: who they are, then what they are entitled to today.
const me = await youngPerson.GET("/v1/me");
if (!me.data) fail("read me", me.error);
console.log(`signed in as ${me.data.care_leaver?.given_name ?? me.data.sub} (${me.data.role})`);
const entitlements = await youngPerson.GET("/v1/me/entitlements", { params: { query: { limit: 50 } } });
if (!entitlements.data) fail("read my entitlements", entitlements.error);
for (const e of entitlements.data.items) {
  const money = (p: number | null | undefined) => (p == null ? "" : ` £${(p / 100).toFixed(2)}`);
  const state = !e.eligible
    ? "not eligible now"
    : e.kind !== "grant"
      ? "eligible"
      : `used${money(e.used_pence)}, remaining${money(e.remaining_pence)}` +
        (e.top_up_due_pence ? `, top-up due${money(e.top_up_due_pence)}` : "");
  console.log(`entitlement ${e.name}: ${state}`);
}
console.log("quickstart: ok");
