"""HTTP fan-out: N GETs to the mock server, at most C in flight, each taking L ms on the server."""
