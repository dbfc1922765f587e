-- reads.lua -- catalogue readers: each request a path drawn from
-- $PATHS_FILE (one per line; the file's mix is the workload's), from the
-- next client address (tally.lua).  Public tier.
local paths = {}
for l in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = l end
function make_request() return wrk.format("GET", paths[math.random(#paths)], headers()) end
