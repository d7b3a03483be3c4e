-- wrk script for bench/intake.py: the write floor, POST /_bench/write-floor/ with an empty body.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "{}"
