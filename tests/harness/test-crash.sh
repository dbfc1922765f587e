# Passes one check, then dies on SIGSEGV: the check must not count.
echo "ok - [$SERVER] before the crash"
kill -SEGV $$
echo "ok - [$SERVER] never printed"
