# fakeapi.sh: start and stop build/tools/fakeapi for an integration test.
# Set T (the test's temporary folder), FAKEAPI (the binary) and API_HOST
# (the vendor origins its transcripts name, space-separated, rewritten to
# the local server)
# before api_start TRANSCRIPT...; it sets API_URL, PORT and API_PID.
# API_LOG (the request log), API_PORT_FILE and API_ERR (fakeapi's stderr,
# kept across restarts so a test can grep all of it) may be set first.
# api_stop is safe to call twice; put it in the test's cleanup.
: "${API_LOG:=$T/api.log}" "${API_PORT_FILE:=$T/api.port}" "${API_ERR:=$T/api.err}"
API_PID=
api_stop() {
	if [ -n "$API_PID" ]; then
		kill "$API_PID" 2>/dev/null
		wait "$API_PID" 2>/dev/null
	fi
	API_PID=
}
api_start() {
	api_stop
	rm -f "$API_PORT_FILE" "$API_LOG"
	# shellcheck disable=SC2046
	set -- $(for _h in $API_HOST; do printf -- '--host %s ' "$_h"; done) "$@"
	"$FAKEAPI" --port-file "$API_PORT_FILE" --log "$API_LOG" "$@" \
	    2>>"$API_ERR" &
	API_PID=$!
	_i=0
	while [ ! -s "$API_PORT_FILE" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 200 ] || ! kill -0 "$API_PID" 2>/dev/null; then
			sed 's/^/# fakeapi: /' "$API_ERR"
			return 1
		fi
		sleep 0.05
	done
	PORT=$(cat "$API_PORT_FILE")
	API_URL=http://127.0.0.1:$PORT
}
