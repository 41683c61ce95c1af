# fakeapi.sh: start and stop build/tools/fakeapi for an integration test.
# Set T (the test's temporary folder), FAKEAPI (the binary) and API_HOST
# (the vendor origin its transcripts name, rewritten to the local server)
# before api_start TRANSCRIPT...; it sets API_URL and API_PID. api_stop is
# safe to call twice; put it in the test's cleanup.
API_PID=
api_stop() {
	if [ -n "$API_PID" ]; then
		kill "$API_PID" 2>/dev/null
		wait "$API_PID" 2>/dev/null
	fi
	API_PID=
}
api_start() {
	rm -f "$T/api.port" "$T/api.log"
	"$FAKEAPI" --port-file "$T/api.port" --log "$T/api.log" \
	    --host "$API_HOST" "$@" 2>"$T/api.err" &
	API_PID=$!
	_i=0
	while [ ! -s "$T/api.port" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$API_PID" 2>/dev/null; then
			sed 's/^/# fakeapi: /' "$T/api.err"
			return 1
		fi
		sleep 0.05
	done
	API_URL=http://127.0.0.1:$(cat "$T/api.port")
}
