-- wrk script for `bench api`: GET /v1/accounts/{id} of random accounts (account-0 .. account-(N-1)) with a
-- protocol key. wrk -s bench/accounts.lua reads ACCOUNTS and KEY from the environment.
local accounts = tonumber(os.getenv("ACCOUNTS"))
local key = os.getenv("KEY")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/v1/accounts/account-" .. math.random(0, accounts - 1), { ["Authorization"] = "Bearer " .. key })
end
