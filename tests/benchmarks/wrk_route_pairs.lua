-- Ask the route planner about a different pair of places on every request (cycling through
-- every ordered pair of the ids in WRK_PLACES, comma-separated), with an extra, ignored
-- parameter so no page is a page-cache hit: each answer is a route answer first worked out or
-- kept per process. The JSON report comes from wrk_report.lua (bench_web.py sets its path).
dofile(os.getenv("WRK_REPORT_LUA"))

places = {}
for id in string.gmatch(os.getenv("WRK_PLACES"), "[^,]+") do
  table.insert(places, id)
end
counter = 0
request = function()
  counter = counter + 1
  local n = #places
  local i = (counter % n) + 1
  local j = (math.floor(counter / n) % (n - 1)) + 1
  if j >= i then j = j + 1 end
  return wrk.format("GET", "/routes?from=" .. places[i] .. "&to=" .. places[j] ..
                    "&miss=" .. counter .. "-" .. math.random(1000000000))
end
