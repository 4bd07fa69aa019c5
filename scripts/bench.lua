-- wrk script for scripts/bench: the write benchmark.
--
-- Every request is `PATCH /api/v1/households/{id}` with
-- {"version":V,"area":"90.VV"} for a DIFFERENT household id: thread t (0-based)
-- of n takes the ids on lines t+1, t+1+n, t+1+2n, ... of the id file, so no two
-- requests in flight ever touch the same row. If a thread runs through all its
-- ids before the run ends it starts over with version 2 (then 3, ...), which is
-- what the server expects after the first successful pass; scripts/bench then
-- checks sum(version) instead of count(version = 2).
--
-- Input (environment, read in each thread's init()):
--   LINLI_BENCH_IDS      file with one household id per line (version = 1, ordered by id)
--   LINLI_BENCH_THREADS  the -t given to wrk
--   LINLI_BENCH_TOKEN    bearer token
-- Output (done(), summed over threads with the setup()/thread:get() pattern):
--   a line "linli-write ok=N stale=N other=N sent=N passes=N ids=N"
--   (ok = 200 responses, stale = 409, other = any other status).

local threads = {}
local next_tid = 0

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   table.insert(threads, thread)
end

function init(args)
   local nthreads = tonumber(os.getenv("LINLI_BENCH_THREADS") or "")
   local path = os.getenv("LINLI_BENCH_IDS")
   local token = os.getenv("LINLI_BENCH_TOKEN")
   if not nthreads or not path or not token then
      error("bench.lua needs LINLI_BENCH_THREADS, LINLI_BENCH_IDS and LINLI_BENCH_TOKEN")
   end
   ids = {}
   local i = 0
   for line in io.lines(path) do
      line = line:gsub("%s+", "")
      if line ~= "" then
         if i % nthreads == tid then
            ids[#ids + 1] = line
         end
         i = i + 1
      end
   end
   n_ids = #ids
   pos = 0
   pass = 1
   ok, stale, other, sent = 0, 0, 0, 0
   headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
   }
   -- wrk calls request() once on the first thread before it starts, only to
   -- check that the request parses; that call must not use up an id.
   verify_pending = (tid == 0)
end

local function patch(id, version)
   local body = string.format('{"version":%d,"area":"90.%02d"}', version, version % 100)
   return wrk.format("PATCH", "/api/v1/households/" .. id, headers, body)
end

function request()
   if verify_pending then
      verify_pending = false
      return patch(ids[1] or "0", 1)
   end
   if n_ids == 0 then
      wrk.thread:stop()
      return wrk.format("GET", "/healthz")
   end
   pos = pos + 1
   if pos > n_ids then
      pos = 1
      pass = pass + 1
   end
   sent = sent + 1
   return patch(ids[pos], pass)
end

function response(status, headers, body)
   if status == 200 then
      ok = ok + 1
   elseif status == 409 then
      stale = stale + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local t_ok, t_stale, t_other, t_sent, t_ids, max_pass = 0, 0, 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      t_ok = t_ok + thread:get("ok")
      t_stale = t_stale + thread:get("stale")
      t_other = t_other + thread:get("other")
      t_sent = t_sent + thread:get("sent")
      t_ids = t_ids + thread:get("n_ids")
      local p = thread:get("pass")
      if p > max_pass then
         max_pass = p
      end
   end
   io.write(string.format("linli-write ok=%d stale=%d other=%d sent=%d passes=%d ids=%d\n",
      t_ok, t_stale, t_other, t_sent, max_pass, t_ids))
end
