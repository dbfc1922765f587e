-- tally.lua -- the part every load script shares (concatenated in front
-- of it by scenarios.sh).  A script defines make_request() and, if it
-- looks at answers, on_response(status, headers, body); this part calls
-- them for wrk under pcall, so a Lua error is counted, not fatal.
--
-- Identity: every request carries X-Forwarded-For (loopback is a trusted
-- proxy, so the service charges that address).  With CLIENT_IP set, that
-- one address; otherwise each thread cycles through its own CLIENTS
-- addresses (default 64000) in 100.64.0.0/10, thread t in 100.(64+t%64).x.y,
-- from a random starting point, so a run's requests are spread evenly and
-- each address makes only requests / CLIENTS of them.
--
-- done() prints the totals (wrk's --latency report leaves out the 95th
-- percentile and statuses):
--   p95 <microseconds>
--   status <code> <count>          (one line per status seen)
--   charged <n> uncharged <n>      (answers with / without X-RateLimit-Limit)
--   limit <lowest> <highest>       (X-RateLimit-Limit values seen)
--   journeys <count>               (journey.lua's completed journeys)
--   lua_errors <count> [<first message>]
--   tally done                     (done() ran to its end)
local threads = {}
function setup(t) table.insert(threads, t); t:set("id", #threads) end

counts, charged, uncharged, lim_lo, lim_hi = {}, 0, 0, -1, -1
lua_errors, lua_error_msg = 0, ""
local client_ip = os.getenv("CLIENT_IP")
local clients = math.max(1, math.floor(tonumber(os.getenv("CLIENTS") or "") or 64000))
local next_client = 0

local function lua_error(msg)
	lua_errors = lua_errors + 1
	if lua_error_msg == "" then lua_error_msg = tostring(msg):gsub("\n", " ") end
end

function init(args)
	math.randomseed(os.time() * 1000 + id * 7919)
	next_client = math.random(0, clients - 1)
	if type(start) == "function" then
		local ok, err = pcall(start, args)
		if not ok then lua_error(err) end
	end
end

-- The X-Forwarded-For of the next request.
function client()
	if client_ip and client_ip ~= "" then return client_ip end
	local n = next_client % clients
	next_client = next_client + 1
	return string.format("100.%d.%d.%d", 64 + id % 64, math.floor(n / 250) % 256, 1 + n % 250)
end

-- headers(t): t (or a new table) with this request's identity.
function headers(t)
	t = t or {}
	t["X-Forwarded-For"] = client()
	return t
end

function count(status) counts[status] = (counts[status] or 0) + 1 end

function request()
	local ok, req = pcall(make_request)
	if ok and type(req) == "string" then return req end
	lua_error(ok and "make_request returned no request" or req)
	return wrk.format("GET", "/__lua_error__", headers())
end

function response(status, hdrs, body)
	count(status)
	local l = tonumber(hdrs["X-RateLimit-Limit"] or "")
	if l then
		charged = charged + 1
		if lim_lo < 0 or l < lim_lo then lim_lo = l end
		if l > lim_hi then lim_hi = l end
	else
		uncharged = uncharged + 1
	end
	if type(on_response) == "function" then
		local ok, err = pcall(on_response, status, hdrs, body)
		if not ok then lua_error(err) end
	end
end

function done(summary, latency, requests)
	io.write(string.format("p95 %d\n", latency:percentile(95)))
	local total, c, u, lo, hi, j, e, msg = {}, 0, 0, -1, -1, 0, 0, ""
	for _, t in ipairs(threads) do
		for code, n in pairs(t:get("counts")) do total[code] = (total[code] or 0) + n end
		c = c + t:get("charged"); u = u + t:get("uncharged")
		local tl, th = t:get("lim_lo"), t:get("lim_hi")
		if tl >= 0 and (lo < 0 or tl < lo) then lo = tl end
		if th > hi then hi = th end
		j = j + (t:get("journeys") or 0)
		e = e + t:get("lua_errors")
		if msg == "" then msg = t:get("lua_error_msg") end
	end
	for code, n in pairs(total) do io.write(string.format("status %d %d\n", code, n)) end
	io.write(string.format("charged %d uncharged %d\n", c, u))
	io.write(string.format("limit %d %d\n", lo, hi))
	io.write(string.format("journeys %d\n", j))
	io.write(string.format("lua_errors %d %s\n", e, msg))
	io.write("tally done\n")
end

-- The default script: a GET of the URL's path (the ceiling runs this).
function make_request() return wrk.format("GET", wrk.path, headers()) end
