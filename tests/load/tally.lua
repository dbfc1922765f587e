-- tally.lua -- the part every load script shares (concatenated in front
-- of it by scenarios.sh): answers counted by status in each thread, and
-- done() printing the totals and the 95th percentile, which wrk's own
-- --latency report leaves out:
--   p95 <microseconds>
--   status <code> <count>      (one line per status seen)
--   journeys <count>           (journey.lua's completed journeys)
-- It also seeds each thread's random numbers apart.
local threads = {}
function setup(t) table.insert(threads, t); t:set("id", #threads) end
function init(args) math.randomseed(os.time() * 1000 + id * 7919) end
counts = {}
function count(status) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
	io.write(string.format("p95 %d\n", latency:percentile(95)))
	local total = {}
	for _, t in ipairs(threads) do
		for code, n in pairs(t:get("counts")) do total[code] = (total[code] or 0) + n end
	end
	for code, n in pairs(total) do io.write(string.format("status %d %d\n", code, n)) end
	local j = 0
	for _, t in ipairs(threads) do j = j + (t:get("journeys") or 0) end
	io.write(string.format("journeys %d\n", j))
end
function response(status, headers, body) count(status) end
