# test-64-audit: granting and revoking the admin role, and the admin audit
# log.  Every admin write leaves exactly one admin_audit_log row (who,
# what, target, before, after, the answer's X-Trace-Id); refusals leave
# none; the log pages newest first and is append-only for the API's role.
# A role change is seen by the account's next request, without a new
# login.  The last admin cannot be demoted: checked on a database of this
# script's own (behind a private pool), where the script controls the set
# of admins, so the shared stack's admins (admin@exodrive.com) are never
# touched.
. "$(dirname "$0")/lib.sh"

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
J=(-H 'Content-Type: application/json')
register() {	# register URL EMAIL: the answer (user, accessToken)
	curl -s -XPOST "$1/api/auth/register" "${J[@]}" "${XFF[@]}" \
		-d "{\"email\":\"$2\",\"password\":\"audit-passw0rd-64\",\"firstName\":\"Audit\"}"
}
rows() { psql_q "select count(*) from admin_audit_log where trace_id = '$1'"; }
tid() { echo "t64-$SERVER-$$-$RANDOM-$1"; }

own_admin
A=(-H "Authorization: Bearer $OWN_ADMIN")
email="user64-$SERVER-$$-$RANDOM@example.com"
body=$(register "$BASE" "$email")
U_ID=$(jq -r .user.id <<<"$body"); U_TOK=$(jq -r .accessToken <<<"$body")
U=(-H "Authorization: Bearer $U_TOK")
role() { req PUT "/api/admin/users/$1/role" "${A[@]}" "${J[@]}" -H "X-Trace-Id: $2" -d "{\"role\":\"$3\"}"; }

# Who may call.
for path in /api/admin/users /api/admin/audit-log; do
	req GET "$path"
	check "anonymous GET $path is 401" eq "$STATUS" 401
	req GET "$path" "${U[@]}"
	check "a customer's GET $path is 403" eq "$STATUS" 403
done
req PUT "/api/admin/users/$U_ID/role" "${J[@]}" -d '{"role":"admin"}'
check "anonymous PUT .../role is 401" eq "$STATUS" 401
req PUT "/api/admin/users/$U_ID/role" "${U[@]}" "${J[@]}" -d '{"role":"admin"}'
check "a customer promoting itself is 403" eq "$STATUS" 403
check "the customer did not promote itself" eq "$(psql_q "select role from profiles where id = '$U_ID'")" customer

# Refusals name what is wrong and leave no audit row.
t=$(tid bad)
role "$U_ID" "$t" root
check "an unknown role is 400" eq "$STATUS" 400
check "naming the field role" eq "$(js '.error.details.fieldErrors.role[0]')" "Is not one of the allowed values"
req PUT "/api/admin/users/$U_ID/role" "${A[@]}" "${J[@]}" -d '{}'
check "a missing role is 400 naming it" eq "$(js '.error.details.fieldErrors | keys | join(",")')" role
req PUT "/api/admin/users/$U_ID/role" "${A[@]}" "${J[@]}" -d '{"role":"admin","isAdmin":true}'
check "an unknown member is refused (400)" eq "$(js '.error.details.fieldErrors.isAdmin[0]')" "Unknown field"
req PUT "/api/admin/users/not-a-uuid/role" "${A[@]}" "${J[@]}" -d '{"role":"admin"}'
check "a malformed user id is 400" eq "$STATUS" 400
t404=$(tid missing)
role 00000000-0000-4000-8000-00000000d064 "$t404" admin
check "an unknown user is 404" eq "$STATUS" 404
check "refused writes leave no audit row" eq "$(( $(rows "$t") + $(rows "$t404") ))" 0

# The user list.
req GET "/api/admin/users?search=$email" "${A[@]}"
check "search by email finds the account" eq "$(js '[.pagination.total, .users[0].id, .users[0].role, .users[0].firstName] | join(",")')" "1,$U_ID,customer,Audit"
req GET "/api/admin/users?search=${email^^}" "${A[@]}"
check "search ignores case" eq "$(js .pagination.total)" 1
req GET "/api/admin/users?role=admin&limit=100" "${A[@]}"
check "role=admin lists admins only" eq "$(js '[.users[].role] | unique | join(",")')" admin
req GET "/api/admin/users?role=admin&search=$(psql_q "select email from users where id = '$OWN_ADMIN_ID'")" "${A[@]}"
check "this script's admin among them" eq "$(js '.users[0].id')" "$OWN_ADMIN_ID"
req GET "/api/admin/users?limit=2&page=2" "${A[@]}"
check "the list pages" eq "$(js '[.pagination.page, .pagination.limit, (.users | length)] | join(",")')" "2,2,2"
req GET "/api/admin/users?role=root" "${A[@]}"
check "an unknown role filter is 400" eq "$STATUS" 400

# Promotion takes effect on the account's next request, no new login.
req GET /api/admin/users "${U[@]}"
check "before: the customer is refused (and its role is cached)" eq "$STATUS" 403
t1=$(tid promote)
role "$U_ID" "$t1" admin
check "promote: 200" eq "$STATUS" 200
check "answers the account, its new and previous role" eq "$(js '[.user.id, .user.email, .user.role, .previousRole, .changed] | join(",")')" "$U_ID,$email,admin,customer,true"
check "the answer carries the request's trace id" eq "$(hdr X-Trace-Id)" "$t1"
req GET /api/admin/users "${U[@]}"
check "the promoted user's next admin request is 200" eq "$STATUS" 200
check "one audit row for the promotion" eq "$(rows "$t1")" 1
check "with who, what, target, before and after" eq "$(psql_q "select concat_ws(',', actor_id, action, target, before_state->>'role', after_state->>'role', client_ip, method, path) from admin_audit_log where trace_id = '$t1'")" \
	"$OWN_ADMIN_ID,admin.user.setRole,user:$U_ID,customer,admin,$CLIENT_IP,PUT,/api/admin/users/{userId}/role"

# Demotion too: the demoted admin's next admin request is 403.
t2=$(tid demote)
role "$U_ID" "$t2" customer
check "demote: 200" eq "$(js '[.user.role, .previousRole] | join(",")')" customer,admin
req GET /api/admin/users "${U[@]}"
check "the demoted admin's next admin request is 403, without a new login" eq "$STATUS" 403
req GET /api/bookings "${U[@]}"
check "while it stays signed in as a customer" eq "$STATUS" 200
t3=$(tid same)
role "$U_ID" "$t3" customer
check "setting the role it has is 200, unchanged" eq "$(js '[.changed, .previousRole] | join(",")')" false,customer
check "and is audited too (one row)" eq "$(rows "$t3")" 1

# Other admin writes: one row each, the route's operation as the action,
# the path's id as the target when the handler names none.
ip=$(other_ip)
t4=$(tid override)
req PUT /api/admin/rate-limit-overrides "${A[@]}" "${J[@]}" -H "X-Trace-Id: $t4" \
	-d "{\"kind\":\"ip\",\"id\":\"$ip\",\"factor\":2,\"ttlSeconds\":60}"
check "an override is set (200)" eq "$STATUS" 200
check "one row: admin.rateLimit.setOverride by this admin" eq "$(psql_q "select count(*) || ',' || min(action) || ',' || min(actor_id::text) from admin_audit_log where trace_id = '$t4'")" "1,admin.rateLimit.setOverride,$OWN_ADMIN_ID"
t5=$(tid unoverride)
req DELETE "/api/admin/rate-limit-overrides?kind=ip&id=$ip" "${A[@]}" -H "X-Trace-Id: $t5"
check "one row for its removal" eq "$(psql_q "select count(*) || ',' || min(action) from admin_audit_log where trace_id = '$t5'")" "1,admin.rateLimit.deleteOverride"
car=$(curl -s "$BASE/api/cars/slug/bentley-flying-spur" | jq -r .car.id)
t6=$(tid visibility)
req PATCH "/api/admin/cars/$car/visibility" "${A[@]}" "${J[@]}" -H "X-Trace-Id: $t6" -d '{"hidden":false}'
check "a visible car stays visible (200)" eq "$STATUS" 200
check "one row whose target is the car's id" eq "$(psql_q "select count(*) || ',' || min(action) || ',' || min(target) from admin_audit_log where trace_id = '$t6'")" "1,admin.car.setVisibility,$car"
t7=$(tid read)
req GET /api/admin/users "${A[@]}" -H "X-Trace-Id: $t7"
check "a read leaves no row" eq "$(rows "$t7")" 0

# Reading the log: newest first, paged, filtered.
req GET "/api/admin/audit-log?adminId=$OWN_ADMIN_ID&limit=2" "${A[@]}"
check "this admin's writes: 6 in all, 3 pages of 2" eq "$(js '[.pagination.total, .pagination.totalPages, (.entries | length)] | join(",")')" "6,3,2"
check "newest first" eq "$(js '[.entries[].traceId] | join(",")')" "$t6,$t5"
req GET "/api/admin/audit-log?adminId=$OWN_ADMIN_ID&limit=2&page=3" "${A[@]}"
check "the last page holds the oldest" eq "$(js '[.entries[].traceId] | join(",")')" "$t2,$t1"
check "an entry reads who, what, before, after and the trace id" eq \
	"$(js '.entries[1] | [.adminId, .action, .target, .before.role, .after.role, .traceId, .method] | join(",")')" \
	"$OWN_ADMIN_ID,admin.user.setRole,user:$U_ID,customer,admin,$t1,PUT"
check "and the admin's email" eq "$(js '.entries[1].adminEmail')" "$(psql_q "select email from users where id = '$OWN_ADMIN_ID'")"
req GET "/api/admin/audit-log?target=user:$U_ID" "${A[@]}"
check "by target: the account's three role changes" eq "$(js '[.entries[].traceId] | join(",")')" "$t3,$t2,$t1"
req GET "/api/admin/audit-log?adminId=$OWN_ADMIN_ID&action=admin.rateLimit.setOverride" "${A[@]}"
check "by action" eq "$(js '[.pagination.total, .entries[0].traceId] | join(",")')" "1,$t4"
today=$(date -u +%F); tomorrow=$(date -u -d tomorrow +%F)
req GET "/api/admin/audit-log?adminId=$OWN_ADMIN_ID&from=$today&to=$today" "${A[@]}"
check "from/to today: all 6" eq "$(js .pagination.total)" 6
req GET "/api/admin/audit-log?adminId=$OWN_ADMIN_ID&from=$tomorrow" "${A[@]}"
check "from tomorrow: none" eq "$(js '[.pagination.total, (.entries | length)] | join(",")')" "0,0"
req GET "/api/admin/audit-log?adminId=nobody" "${A[@]}"
check "a malformed adminId is 400 naming it" eq "$(js '.error.details.fieldErrors | keys | join(",")')" adminId
req GET "/api/admin/audit-log?limit=101" "${A[@]}"
check "limit over 100 is 400" eq "$STATUS" 400

# Append-only for the API's database role.
app() { psql -h "$VAR/pg/sock" -U exodrive_app -d exodrive -XAtc "$1" 2>&1; }
check "the API's role cannot change an audit row" bash -c \
	"echo \"$(app "update admin_audit_log set action = 'x' where trace_id = '$t1'")\" | grep -q 'permission denied'"
check "nor delete one" bash -c \
	"echo \"$(app "delete from admin_audit_log where trace_id = '$t1'")\" | grep -q 'permission denied'"
check "the row is intact" eq "$(psql_q "select action from admin_audit_log where trace_id = '$t1'")" admin.user.setRole

# The last admin, on a database of our own where this script makes the
# admins: the shared stack's admins are never demoted.
DB=exodrive_audit_$$
pg() { psql -h "$VAR/pg/sock" -U postgres -XtAq "$@"; }
pg -d postgres -c "CREATE DATABASE $DB OWNER exodrive"
trap 'private_pool_stop; pg -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1; lib_keep_sanitizer_reports; rm -rf "$OUT"' EXIT
DBURL="postgresql:///$DB?host=$VAR/pg/sock&user=exodrive"
DATABASE_URL=$DBURL MIGRATE_DATABASE_URL=$DBURL "$BIN" --config "$VAR/exodrive.env" migrate \
	--dir "$(dirname "$0")/../../sql/migrations" >/dev/null 2>&1
mine() { psql -h "$VAR/pg/sock" -U exodrive -d "$DB" -XAtc "$1"; }
DATABASE_URL=$DBURL DATABASE_READ_URL= RATE_LIMIT_ADMIN=100000/60 private_pool $(( ${BASE##*:} + 60 ))
until_ok 50 curl -sf -o /dev/null "$I/api/health"
P=$(register "$I" "p64-$$@example.com"); Q=$(register "$I" "q64-$$@example.com")
P_ID=$(jq -r .user.id <<<"$P"); P_TOK=$(jq -r .accessToken <<<"$P")
Q_ID=$(jq -r .user.id <<<"$Q"); Q_TOK=$(jq -r .accessToken <<<"$Q")
mine "update profiles set role = 'admin' where id = '$P_ID'" >/dev/null
check "our database has one admin" eq "$(mine "select string_agg(id::text, ',') from profiles where role = 'admin'")" "$P_ID"
put_role() {	# put_role TOKEN USER ROLE: the status
	curl -s -o /dev/null -w '%{http_code}' -XPUT "$I/api/admin/users/$2/role" "${XFF[@]}" \
		-H "Authorization: Bearer $1" "${J[@]}" -d "{\"role\":\"$3\"}"
}
check "the last admin demoting itself is 409" eq "$(put_role "$P_TOK" "$P_ID" customer)" 409
check "and stays admin" eq "$(mine "select role from profiles where id = '$P_ID'")" admin
check "a refusal leaves no audit row" eq "$(mine "select count(*) from admin_audit_log")" 0
check "it may promote another (200)" eq "$(put_role "$P_TOK" "$Q_ID" admin)" 200
# Two admins demote each other at once: one wins, the other is refused
# with 409, and one admin is left; five rounds.  A transaction of ours
# holds the admins' rows until both requests are past their authorisation
# and wait for those rows (at most 3 s), so they meet in the same place.
hold() {
	psql -h "$VAR/pg/sock" -U exodrive -d "$DB" -XAtq >/dev/null 2>"$OUT/hold.err" <<-SQL
	BEGIN;
	SELECT id FROM profiles WHERE role = 'admin' FOR UPDATE;
	\\! touch "$OUT/held"
	DO \$\$ DECLARE n int := 0; w int := 0;
	BEGIN
	  WHILE n < 60 AND w < 2 LOOP
	    PERFORM pg_sleep(0.05);
	    PERFORM pg_stat_clear_snapshot();
	    SELECT count(*) INTO w FROM pg_stat_activity
	      WHERE datname = current_database() AND wait_event_type = 'Lock';
	    n := n + 1;
	  END LOOP;
	  RAISE NOTICE 'held % ms, % waiting', n * 50, w;
	END \$\$;
	COMMIT;
	SQL
}
ok_rounds=0
for n in 1 2 3 4 5; do
	rm -f "$OUT/held"
	hold & h=$!
	until_ok 100 test -e "$OUT/held"
	put_role "$P_TOK" "$Q_ID" customer > "$OUT/race.p" & bg=$!
	put_role "$Q_TOK" "$P_ID" customer > "$OUT/race.q"
	wait "$bg" "$h"
	pair=$(printf '%s\n%s\n' "$(cat "$OUT/race.p")" "$(cat "$OUT/race.q")" | sort | tr '\n' ,)
	left=$(mine "select count(*) from profiles where role = 'admin'")
	[ "$pair" = 200,409, ] && [ "$left" = 1 ] && ok_rounds=$((ok_rounds + 1))
	echo "# round $n: $pair admins left: $left ($(tr '\n' ' ' < "$OUT/hold.err"))"
	# The survivor promotes the other back.
	if [ "$(mine "select role from profiles where id = '$P_ID'")" = admin ]; then
		put_role "$P_TOK" "$Q_ID" admin >/dev/null
	else
		put_role "$Q_TOK" "$P_ID" admin >/dev/null
	fi
done
check "concurrent demotions: one 200, one 409, one admin left (5 of 5 rounds)" eq "$ok_rounds" 5
check "our database's log holds each change once (1 + 5 x 2)" eq "$(mine "select count(*) from admin_audit_log")" 11
