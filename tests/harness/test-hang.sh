# Passes one check, then hangs with a child of its own: the time limit must
# end both.
echo "ok - [$SERVER] before the hang"
sleep 3600 &
echo $! > "$HANG_PIDFILE"
wait
