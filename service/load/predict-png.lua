-- wrk script: POST one PNG to the predict endpoint.
--   wrk -t2 -c8 -d30s --latency -s service/load/predict-png.lua \
--       http://127.0.0.1:8080/v1/models/mixer-fmnist/predict
-- The image is read from $PNG (default: /tmp/fmnist0.png).
local path = os.getenv("PNG") or "/tmp/fmnist0.png"
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "image/png"
wrk.body = f:read("*all")
f:close()
