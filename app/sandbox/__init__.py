"""An embedded Nexudus-compatible server: the demo mode, every test and every benchmark talk to it over HTTP.

It behaves the way shared/nexudus-api.md documents the real API. Start it in-process with
`app.sandbox.server.SandboxServer.start(...)` or from the command line with `pigeonhole sandbox ...`.

  server.py     SandboxServer (start/stop/restart, faults, counters) and the socket layer
  api.py        routing and the request pipeline: token, 401s, roles, realistic limits, operations
  auth.py       users, roles, the token endpoint, bearer tokens      totp.py      RFC 6238 codes
  listing.py    list envelope, paging, filters, ordering, batch      writes.py    create/update/delete/runcommand
  state.py      the in-memory tables and the --state file            render.py    echo fields from the links
  shapes.py     each resource's fields, defaults and capabilities    answers.py   response bodies
  faults.py     the fault-injection grammar                          throttle.py  the documented rate limits
  generate.py   seeded realistic directories (locales.py: names)     countries.py every ISO 3166 country
  cli.py        `pigeonhole sandbox`
The validation rules live in app/nexudus/validation_rules.py, shared with the desk.
"""
