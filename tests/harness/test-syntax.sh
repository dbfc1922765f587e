# Passes one check, then hits a syntax error (bash exits 2).
echo "ok - [$SERVER] before the syntax error"
if then fi
echo "ok - [$SERVER] never printed"
