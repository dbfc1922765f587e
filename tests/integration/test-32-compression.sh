# test-32-compression: the web server compresses (the API never does;
# httpd/README.md): JSON and the dashboard's HTML arrive gzip or brotli
# compressed as the client accepts, decompress to the very bytes of the
# identity answer, with Vary: Accept-Encoding; a compressed answer's ETag
# is the identity tag with the coding's suffix, never the identity tag
# itself, and If-None-Match with it is answered 304.
. "$(dirname "$0")/lib.sh"

get() {	# get PATH ENCODING NAME [curl args]: body to $OUT/NAME, headers to $OUT/NAME.h
	local p=$1 enc=$2 n=$3; shift 3
	curl -s -o "$OUT/$n" -D "$OUT/$n.h" -H "Accept-Encoding: $enc" "$@" "$BASE$p"
}
h() { grep -i "^$2:" "$OUT/$1.h" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
unbr() { node -e 'process.stdout.write(require("zlib").brotliDecompressSync(require("fs").readFileSync(0)))'; }

get /api/cars identity plain
get /api/cars gzip gz
get /api/cars br br
get /api/cars 'gzip;q=0.5, br' both
t=$(h plain ETag); t=${t//\"/}
check "identity: no Content-Encoding, the JSON as is ($(wc -c < "$OUT/plain") bytes)" \
	bash -c "[ -z '$(h plain Content-Encoding)' ] && jq -e .cars '$OUT/plain' >/dev/null"
check "Accept-Encoding: gzip gets gzip ($(wc -c < "$OUT/gz") bytes)" eq "$(h gz Content-Encoding)" gzip
check "smaller than a third of the JSON" test "$(($(wc -c < "$OUT/gz") * 3))" -lt "$(wc -c < "$OUT/plain")"
check "it decompresses to the same bytes" cmp -s <(gunzip -c "$OUT/gz") "$OUT/plain"
check "Vary: Accept-Encoding on the compressed answer" bash -c "grep -i '^Vary:' '$OUT/gz.h' | grep -qi accept-encoding"
check "its ETag is the identity tag with -gzip: never the identity's strong tag" eq "$(h gz ETag)" "\"$t-gzip\""
check "Accept-Encoding: br gets brotli ($(wc -c < "$OUT/br") bytes)" eq "$(h br Content-Encoding)" br
unbr < "$OUT/br" > "$OUT/br.json"
check "brotli decompresses to the same bytes (node's zlib)" cmp -s "$OUT/br.json" "$OUT/plain"
check "its ETag ends in -br" eq "$(h br ETag)" "\"$t-br\""
check "gzip;q=0.5, br: brotli is chosen" eq "$(h both Content-Encoding)" br

# Conditional requests with either tag.
ip=$(other_ip)
get /api/cars gzip c1 -H "X-Forwarded-For: $ip" -H "If-None-Match: \"$t-gzip\""
check "If-None-Match with the gzip tag: 304" eq "$(head -1 "$OUT/c1.h" | cut -d' ' -f2)" 304
check "carrying the gzip tag and no body" bash -c "[ '$(h c1 ETag)' = '\"$t-gzip\"' ] && [ ! -s '$OUT/c1' ]"
get /api/cars br c2 -H "X-Forwarded-For: $ip" -H "If-None-Match: \"$t-br\""
check "If-None-Match with the brotli tag: 304 with it" eq "$(head -1 "$OUT/c2.h" | cut -d' ' -f2) $(h c2 ETag)" "304 \"$t-br\""
get /api/cars gzip c3 -H "X-Forwarded-For: $ip" -H "If-None-Match: \"$t\""
check "the identity tag, asking for gzip: 304 (the same answer's bytes)" eq "$(head -1 "$OUT/c3.h" | cut -d' ' -f2)" 304
get /api/cars gzip c4 -H "X-Forwarded-For: $ip" -H 'If-None-Match: "000000000000000000000000-gzip"'
check "another tag: 200, compressed, with our -gzip tag" eq "$(head -1 "$OUT/c4.h" | cut -d' ' -f2) $(h c4 Content-Encoding) $(h c4 ETag)" "200 gzip \"$t-gzip\""
check "Vary on the 304 too" bash -c "grep -i '^Vary:' '$OUT/c1.h' | grep -qi accept-encoding"

# The dashboard's HTML, and an error envelope (JSON too).
get /admin/dashboard gzip dash
get /admin/dashboard identity dashp
nononce() { sed -E 's/nonce(-|=")[0-9a-f]+/nonce-N/g'; }	# a new nonce each time
check "the dashboard's HTML arrives gzip" eq "$(h dash Content-Encoding)" gzip
check "and decompresses to the page" cmp -s <(gunzip -c "$OUT/dash" | nononce) <(nononce < "$OUT/dashp")
get /admin/dashboard br dashb
check "or brotli" cmp -s <(unbr < "$OUT/dashb" | nononce) <(nononce < "$OUT/dashp")
get /api/health gzip hl
check "an uncacheable answer has no ETag, compressed or not" eq "$(h hl ETag)" ""
