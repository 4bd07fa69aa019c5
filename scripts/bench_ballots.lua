-- wrk script for scripts/bench: ballots on one open vote.
--
-- Every request is `POST /api/v1/proposals/{P}/ballots` recording a remote ballot for a
-- DIFFERENT household of the roll: thread t of n takes the ids on lines t+1, t+1+n, ...
-- When a thread has used all its ids it starts over (the ballot is then a change: revision 2).
--
-- Input (environment): LINLI_BENCH_IDS (household ids, one per line), LINLI_BENCH_THREADS,
-- LINLI_BENCH_TOKEN, LINLI_BENCH_PROPOSAL.
-- Output: a line "linli-ballots ok=N other=N sent=N" summed over threads.

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
   proposal = os.getenv("LINLI_BENCH_PROPOSAL")
   if not nthreads or not path or not token or not proposal then
      error("bench_ballots.lua needs LINLI_BENCH_THREADS, LINLI_BENCH_IDS, LINLI_BENCH_TOKEN and LINLI_BENCH_PROPOSAL")
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
   ok, other, sent = 0, 0, 0
   headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
   verify_pending = (tid == 0)
end

local choices = { "yes", "no", "yes", "abstain" }

local function ballot(id, n)
   local body = string.format('{"choice":"%s","method":"remote","witness":"bench","household_id":%s}', choices[(n % 4) + 1], id)
   return wrk.format("POST", "/api/v1/proposals/" .. proposal .. "/ballots", headers, body)
end

function request()
   if verify_pending then
      verify_pending = false
      return wrk.format("GET", "/healthz")
   end
   if n_ids == 0 then
      wrk.thread:stop()
      return wrk.format("GET", "/healthz")
   end
   pos = pos + 1
   if pos > n_ids then
      pos = 1
   end
   sent = sent + 1
   return ballot(ids[pos], sent)
end

function response(status, headers, body)
   if status == 200 then
      ok = ok + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local t_ok, t_other, t_sent = 0, 0, 0
   for _, thread in ipairs(threads) do
      t_ok = t_ok + thread:get("ok")
      t_other = t_other + thread:get("other")
      t_sent = t_sent + thread:get("sent")
   end
   io.write(string.format("linli-ballots ok=%d other=%d sent=%d\n", t_ok, t_other, t_sent))
end
