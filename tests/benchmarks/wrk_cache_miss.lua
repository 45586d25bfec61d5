-- Make every request's address unique (an extra, ignored parameter), so no page is a cache hit.
-- The JSON report comes from wrk_report.lua, beside this file (bench_web.py sets its path).
dofile(os.getenv("WRK_REPORT_LUA"))

counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "&miss=" .. counter .. "-" .. math.random(1000000000))
end
