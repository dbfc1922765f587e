-- writes.lua -- booking writers: guest bookings of a car drawn from
-- $CARS_FILE, 3..6 days (above every minimum rental) from a day drawn in
-- $WINDOW_DAYS days after $WINDOW_T0 (unix seconds), so writers contend
-- for dates; each from the next client address (tally.lua).  Booking
-- tier, charged per address.  201 and 409 are both right answers.
local cars = {}
for l in io.lines(os.getenv("CARS_FILE")) do cars[#cars + 1] = l end
local t0, days = tonumber(os.getenv("WINDOW_T0")), tonumber(os.getenv("WINDOW_DAYS"))
local function day(n) return os.date("!%Y-%m-%d", t0 + n * 86400) end
function make_request()
	local s = math.random(0, days - 1)
	local body = string.format('{"carId":"%s","startDate":"%s","endDate":"%s",' ..
		'"customerDetails":{"fullName":"Load Writer","email":"load-writer@example.com"}}',
		cars[math.random(#cars)], day(s), day(s + math.random(3, 6)))
	return wrk.format("POST", "/api/bookings", headers({ ["Content-Type"] = "application/json" }), body)
end
