# test-70-auth: register, login, refresh rotation, logout, the JWT token table.
. "$(dirname "$0")/lib.sh"

json() { req POST "$1" -H 'Content-Type: application/json' -d "$2"; }
# More sign-in attempts than one client's login tier allows in a minute.
own_allowance 5
email="itest-$SERVER-$RANDOM$RANDOM@example.com"

json /api/auth/register "{\"email\":\"$email\",\"password\":\"s3cret-passw0rd\",\"firstName\":\"Ivy\"}"
check "register is 201" eq "$STATUS" 201
check "register returns a bearer access token" eq "$(js .tokenType)" Bearer
check "new accounts are customers" eq "$(js .user.role)" customer
refresh=$(js .refreshToken)

json /api/auth/register "{\"email\":\"$email\",\"password\":\"another-one\"}"
check "second register with the same email is 409" eq "$STATUS" 409

json /api/auth/register "{\"email\":\"x$email\",\"password\":\"s3cret-passw0rd\",\"role\":\"admin\"}"
check "mass assignment of role is refused (400)" eq "$STATUS" 400
check "the unknown field is named" eq "$(js '.error.details.fieldErrors.role[0]')" "Unknown field"

json /api/auth/register "{\"email\":\"not-an-email\",\"password\":\"short\"}"
check "bad email and short password are 400" eq "$STATUS" 400
check "both fields are reported" eq "$(js '.error.details.fieldErrors | keys | join(",")')" "email,password"

req POST /api/auth/login -H 'Content-Type: text/plain' -d '{}'
check "wrong media type on a JSON route is 415" eq "$STATUS" 415

json /api/auth/login '{"email":'
check "malformed JSON is 400 INVALID_REQUEST" eq "$(js .error.code)" INVALID_REQUEST

json /api/auth/login "{\"email\":\"$email\",\"password\":\"wrong-password\"}"
check "wrong password is 401" eq "$STATUS" 401
wrong_msg=$(js .error.message)
json /api/auth/login "{\"email\":\"nobody-$RANDOM@example.com\",\"password\":\"wrong-password\"}"
check "unknown email is 401 with the same message" eq "$(js .error.message)" "$wrong_msg"

json /api/auth/login "{\"email\":\"$(echo "$email" | tr a-z A-Z)\",\"password\":\"s3cret-passw0rd\"}"
check "login (email case-insensitive) is 200" eq "$STATUS" 200
access=$(js .accessToken)

req GET /api/bookings -H "Authorization: Bearer $access"
check "the access token opens a customer route" eq "$STATUS" 200

json /api/auth/refresh "{\"refreshToken\":\"$refresh\"}"
check "refresh is 200" eq "$STATUS" 200
refresh2=$(js .refreshToken)
check "refresh rotates the token" test "$refresh2" != "$refresh"
json /api/auth/refresh "{\"refreshToken\":\"$refresh\"}"
check "replaying a spent refresh token is 401" eq "$STATUS" 401
json /api/auth/refresh "{\"refreshToken\":\"$refresh2\"}"
check "the replay revoked the whole family" eq "$STATUS" 401

json /api/auth/login "{\"email\":\"$email\",\"password\":\"s3cret-passw0rd\"}"
r3=$(js .refreshToken)
json /api/auth/logout "{\"refreshToken\":\"$r3\"}"
check "logout is 204" eq "$STATUS" 204
json /api/auth/refresh "{\"refreshToken\":\"$r3\"}"
check "a logged-out refresh token is 401" eq "$STATUS" 401

# The token table of reliability.md §6.2, crafted here with the real secret.
secret=$(sed -n 's/^JWT_SECRET=//p' "$VAR/exodrive.env")
sub=$(echo "$access" | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null | jq -r .sub)
forge() {	# forge HEADER CLAIMS KEY
	python3 - "$1" "$2" "$3" <<'PY'
import base64, hmac, hashlib, sys
b = lambda s: base64.urlsafe_b64encode(s.encode() if isinstance(s, str) else s).rstrip(b'=').decode()
h, c, k = sys.argv[1], sys.argv[2], sys.argv[3]
m = b(h) + '.' + b(c)
sig = b(hmac.new(k.encode(), m.encode(), hashlib.sha256).digest()) if k else ''
print(m + '.' + sig)
PY
}
now=$(date +%s)
claims() { echo "{\"iss\":\"exodrive\",\"aud\":\"exodrive-api\",\"sub\":\"$sub\",\"iat\":$1,\"nbf\":$1,\"exp\":$2,\"jti\":\"t\"}"; }
HS='{"alg":"HS256","typ":"JWT"}'
good=$(forge "$HS" "$(claims $now $((now + 600)))" "$secret")
req GET /api/bookings -H "Authorization: Bearer $good"
check "a well-formed token crafted with the secret is accepted (control)" eq "$STATUS" 200
for case in \
	"none|{\"alg\":\"none\",\"typ\":\"JWT\"}|$(claims $now $((now + 600)))|" \
	"expired|$HS|$(claims $((now - 3600)) $((now - 1800)))|$secret" \
	"not-yet-valid|$HS|$(claims $((now + 3600)) $((now + 7200)))|$secret" \
	"wrong-secret|$HS|$(claims $now $((now + 600)))|not-the-secret-at-all-0123456789" \
	"rs256-confusion|{\"alg\":\"RS256\",\"typ\":\"JWT\"}|$(claims $now $((now + 600)))|-----BEGIN PUBLIC KEY-----" \
	"wrong-audience|$HS|{\"iss\":\"exodrive\",\"aud\":\"other\",\"sub\":\"$sub\",\"nbf\":$now,\"exp\":$((now + 600))}|$secret"; do
	IFS='|' read -r name h c k <<<"$case"
	tok=$(forge "$h" "$c" "$k")
	req GET /api/bookings -H "Authorization: Bearer $tok"
	check "JWT $name is refused with 401" eq "$STATUS" 401
done
tampered=$(echo "$good" | cut -d. -f1).$(forge "$HS" "$(claims $now $((now + 600)) | sed "s/$sub/00000000-0000-0000-0000-000000000000/")" "$secret" | cut -d. -f2).$(echo "$good" | cut -d. -f3)
req GET /api/bookings -H "Authorization: Bearer $tampered"
check "JWT with a tampered payload is refused with 401" eq "$STATUS" 401
req GET /api/bookings
check "no token on a customer route is 401 AUTH_REQUIRED" eq "$(js .error.code)" AUTH_REQUIRED
