# test-82-reports: CSV reports built by the worker with progress: queued,
# running (held by a table lock), done; download; figures of a car of our
# own; spreadsheet formulas defused; bad requests refused.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
day() { date -u -d "+$1 days" +%F; }
adm=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"admin@exodrive.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
A=(-H "Authorization: Bearer $adm" -H 'Content-Type: application/json')

# A car whose name is a spreadsheet formula, booked for 4 days.
name="=SUM(1+1) Report Car $RANDOM$RANDOM"
car=$(curl -s -XPOST "$BASE/api/admin/cars" "${A[@]}" \
	-d "$(jq -nc --arg n "$name" '{name:$n, category:"Exotic",
	pricing:{base_price:250, deposit_amount:500, minimum_days:1},
	images:[{url:"https://img.example/r.webp", is_primary:true, sort_order:0}]}')" | jq -r .carId)
req POST /api/bookings -H 'Content-Type: application/json' -d "{\"carId\":\"$car\",\"startDate\":\"$(day 602)\",\"endDate\":\"$(day 605)\",\"customerDetails\":{\"fullName\":\"Rita Report\",\"email\":\"rita-$RANDOM@example.com\"}}"
check "a booking of 4 days (201)" eq "$STATUS" 201
total=$(psql_q "select total_price from bookings where id = '$(js .bookingId)'")

# Held: the worker waits on a lock of bookings while the admin looks.
psql -h "$VAR/pg/sock" -U exodrive -d exodrive -Xqc "begin; lock table bookings in access exclusive mode; select pg_sleep(4); commit;" >/dev/null 2>&1 &
locker=$!
sleep 0.5
req POST /api/admin/reports "${A[@]}" -d "{\"kind\":\"fleet_utilisation\",\"from\":\"$(day 600)\",\"to\":\"$(day 609)\"}"
check "asking for a report answers 202" eq "$STATUS" 202
rid=$(js .id)
check "queued, progress 0" eq "$(js .status),$(js .progress)" queued,0
running() { req GET "/api/admin/reports/$rid" "${A[@]}"; [ "$(js .status)" = running ]; }
check "the worker takes it (running)" until_ok 30 running
check "with its progress below 100 ($(js .progress))" test "$(js .progress)" -lt 100
req GET "/api/admin/reports/$rid/download" "${A[@]}"
check "its download is 409 meanwhile" eq "$STATUS $(js .error.code)" "409 CONFLICT"
wait "$locker"
done_() { req GET "/api/admin/reports/$rid" "${A[@]}"; [ "$(js .status)" = done ]; }
check "it is done once the lock goes" until_ok 100 done_
check "progress 100 and a download link" eq "$(js .progress),$(js .downloadUrl)" "100,/api/admin/reports/$rid/download"
check "one row per car" eq "$(js .rowCount)" "$(psql_q 'select count(*) from cars')"
req GET "/api/admin/reports/$rid/download" "${A[@]}"
check "the download is CSV" eq "$STATUS $(hdr Content-Type)" "200 text/csv; charset=utf-8"
check "as an attachment" bash -c "echo '$(hdr Content-Disposition)' | grep -q '^attachment; filename=\"fleet_utilisation-'"
check "with its header" eq "$(head -1 "$OUT/body" | tr -d '\r')" "car_id,car,category,days,booked_days,utilisation_pct,bookings,booked_value"
row=$(grep "^$car," "$OUT/body" | tr -d '\r')
check "our car: 10 days, 4 booked, 40%, 1 booking, its price ($row)" eq "$(echo "$row" | awk -F, '{print $(NF-4)","$(NF-3)","$(NF-2)","$(NF-1)","$NF}')" "10,4,40.0,1,$total"
defused() { case $row in *",\"'=SUM(1+1) Report Car "*) return 0 ;; esac; return 1; }
check "its formula-like name is quoted and defused" defused

req POST /api/admin/reports "${A[@]}" -d "{\"kind\":\"bookings_revenue\",\"from\":\"$(day 600)\",\"to\":\"$(day 700)\"}"
rid2=$(js .id)
done2() { req GET "/api/admin/reports/$rid2" "${A[@]}"; [ "$(js .status)" = done ]; }
check "a revenue report is built too" until_ok 100 done2
req GET "/api/admin/reports/$rid2/download" "${A[@]}"
months=$(psql_q "select count(*) from generate_series(date_trunc('month', '$(day 600)'::date), '$(day 700)'::date, interval '1 month')")
check "one row per month ($months)" eq "$(($(wc -l < "$OUT/body") - 1))" "$months"
m=$(date -u -d "+602 days" +%Y-%m)
check "the month of our booking counts it" test "$(grep "^$m," "$OUT/body" | cut -d, -f2)" -ge 1
req GET /api/admin/reports "${A[@]}"
check "the list shows the newest first" eq "$(js '.reports[0].id')" "$rid2"

req POST /api/admin/reports "${A[@]}" -d "{\"kind\":\"bookings_revenue\",\"from\":\"$(day 10)\",\"to\":\"$(day 9)\"}"
check "to before from is 400" eq "$STATUS" 400
req POST /api/admin/reports "${A[@]}" -d "{\"kind\":\"bookings_revenue\",\"from\":\"2020-01-01\",\"to\":\"2026-01-01\"}"
check "more than 5 years is 400" eq "$STATUS" 400
req POST /api/admin/reports "${A[@]}" -d "{\"kind\":\"passwords\",\"from\":\"2026-01-01\",\"to\":\"2026-02-01\"}"
check "an unknown kind is 400" eq "$STATUS" 400
req GET "/api/admin/reports/$(cat /proc/sys/kernel/random/uuid)/download" "${A[@]}"
check "an unknown report is 404" eq "$STATUS" 404
john=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"john.doe@example.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
req GET "/api/admin/reports/$rid/download" -H "Authorization: Bearer $john"
check "reports are admin-only" eq "$STATUS" 403
