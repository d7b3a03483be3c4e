-- wrk script for bench/intake.py: POST /api/v1/cases/ with a fresh idempotency key each time.
-- Reports land at random points of the bench district (113.30–113.34 E, 23.10–23.13 N), as a district's do.
-- Arguments (after --): the API token, a run tag that keeps keys unique across runs, and "async" to ask for
-- `Prefer: respond-async` (accepted now, the case made by the worker: gridgov/cases/queued.py).
local counter = 0
local nthreads = 0

function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end

function init(args)
  math.randomseed(tid)
  token = args[1]
  tag = args[2]
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  if args[3] == "async" then
    headers["Prefer"] = "respond-async"
  end
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"channel":"grid_worker","description":"基准上报 %d-%d:路边垃圾堆放","category":"1101",' ..
    '"lon":%.6f,"lat":%.6f,"idempotency_key":"%s-%d-%d"}',
    tid, counter, 113.30 + math.random() * 0.04, 23.10 + math.random() * 0.03, tag, tid, counter)
  return wrk.format("POST", "/api/v1/cases/", headers, body)
end
