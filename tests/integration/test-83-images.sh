# test-83-images: POST /api/cars/upload (multipart, type by magic bytes,
# size limit), the image worker's variants (libvips: 400/800/1600 px, JPEG
# and WebP, metadata stripped, never upscaled), served by lighttpd,
# recorded on the car; a decompression bomb refused; delete-image.
. "$(dirname "$0")/lib.sh"
only_on lighttpd

psql_q() { psql -h "$VAR/pg/sock" -U exodrive -d exodrive -XAtc "$1"; }
MK="python3 $(dirname "$0")/mkimage.py"
# An admin of its own, allowed more uploads than the tier's 5 a minute.
own_admin; adm=$OWN_ADMIN
allowance user "$OWN_ADMIN_ID" 10
H=(-H "Authorization: Bearer $adm")
upload() { req POST /api/cars/upload "${H[@]}" "$@"; }
state() { psql_q "select status from image_uploads where path = '$1'"; }
settled() { [ "$(state "$1")" = done ] || [ "$(state "$1")" = failed ]; }

$MK png 2000 1200 "$OUT/big.png"
vips copy "$OUT/big.png" "$OUT/plain.jpg"
$MK exif "$OUT/plain.jpg" "SECRET-GPS-51.5N" "$OUT/car.jpg"
upload -F "file=@$OUT/car.jpg;type=image/jpeg"
check "an admin uploads a JPEG (201)" eq "$STATUS" 201
path=$(js .data.storagePath); url=$(js .data.publicUrl)
check "stored at {user}/{uuid}.jpg" bash -c "[[ '$path' =~ ^[0-9a-f-]{36}/[0-9a-f-]{36}\.jpg$ ]]"
curl -s -o "$OUT/back.jpg" "$url"
check "its public URL serves the same bytes" cmp -s "$OUT/car.jpg" "$OUT/back.jpg"
check "the worker makes its variants" until_ok 100 settled "$path"
check "done, 2000x1200 recorded" eq "$(psql_q "select status||' '||width||'x'||height from image_uploads where path = '$path'")" "done 2000x1200"
check "six variants: 400, 800, 1600 px as JPEG and WebP" eq "$(psql_q "select string_agg((v->>'width')||(v->>'format'), ',' order by (v->>'width')::int, v->>'format') from image_uploads, jsonb_array_elements(variants) v where path = '$path'")" "400jpeg,400webp,800jpeg,800webp,1600jpeg,1600webp"
served=0
for u in $(psql_q "select v->>'url' from image_uploads, jsonb_array_elements(variants) v where path = '$path'"); do
	curl -s -o "$OUT/v" -w '%{http_code} %{content_type}\n' "$u" >> "$OUT/codes"
	w=$(vipsheader -f width "$OUT/v" 2>/dev/null)
	case $u in *-400.*) [ "$w" = 400 ] && served=$((served + 1)) ;; *-800.*) [ "$w" = 800 ] && served=$((served + 1)) ;; *-1600.*) [ "$w" = 1600 ] && served=$((served + 1)) ;; esac
done
check "each is served, as its own width" eq "$served" 6
check "as image/jpeg and image/webp" eq "$(sort -u "$OUT/codes" | tr '\n' ' ')" "200 image/jpeg 200 image/webp "
v1600=$VAR/uploads/${path%.jpg}-1600.jpg
check "the original keeps its EXIF" grep -q SECRET-GPS "$VAR/uploads/$path"
check "the variants do not (metadata stripped)" bash -c "test -s '$v1600' && ! grep -q SECRET-GPS '$v1600'"

# A car naming the upload shows the variants.
car=$(curl -s -XPOST "$BASE/api/admin/cars" "${H[@]}" -H 'Content-Type: application/json' \
	-d "$(jq -nc --arg n "Image Car $RANDOM$RANDOM" --arg u "$url" --arg p "$path" '{name:$n, category:"Exotic",
	pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:$u, path:$p, is_primary:true, sort_order:0}]}')" | jq -r .carId)
req GET "/api/cars/$car"
check "the car's image carries its 6 variants" eq "$(js '.car.images[0].variants | length')" 6

# Variants that arrive after the car was saved reach it (and its cache).
req POST /api/admin/queues/image/pause "${H[@]}" -d ''
$MK png 300 200 "$OUT/small.png"
upload -F "file=@$OUT/small.png;type=image/png"
p2=$(js .data.storagePath); u2=$(js .data.publicUrl)
req PUT "/api/admin/cars/$car" "${H[@]}" -H 'Content-Type: application/json' \
	-d "$(jq -nc --arg n "Image Car 2 $RANDOM" --arg u "$url" --arg p "$path" --arg u2 "$u2" --arg p2 "$p2" '{name:$n, category:"Exotic",
	pricing:{base_price:300, deposit_amount:500, minimum_days:1},
	images:[{url:$u, path:$p, is_primary:true, sort_order:0}, {url:$u2, path:$p2, is_primary:false, sort_order:1}]}')"
check "the car is saved with an image still waiting (200)" eq "$STATUS" 200
req GET "/api/cars/$car"
req GET "/api/cars/$car"
check "its second image has no variants yet (cached: $(hdr X-Cache))" eq "$(js '.car.images[1].variants | length')" 0
req POST /api/admin/queues/image/resume "${H[@]}" -d ''
arrived() { req GET "/api/cars/$car"; [ "$(js '.car.images[1].variants | length')" = 2 ]; }
check "the variants reach the car once made (the cache was dropped)" until_ok 100 arrived
check "a 300 px image is never upscaled" eq "$(js '[.car.images[1].variants[].width] | unique | join(",")')" 300

# A decompression bomb: 64 megapixels in 8 KB.
$MK bomb 8000 8000 "$OUT/bomb.png"
upload -F "file=@$OUT/bomb.png;type=image/png"
check "a tiny PNG of 64 megapixels is accepted for upload" eq "$STATUS" 201
bp=$(js .data.storagePath)
check "then refused by the worker" until_ok 100 settled "$bp"
check "recorded as failed, with why" eq "$(psql_q "select status||': '||split_part(error, ' (', 1) from image_uploads where path = '$bp'")" "failed: more than 50 megapixels"

# Refusals.
printf 'just text, not an image' > "$OUT/fake.jpg"
upload -F "file=@$OUT/fake.jpg;type=image/jpeg"
check "text named .jpg is 400 (magic bytes)" eq "$STATUS $(js '.error.details.fieldErrors.file[0]')" "400 Must be a JPEG, PNG or WebP image"
upload -F "file=@$OUT/small.png;type=image/jpeg"
check "PNG bytes declared image/jpeg are 400" eq "$STATUS" 400
cp "$OUT/small.png" "$OUT/small.jpg"
upload -F "file=@$OUT/small.jpg;type=image/png"
check "PNG bytes named .jpg are 400" eq "$STATUS" 400
upload -F "photo=@$OUT/small.png;type=image/png"
check "no field named file is 400" eq "$STATUS" 400
head -c 5300000 /dev/zero | tr '\0' 'x' | { printf '\xff\xd8\xff'; cat; } > "$OUT/huge.jpg"
upload -F "file=@$OUT/huge.jpg;type=image/jpeg"
check "an image over UPLOAD_MAX_BYTES is 413" eq "$STATUS $(js .error.code)" "413 PAYLOAD_TOO_LARGE"
req POST /api/cars/upload "${H[@]}" -H 'Content-Type: multipart/form-data; boundary=zz' --data-binary $'--zz\r\nno headers'
check "a malformed multipart body is 400" eq "$STATUS" 400
req POST /api/cars/upload "${H[@]}" -H 'Content-Type: application/json' -d '{"file":"x"}'
check "JSON is 415" eq "$STATUS" 415
head -c 2000000 /dev/zero > "$OUT/two-mb"
req POST /api/admin/cars "${H[@]}" -H 'Content-Type: multipart/form-data; boundary=zz' --data-binary "@$OUT/two-mb"
check "a large multipart body on another route is 413 (MAX_BODY_BYTES)" eq "$STATUS" 413
john=$(curl -s -XPOST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"john.doe@example.com","password":"exodrive-dev-password"}' | jq -r .accessToken)
req POST /api/cars/upload -H "Authorization: Bearer $john" -F "file=@$OUT/small.png;type=image/png"
check "uploads are admin-only" eq "$STATUS" 403

# delete-image: the path rules, then the files go.
for bad in '../etc/passwd' '/abs/x.jpg' 'a/./b.jpg' 'a/b.gif' 'a/b/c.jpg' 'a//b.jpg' 'a/..jpg' 'a\\b.jpg'; do
	req POST /api/cars/delete-image "${H[@]}" -H 'Content-Type: application/json' -d "$(jq -nc --arg p "$bad" '{storagePath:$p}')"
	echo "$STATUS" >> "$OUT/bad"
done
check "8 malformed storage paths are 400" eq "$(grep -c '^400$' "$OUT/bad")" 8
req POST /api/cars/delete-image "${H[@]}" -H 'Content-Type: application/json' -d "{\"storagePath\":\"$path\"}"
check "deleting an upload answers 200" eq "$STATUS" 200
check "its file is gone" test ! -e "$VAR/uploads/$path"
check "and its variants" test ! -e "$v1600"
check "and it is marked deleted" eq "$(state "$path")" deleted
req POST /api/cars/delete-image "${H[@]}" -H 'Content-Type: application/json' -d "{\"storagePath\":\"$path\"}"
check "deleting it again still succeeds" eq "$STATUS" 200
