-- journey.lua -- signed-in customers (run with one connection per thread):
-- browse the fleet, open a car, check its availability, book it, cancel
-- the booking, and again.  A 409 on booking (another customer holds the
-- dates) skips the cancel.  Cars from $CARS_FILE, dates as writes.lua,
-- the customer's token in $TOKEN.  Prints "journeys <completed>".
-- Tiers: browsing charges the public tier (per client address, tally.lua);
-- booking and cancelling charge the customer (booking and auth tiers).
local cars = {}
for l in io.lines(os.getenv("CARS_FILE")) do cars[#cars + 1] = l end
local t0, days = tonumber(os.getenv("WINDOW_T0")), tonumber(os.getenv("WINDOW_DAYS"))
local auth = "Bearer " .. os.getenv("TOKEN")
local function day(n) return os.date("!%Y-%m-%d", t0 + n * 86400) end
local step, car, s, booking = 0, nil, 0, nil
journeys = 0
function make_request()
	if step == 0 then
		car = cars[math.random(#cars)]
		s = math.random(0, days - 1)
		return wrk.format("GET", "/api/cars", headers())
	elseif step == 1 then
		return wrk.format("GET", "/api/cars/" .. car, headers())
	elseif step == 2 then
		return wrk.format("GET", string.format("/api/cars/availability?carId=%s&startDate=%s&endDate=%s",
			car, day(s), day(s + 4)), headers())
	elseif step == 3 then
		return wrk.format("POST", "/api/bookings",
			headers({ ["Content-Type"] = "application/json", ["Authorization"] = auth }),
			string.format('{"carId":"%s","startDate":"%s","endDate":"%s"}', car, day(s), day(s + 4)))
	end
	-- An empty body, not none: wrk sends Content-Length only with a body.
	return wrk.format("POST", "/api/bookings/" .. booking .. "/cancel",
		headers({ ["Authorization"] = auth }), "")
end
function on_response(status, hdrs, body)
	if step == 3 then
		booking = status == 201 and body:match('"bookingId":"([^"]+)"') or nil
		step = booking and 4 or 0
		if not booking then journeys = journeys + 1 end
	elseif step == 4 then
		journeys = journeys + 1
		step = 0
	else
		step = step + 1
	end
end
