-- With the JSON report below (the same as wrk_report.lua).
-- Make every request's address unique (an extra, ignored parameter), so no page is a cache hit.
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "&miss=" .. counter .. "-" .. math.random(1000000000))
end
-- Print wrk's results as one JSON line (requests, duration, errors, p50 and p95 latency in µs).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "socket_errors": %d, "non_2xx": %d, "p50_us": %d, "p95_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95)))
end
