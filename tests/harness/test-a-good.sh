# A script that ends well: its two checks count.
echo "ok - [$SERVER] good one"
echo "ok - [$SERVER] good two"
