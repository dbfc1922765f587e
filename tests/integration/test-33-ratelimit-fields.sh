# test-33-ratelimit-fields: the rate-limit fields of an answer against the
# exact admitted count.  X-RateLimit-* as before (Reset an ISO instant, as
# the OpenAPI document says) and the IETF fields of
# draft-ietf-httpapi-ratelimit-headers-08: RateLimit-Policy
# "<tier>";q=<limit>;w=<window> and RateLimit "<tier>";r=<remaining>;
# t=<seconds until the whole quota is back>.  The booking tier (100 an
# hour in the tests: one request back each 36 s) from an address of our
# own: 100 at once are all admitted, each answer's remaining is a
# different one of 99..0, then the 101st is refused with Retry-After, and
# its RateLimit agrees with it.
# timeout: 600
. "$(dirname "$0")/lib.sh"

"$BIN" --config "$VAR/exodrive.env" openapi > "$OUT/doc.json"
check "the document declares X-RateLimit-Reset as a date-time, as it is sent" eq \
	"$(jq -r '.components.headers["X-RateLimit-Reset"].schema | .type + " " + .format' "$OUT/doc.json")" "string date-time"
check "and RateLimit-Policy and RateLimit on a limited route's 200 and 429" eq \
	"$(jq -r '.paths["/api/cars"].get.responses | [."200".headers, ."429".headers] | map(has("RateLimit") and has("RateLimit-Policy")) | tostring' "$OUT/doc.json")" "[true,true]"

# Addresses of this run's own (a spent booking tier lasts an hour, longer
# than between two runs): 10.23x.<random>.<random>, a range no other
# script uses.
fresh_ip() { case $SERVER in lighttpd) s=1 ;; apache) s=2 ;; *) s=3 ;; esac
	echo "10.$((230 + s)).$((RANDOM % 250)).$((RANDOM % 250 + 1))"; }
ip=$(fresh_ip)
post() {	# post N: one booking request from $ip, "status|X-RateLimit-Remaining|RateLimit|RateLimit-Policy"
	command curl -s -o /dev/null -D - -XPOST "$BASE/api/bookings" -H "X-Forwarded-For: $ip" \
		-H 'Content-Type: application/json' -d '{}' | tr -d '\r' | awk '
		/^HTTP/ { s = $2 } tolower($1) == "x-ratelimit-remaining:" { r = $2 }
		tolower($1) == "ratelimit:" { l = $2 } tolower($1) == "ratelimit-policy:" { p = $2 }
		END { print s "|" r "|" l "|" p }'
}
export -f post; export BASE ip
seq 1 100 | xargs -P 8 -I@ bash -c post > "$OUT/burst"
check "100 of 100 admitted (a malformed booking is charged, then answered 400)" eq "$(grep -c '^400|' "$OUT/burst")" 100
check "each remaining a different one of 99..0" eq "$(cut -d'|' -f2 "$OUT/burst" | sort -n | paste -sd' ')" "$(seq 0 99 | paste -sd' ')"
check "RateLimit's r is X-RateLimit-Remaining on every answer" eq \
	"$(awk -F'|' '$3 != "\"booking\";r=" $2 ";t=" substr($3, index($3, "t=") + 2)' "$OUT/burst" | wc -l)" 0
check "RateLimit-Policy on every answer: \"booking\";q=100;w=3600" eq "$(cut -d'|' -f4 "$OUT/burst" | sort -u)" '"booking";q=100;w=3600'

req POST /api/bookings -H "X-Forwarded-For: $ip" -H 'Content-Type: application/json' -d '{}'
now=$(date -u +%s)
ra=$(hdr Retry-After)
t=$(hdr RateLimit | sed -n 's/.*;t=\([0-9]*\)$/\1/p')
check "the 101st is refused: 429 with Retry-After" bash -c "[ '$STATUS' = 429 ] && [ '$ra' -ge 1 ] && [ '$ra' -le 36 ]"
check "the envelope's retryAfter is the header's" eq "$(js .error.retryAfter)" "$ra"
check "RateLimit says none remain: r=0" bash -c "hdr() { grep -i \"^\$1:\" '$OUT/headers' | cut -d' ' -f2- | tr -d '\r'; }; [[ \"\$(hdr RateLimit)\" == '\"booking\";r=0;t='* ]]"
check "X-RateLimit-Remaining 0, X-RateLimit-Limit 100" eq "$(hdr X-RateLimit-Remaining) $(hdr X-RateLimit-Limit)" "0 100"
# One request is back after Retry-After, the whole quota 99 x 36 s later:
# t = Retry-After + 3564, give or take the rounding of each to seconds.
check "t agrees with Retry-After: the whole quota is back 99 x 36 s after the first one (t=$t, Retry-After=$ra)" \
	bash -c "d=\$(($t - $ra)); [ \$d -ge 3563 ] && [ \$d -le 3565 ]"
reset=$(date -u -d "$(hdr X-RateLimit-Reset)" +%s)
check "X-RateLimit-Reset is that instant: now + t ($(hdr X-RateLimit-Reset))" bash -c "d=\$(($reset - $now - $t)); [ \$d -ge -2 ] && [ \$d -le 2 ]"

# The public tier (100 a minute: one back each 0.6 s): on its 429, the
# same agreement, t - Retry-After within a second of 99 x 0.6 s.
ip=$(fresh_ip)
cars() {	# one public read from $ip: "status|Retry-After|RateLimit|RateLimit-Policy|X-RateLimit-Remaining"
	command curl -s -o /dev/null -D - -H "X-Forwarded-For: $ip" "$BASE/api/cars?limit=1" | tr -d '\r' | awk '
		/^HTTP/ { s = $2 } tolower($1) == "retry-after:" { a = $2 } tolower($1) == "ratelimit:" { l = $2 }
		tolower($1) == "ratelimit-policy:" { p = $2 } tolower($1) == "x-ratelimit-remaining:" { r = $2 }
		END { print s "|" a "|" l "|" p "|" r }'
}
export -f cars; export ip
: > "$OUT/pub"
for round in 1 2 3 4 5; do	# one back each 0.6 s; bursts outrun that
	seq 1 100 | xargs -P 8 -I@ bash -c cars >> "$OUT/pub"
	grep -q '^429|' "$OUT/pub" && break
done
IFS='|' read -r st ra rl pol rem < <(grep '^429|' "$OUT/pub" | head -1)
t=${rl##*;t=}
check "the public tier refuses too (429), r=0" bash -c "[ '$st' = 429 ] && [ '$rem' = 0 ] && [[ '$rl' == '\"public\";r=0;t='* ]]"
check "its t agrees with Retry-After (t=$t, Retry-After=$ra)" bash -c "d=\$((${t:-0} - ${ra:-0})); [ \$d -ge 58 ] && [ \$d -le 60 ]"
check "RateLimit-Policy: \"public\";q=100;w=60" eq "$pol" '"public";q=100;w=60'
