# test-98-secrets: runs near the end, after every other test wrote its
# logs.  No secret of the settings, no password and no bearer token
# appears in any log line; `exodrive config` masks the secrets.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

names="JWT_SECRET CRON_SECRET INTERNAL_API_KEY PAYPAL_CLIENT_SECRET RESEND_WEBHOOK_SECRET DOCUSEAL_WEBHOOK_SECRET WEBHOOK_SECRET SMTP_PASSWORD"
found=0; checked=0
for n in $names; do
	v=$(sed -n "s/^$n=//p" "$VAR/exodrive.env" | tail -1)
	[ -n "$v" ] || continue
	checked=$((checked + 1))
	if grep -rqF -- "$v" "$VAR/log/"; then
		found=$((found + 1))
		echo "# $n appears in $(grep -rlF -- "$v" "$VAR/log/" | head -1)"
	fi
done
check "the $checked secrets of the settings appear in no log ($(cat "$VAR"/log/* | wc -l) lines)" eq "$found" 0
check "nor does the test accounts' password" bash -c "! grep -rqF exodrive-dev-password '$VAR/log/'"
check "nor any bearer token (a JWT)" bash -c "! grep -rqE 'eyJ[A-Za-z0-9_-]{10,}\\.eyJ' '$VAR/log/'"
jwt=$(sed -n 's/^JWT_SECRET=//p' "$VAR/exodrive.env" | tail -1)
"$BIN" --config "$VAR/exodrive.env" config > "$OUT/config"
check "exodrive config prints the settings" grep -q '^JWT_SECRET' "$OUT/config"
check "with the secrets masked" bash -c "! grep -qF -- '$jwt' '$OUT/config'"
