-- wrk script of `make bench`. With paths after `--`, each connection requests them in turn (the mixed load of
-- all public pages); without, the URL given to wrk. At the end, one line with the figures as JSON (latencies in
-- microseconds; errors.status counts answers of 400 and above).
init = function(args)
  if #args > 0 then
    local next_path = 0
    request = function()
      next_path = next_path % #args + 1
      return wrk.format(nil, args[next_path])
    end
  end
end

done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH_JSON {\"requests\": %d, \"duration_us\": %d, \"bytes\": %d, " ..
    "\"errors\": {\"connect\": %d, \"read\": %d, \"write\": %d, \"status\": %d, \"timeout\": %d}, " ..
    "\"latency_us\": {\"mean\": %.1f, \"stdev\": %.1f, \"min\": %d, \"max\": %d, " ..
    "\"p50\": %d, \"p90\": %d, \"p99\": %d}}\n",
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout,
    latency.mean, latency.stdev, latency.min, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
