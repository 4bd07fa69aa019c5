-- wrk script for scripts/bench --requests: new service requests.
--
-- Every request is `POST /api/v1/compounds/{C}/requests` reporting a common-place request of
-- category K ("bench t-n" as its words, so every row is told apart). The server routes it,
-- computes its deadline, writes the request, its timeline rows and its audit record.
--
-- Input (environment): LINLI_BENCH_TOKEN, LINLI_BENCH_COMPOUND, LINLI_BENCH_CATEGORY.
-- Output: a line "linli-requests ok=N other=N sent=N" summed over threads (ok = 201).

package.path = "scripts/lib/?.lua;" .. package.path
local threads = require("wrk_threads")
setup = threads.setup
done = threads.done("linli-requests", { "ok", "other", "sent" })

function init(args)
   local token = os.getenv("LINLI_BENCH_TOKEN")
   compound = os.getenv("LINLI_BENCH_COMPOUND")
   category = os.getenv("LINLI_BENCH_CATEGORY")
   if not token or not compound or not category then
      error("bench_requests.lua needs LINLI_BENCH_TOKEN, LINLI_BENCH_COMPOUND and LINLI_BENCH_CATEGORY")
   end
   ok, other, sent = 0, 0, 0
   headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
end

function request()
   sent = sent + 1
   local body = string.format('{"category_id":%s,"common_place":"bench","description":"bench %d-%d"}', category, tid, sent)
   return wrk.format("POST", "/api/v1/compounds/" .. compound .. "/requests", headers, body)
end

function response(status, headers, body)
   if status == 201 then
      ok = ok + 1
   else
      other = other + 1
   end
end
