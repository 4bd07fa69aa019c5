-- wrk script for scripts/bench: a paced run, for p99 at a fixed rate when wrk2 is not installed.
--
-- wrk alone sends each connection's next request as soon as the last one is answered, so its
-- p99 is the latency at saturation. With this script every thread hands out send times at its
-- share of LINLI_PACE_RATE requests per second: a connection that is free waits for the next
-- time slot (wrk's `delay()`), and when the server falls behind, slots are not saved up into a
-- burst. wrk measures each request from the moment it is written, not from its slot, so a
-- server that falls behind hides part of its queueing (wrk2's correction for "coordinated
-- omission" is not made); at half the maximum rate that rarely happens, and the bench reports
-- the rate actually reached beside the p99.
--
-- Input (environment, read in each thread's init()):
--   LINLI_PACE_RATE     requests per second over all threads
--   LINLI_PACE_THREADS  the -t given to wrk

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } linli_pace_timespec;
int clock_gettime(int clk_id, linli_pace_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("linli_pace_timespec")

local function now_ms()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
   return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval_ms, next_slot

function init(args)
   local rate = tonumber(os.getenv("LINLI_PACE_RATE") or "")
   local threads = tonumber(os.getenv("LINLI_PACE_THREADS") or "")
   if not rate or rate <= 0 or not threads or threads <= 0 then
      error("pace.lua needs LINLI_PACE_RATE > 0 and LINLI_PACE_THREADS > 0")
   end
   interval_ms = 1000 * threads / rate
   next_slot = now_ms()
end

function delay()
   local now = now_ms()
   local slot = math.max(next_slot, now)
   next_slot = slot + interval_ms
   return math.floor(slot - now)
end
