"""serve: a web app (a downstream call, then CPU work) on the servers people deploy, under wrk."""
