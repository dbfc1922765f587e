# test-71-cars: the public catalogue on the seeded fleet.
. "$(dirname "$0")/lib.sh"

req GET '/api/cars?limit=50'
check "fleet list is 200" eq "$STATUS" 200
psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
# Other tests add cars of their own, so compare with the database.
check "the total is the visible, available cars" eq "$(js .pagination.total)" "$(psql_q "select count(*) from cars where not hidden and available")"
hidden=$(psql_q "select string_agg(slug, ' ') from cars where hidden or not available")
listed=" $(js '[.cars[].slug] | join(" ")') "
n=0; for h in $hidden; do case $listed in *" $h "*) n=$((n + 1)) ;; esac; done
check "some cars are hidden or withdrawn ($hidden)" test -n "$hidden"
check "and none of them is listed" eq "$n" 0
check "no hidden car in the list" eq "$(js '[.cars[].slug] | index("ferrari-portofino-m")')" null
check "Cache-Control from the fleet policy" eq "$(hdr Cache-Control)" "public, max-age=300"

req GET '/api/cars?sortBy=price&sortOrder=asc&limit=3&category=Supercar'
check "sorted by price ascending" eq "$(js '[.cars[].price_per_day] | . == sort')" true
check "category filter" eq "$(js '[.cars[].category] | unique | join(",")')" Supercar
check "pagination echoes limit" eq "$(js .pagination.limit)" 3

req GET '/api/cars?search=porsche&features=Launch%20Control'
check "search + features filter" eq "$(js '[.cars[].name] | join(",")')" "Porsche 911 Turbo S"

req GET '/api/cars?search=%25'
check "a % in search is matched literally" eq "$(js .pagination.total)" 0

req GET '/api/cars?limit=51'
check "limit above 50 is 400" eq "$STATUS" 400
req GET '/api/cars?sortBy=price;drop'
check "unknown sortBy is 400" eq "$(js '.error.details.fieldErrors.sortBy[0]')" "Is not one of the allowed values"

req GET /api/cars/slug/ferrari-296-gtb
check "car by slug is 200" eq "$STATUS" 200
id=$(js .car.id)
check "car has 9 specifications" eq "$(js '.car.specifications | length')" 9
check "car has exactly one primary image" eq "$(js '[.car.images[] | select(.is_primary)] | length')" 1
check "approved review counted" eq "$(js .car.review_count)" 1

req GET "/api/cars/$id"
check "car by id is 200" eq "$STATUS" 200
req GET /api/cars/not-a-uuid
check "non-uuid id is 400 VALIDATION_ERROR" eq "$(js .error.code)" VALIDATION_ERROR
req GET /api/cars/00000000-0000-4000-8000-000000000000
check "unknown car is 404" eq "$STATUS" 404
req GET /api/cars/slug/ferrari-portofino-m
check "hidden car is 404" eq "$STATUS" 404

mclaren=$(curl -s "$BASE/api/cars/slug/mclaren-720s" | jq -r .car.id)
s=$(date -u -d '+19 days' +%F); e=$(date -u -d '+23 days' +%F)
req GET "/api/cars/availability?carId=$mclaren&startDate=$s&endDate=$e"
check "availability is 200" eq "$STATUS" 200
check "5 days inclusive" eq "$(js .summary.totalDays)" 5
check "maintenance days show" eq "$(js '[.availability[].status] | join(",")')" "available,maintenance,maintenance,maintenance,available"
req GET "/api/cars/availability?carId=$mclaren&startDate=$e&endDate=$s"
check "start after end is 400" eq "$STATUS" 400
req GET "/api/cars/availability?carId=$mclaren&startDate=2026-01-01&endDate=2027-06-01"
check "more than 366 days is 400" eq "$STATUS" 400
req GET "/api/cars/availability?carId=00000000-0000-4000-8000-000000000000&startDate=$s&endDate=$e"
check "availability of an unknown car is 404" eq "$STATUS" 404
req GET "/api/cars/availability?carId=$mclaren&startDate=2026-02-30&endDate=$e"
check "an impossible date is 400" eq "$STATUS" 400
