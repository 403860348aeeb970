-- wrk script for make bench. Environment:
--   PATH_TEMPLATE  request path; every "{id}" becomes a random line of IDS_FILE
--   IDS_FILE       one id per line (needed when PATH_TEMPLATE has {id})
--   TOKEN          bearer token
--   METHOD, BODY   for writes (BODY may contain {date}, replaced by a date in the past year)
-- At the end prints: RESULT requests duration_us p50_us p99_us errors non2xx
local template = os.getenv("PATH_TEMPLATE") or "/"
local token = os.getenv("TOKEN")
local method = os.getenv("METHOD") or "GET"
local body = os.getenv("BODY")
local ids = {}
local counter = 0

wrk.method = method
if token then wrk.headers["Authorization"] = "Bearer " .. token end
if body then wrk.headers["Content-Type"] = "application/json" end

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
  local file = os.getenv("IDS_FILE")
  if file then
    for line in io.lines(file) do
      if #line > 0 then ids[#ids + 1] = line end
    end
  end
end

function request()
  local path = template
  if #ids > 0 then
    path = path:gsub("{id}", ids[math.random(#ids)])
  end
  local b = body
  if b then
    b = b:gsub("{date}", os.date("!%Y-%m-%d", os.time() - math.random(1, 300) * 86400))
  end
  return wrk.format(method, path, nil, b)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
