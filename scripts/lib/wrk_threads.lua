-- Shared by wrk scripts: numbers each thread (tid) and sums the named per-thread counters
-- in done(). Use: package.path = "scripts/lib/?.lua;" .. package.path
--                 local threads = require("wrk_threads")
--                 setup = threads.setup
--                 done = threads.done("linli-requests", { "ok", "other", "sent" })

local M = { list = {}, next_tid = 0 }

function M.setup(thread)
   thread:set("tid", M.next_tid)
   M.next_tid = M.next_tid + 1
   table.insert(M.list, thread)
end

function M.done(label, names)
   return function(summary, latency, requests)
      local parts = {}
      for _, name in ipairs(names) do
         local sum = 0
         for _, thread in ipairs(M.list) do
            sum = sum + thread:get(name)
         end
         parts[#parts + 1] = string.format("%s=%d", name, sum)
      end
      io.write(label .. " " .. table.concat(parts, " ") .. "\n")
   end
end

return M
